#!/bin/bash
# More of kntsd: the clock's state from chronyd's tracking; knts.ko reloaded
# under a running kntsd gets its keys back; ntsrotate 0 plus SIGHUP takes a
# key file copied in; two certificates chosen by SNI; ntsratelimit.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(cert_dir)
trap 'kntsd_stop "$d"; kill $(cat "$d/chronyd.pid" 2>/dev/null) 2>/dev/null || true; knts_unload_quiet' EXIT

# chronyd as the local clock's reference (stratum 5), no NTP port.
mkdir -p /run/chrony
chown _chrony: /run/chrony
cat > "$d/chrony.conf" <<EOC
port 0
local stratum 5
pidfile $d/chronyd.pid
driftfile $d/drift
EOC
chronyd -x -f "$d/chrony.conf" -l "$d/chronyd.log" || fail "chronyd"
stratum5() { chronyc -c -n tracking 2>/dev/null | grep -q ',5,'; }
wait_for 60 "chronyd at stratum 5" stratum5
chronyc -n tracking

kntsd_conf "$d" "ntsrotate 0" "kntsstatusinterval 1"
kntsd_start "$d"
from_chronyd() {
	j=$("$KNTSCTL" -j -c "$d/kntsd.sock" status) &&
		[ "$(json_get "$j" 'j["kntsd"]["time_source"]')" = chronyd ] &&
		[ "$(json_get "$j" 'j["time"]["stratum"]')" = 5 ]
}
wait_for 30 "kntsd to take chronyd's status" from_chronyd
expect_eq "time source" "$(json_get "$j" 'j["kntsd"]["time_source"]')" chronyd
expect_eq "stratum from chronyd" "$(json_get "$j" 'j["time"]["stratum"]')" 5
expect_eq "refid from chronyd" "$(json_get "$j" 'j["time"]["refid"]')" 127.127.1.1
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time"

# knts.ko reloaded under kntsd: the keys come back within an interval.
ids=$(json_get "$("$KNTSCTL" -j keys)" 'sorted(k["id"] for k in j["keys"])')
rmmod knts
modprobe knts
wait_for 60 "kntsd to put the keys back" keys_loaded 4
k=$("$KNTSCTL" -j keys)
expect_eq "keys re-pushed" "$(json_get "$k" 'sorted(k["id"] for k in j["keys"])')" "$ids"
fresh() { "$KNTSCTL" -j status | grep -q '"stale":false'; }
wait_for 60 "a fresh time status" fresh
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time after the module came back"

# ntsrotate 0: a key file copied in from another server, then SIGHUP.
test_keys_file "$d/dump/ntskeys.new" 5EED0000
mv "$d/dump/ntskeys.new" "$d/dump/ntskeys"
kill -HUP "$(cat "$d/kntsd.pid")"
wait_for 30 "the keys reloaded" grep -q "master keys read from" "$d/kntsd.log"
k=$("$KNTSCTL" -j keys)
expect_eq "copied keys in the module" \
	"$(json_get "$k" 'sorted(k["id"] for k in j["keys"])')" \
	"['5EED0000', '5EED0001', '5EED0002', '5EED0003']"
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time with copied keys"
kntsd_stop "$d"

# Two certificates, chosen by the name the client asks for (SNI).
echo "127.0.0.1 ntsa.test ntsb.test" >> /etc/hosts
for n in a b; do
	mkdir -p "$d/$n"
	chmod 755 "$d/$n"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 2 -subj "/CN=nts$n.test" \
		-addext "subjectAltName=DNS:nts$n.test" \
		-keyout "$d/$n/key.pem" -out "$d/$n/cert.pem" 2>/dev/null
	chmod 644 "$d/$n/cert.pem"
done
kntsd_conf "$d" "kntslocal stratum 2"
cat >> "$d/kntsd.conf" <<EOC
ntsserverkey $d/a/key.pem
ntsservercert $d/a/cert.pem
ntsserverkey $d/b/key.pem
ntsservercert $d/b/cert.pem
EOC
kntsd_start "$d"
for n in a b; do
	out=$(chrony_query "$d/$n/cert.pem" nts$n.test)
	grep -q "System clock wrong by" <<<"$out" || fail "nts$n.test: wrong certificate"
done
kntsd_stop "$d"

# ntsratelimit: a burst of 2 per source, 1 in 16 over it let through.
kntsd_conf "$d" "kntslocal stratum 2" "ntsratelimit interval 10 burst 2 leak 4"
kntsd_start "$d"
python3 - <<'PY'
import socket, time
for i in range(20):
    s = socket.create_connection(("127.0.0.1", 4460))
    s.close()
PY
sleep 0.5
j=$("$KNTSCTL" -j -c "$d/kntsd.sock" serverstats)
lim=$(json_get "$j" 'j["nts_ke_dropped_rate_limit"]')
echo "rate limited: $lim of 20"
[ "$lim" -ge 12 ] && [ "$lim" -le 18 ] || fail "ntsratelimit: $lim of 20 limited"
