#!/bin/bash
# Interoperability.  The independent implementations are ntpsec and
# chrony; kntsctl query is ours, used as a probe that is itself checked
# against chronyd:
#  - kntsctl query against kntsd + knts.ko (IPv4, IPv6, several rounds);
#  - ntpsec 1.2.2's ntpd, in a network namespace, syncing from knts;
#  - chronyd 4.3 as a complete NTS server, checked by kntsctl query;
#  - the reverse mixed deployment: kntsd's NTS-KE hands out cookies (sealed
#    by knts's userspace core) that chronyd's NTP server opens, sharing
#    kntsd's ntskeys file; a chrony client and kntsctl query both succeed;
#  - kntsctl query refuses an untrusted certificate from chrony and from
#    knts alike.
. "$(dirname "$0")/lib.sh"

need_chronyd
NTPSEC=${KNTS_CACHE:-/var/cache/knts}/ntpsec
[ -x "$NTPSEC/usr/sbin/ntpd" ] || skip "ntpsec not unpacked (scripts/deps.sh)"
knts_load
d=$(mktemp -d)
chmod 755 "$d"
trap 'kntsd_stop "$d"; kill $(cat "$d"/*.pid 2>/dev/null) 2>/dev/null || true; ip netns del nsc 2>/dev/null || true; knts_unload_quiet' EXIT
echo "10.99.0.1 ntstest.knts" >> /etc/hosts
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-days 2 -subj /CN=ntstest.knts \
	-addext "subjectAltName=DNS:ntstest.knts,DNS:localhost,IP:127.0.0.1,IP:::1" \
	-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null || fail "openssl"
chmod 644 "$d/cert.pem"
chmod 600 "$d/key.pem"
kntsd_conf "$d" "kntslocal stratum 2"
kntsd_start "$d"

# kntsctl query against knts.
for args in "localhost" "localhost -n 3" "::1 -6" "127.0.0.1 -4 -n 2"; do
	# shellcheck disable=SC2086
	out=$("$KNTSCTL" query $args --ca "$d/cert.pem") || fail "query $args: $out"
	echo "$out"
	grep -q "^Verified *: \([0-9]\) of \1$" <<<"$out" || fail "query $args"
done
j=$("$KNTSCTL" -j query localhost --ca "$d/cert.pem" -n 2)
# kntsctl offers 30 first, with record 1024: an AEAD 30 session, its
# cookies under kntsd's AEAD 15 master key 68 bytes long.
expect_eq "json aead" "$(json_get "$j" '(j["nts_ke"]["aead"], j["nts_ke"]["exporter_context"])')" "(30, 'compliant')"
expect_eq "json cookies" "$(json_get "$j" '(j["nts_ke"]["cookies"], j["nts_ke"]["cookie_length"])')" "(8, 68)"
expect_eq "json verified" "$(json_get "$j" '[r["verified"] for r in j["replies"]]')" "[True, True]"
expect_eq "json stratum" "$(json_get "$j" 'j["replies"][0]["stratum"]')" 2
# A certificate we do not trust: refused, exit 1.
other=$(cert_dir)
set +e
out=$("$KNTSCTL" query localhost --ca "$other/cert.pem" 2>&1); rc=$?
set -e
echo "$out"
expect_eq "untrusted certificate" "$rc" 1
grep -qi "certificate" <<<"$out" || fail "no certificate complaint"

# ntpsec's ntpd from a network namespace over a veth pair.
ip netns add nsc
ip link add veth0 type veth peer name veth1
ip link set veth1 netns nsc
ip addr add 10.99.0.1/24 dev veth0
ip link set veth0 up
ip -n nsc addr add 10.99.0.2/24 dev veth1
ip -n nsc link set veth1 up
ip -n nsc link set lo up
cat > "$d/ntp.conf" <<EOC
server ntstest.knts nts ca $d/cert.pem iburst minpoll 4 maxpoll 4
driftfile $d/ntp.drift
EOC
before=$(json_get "$("$KNTSCTL" -j serverstats)" 'j["authenticated_ntp_packets"]')
timeout 60 ip netns exec nsc "$NTPSEC/usr/sbin/ntpd" -n -q -g \
	-c "$d/ntp.conf" -l "$d/ntpd.log" || { cat "$d/ntpd.log"; fail "ntpd -q"; }
grep -E "NTSc|CLOCK" "$d/ntpd.log"
grep -q "NTSc: Got 8 cookies, length 100, aead=15" "$d/ntpd.log" || fail "ntpsec NTS-KE"
after=$(json_get "$("$KNTSCTL" -j serverstats)" 'j["authenticated_ntp_packets"]')
[ "$after" -gt "$before" ] || fail "ntpsec sent no authenticated request"

# Negative control: ntpsec's cookies come from an NTS-KE server whose
# master keys knts.ko does not hold (chronyd's own, in place of kntsd,
# which stops; the module keeps kntsd's keys).  ntpsec must get no time,
# and knts.ko must NAK the cookies.
kntsd_stop "$d"
# kntsd stopped leaves the module serving on its sockets.  They are root's
# here, and chronyd (root when it binds) could join their SO_REUSEPORT
# group: hand the module sockets of another user instead, as a kntsd
# running as its own user would have (chronyd then cannot bind 123).
"$KNTSCTL" socket del all || fail "socket del all"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=+net_admin,+net_bind_service \
	--ambient-caps=+net_admin,+net_bind_service \
	"$KNTSCTL" socket add >/dev/null || fail "socket add as nobody"
mkdir -p "$d/neg"
cp "$d/key.pem" "$d/neg/key.pem"
chown -R _chrony: "$d/neg"
# port 123: no NTS-KE port record, so ntpsec's NTP goes to knts.ko's port
# (chronyd's own NTP sockets cannot bind it: knts.ko holds it).
cat > "$d/neg.conf" <<EOC
port 123
cmdport 0
ntsserverkey $d/neg/key.pem
ntsservercert $d/cert.pem
ntsdumpdir $d/neg
pidfile $d/neg.pid
allow all
EOC
chronyd -x -f "$d/neg.conf" -l "$d/neg.log" || fail "chronyd (NTS-KE, other keys)"
wait_for 30 "chronyd's NTS-KE port" listening 4460
naks=$(json_get "$("$KNTSCTL" -j serverstats)" 'j["nts_naks_sent"]')
rm -f "$d/ntpd.log"
# ntpd -q keeps trying while it gets no time: it runs until the NAK is
# seen (with a wrong key no reply can verify after it), then is stopped.
ip netns exec nsc "$NTPSEC/usr/sbin/ntpd" -n -q -g \
	-c "$d/ntp.conf" -l "$d/ntpd.log" &
np=$!
wait_for 60 "knts.ko to NAK ntpsec's cookies" counter_above nts_naks_sent "$naks"
if not_running $np; then
	grep -E "NTSc|CLOCK" "$d/ntpd.log" || true
	fail "ntpsec ended: it set the clock from knts.ko holding the wrong keys"
fi
kill $np
wait $np || true
grep -E "NTSc|CLOCK" "$d/ntpd.log" || true
grep -q "CLOCK:" "$d/ntpd.log" && fail "ntpsec set the clock from knts.ko holding the wrong keys"
grep -q "NTSc: Got 8 cookies" "$d/ntpd.log" || fail "negative control: no NTS-KE"
stop_pidfile "$d/neg.pid"
kntsd_start "$d"

# chronyd as a complete NTS server (its own keys), NTP on port 11123.
mkdir -p "$d/chrony" "$d/chronydump"
cp "$d/key.pem" "$d/chrony/key.pem"
chown -R _chrony: "$d/chrony" "$d/chronydump"
cat > "$d/chronyd.conf" <<EOC
port 11123
cmdport 0
ntsport 14460
ntsserverkey $d/chrony/key.pem
ntsservercert $d/cert.pem
ntsdumpdir $d/chronydump
local stratum 4
allow all
pidfile $d/chronyd.pid
EOC
chronyd -x -f "$d/chronyd.conf" -l "$d/chronyd.log" || fail "chronyd"
wait_for 30 "chronyd's NTS-KE port" listening 14460
out=$("$KNTSCTL" query localhost -p 14460 --ca "$d/cert.pem" -n 2) || fail "query chronyd: $out"
echo "$out"
grep -q "^NTP server *: localhost port 11123$" <<<"$out" || fail "port negotiation"
grep -q "stratum 4" <<<"$out" || fail "not chronyd's time"

# The same verdict from both servers on an untrusted CA: refused.
set +e
"$KNTSCTL" query localhost -p 14460 --ca "$other/cert.pem" >/dev/null 2>&1; r1=$?
"$KNTSCTL" query localhost --ca "$other/cert.pem" >/dev/null 2>&1; r2=$?
set -e
[ "$r1" -ne 0 ] || fail "chronyd's certificate accepted under an untrusted CA"
expect_eq "same verdict, untrusted CA" "$r1" "$r2"

# Reverse mixed deployment: kntsd's NTS-KE points clients at chronyd's NTP
# port; chronyd opens kntsd's cookies with kntsd's keys (ntsrotate 0).
# chrony 4.3 serves AEAD 15 sessions only: ntsaeads says so.
stop_pidfile "$d/chronyd.pid"
kntsd_stop "$d"
kntsd_conf "$d" "kntslocal stratum 2" "port 11124" "ntsrotate 0" "ntsaeads 15" \
	"kntsntp none"
kntsd_start "$d"
cp "$d/dump/ntskeys" "$d/chronydump/ntskeys"
chown _chrony: "$d/chronydump/ntskeys"
sed -i -e 's/^port 11123/port 11124/' -e 's/^ntsport 14460/ntsport 14461/' \
	-e 's/^local stratum 4/local stratum 5\nntsrotate 0/' "$d/chronyd.conf"
chronyd -x -f "$d/chronyd.conf" -l "$d/chronyd.log" || fail "chronyd (keys from kntsd)"
wait_for 30 "chronyd's NTS-KE port" listening 14461
out=$("$KNTSCTL" query localhost --ca "$d/cert.pem" -n 3) || fail "query kntsd+chronyd: $out"
echo "$out"
grep -q "^NTP server *: localhost port 11124$" <<<"$out" || fail "port record"
grep -q "stratum 5" <<<"$out" || fail "not chronyd's NTP"
out=$(chrony_query "$d/cert.pem" localhost)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "chrony client via kntsd + chronyd"
