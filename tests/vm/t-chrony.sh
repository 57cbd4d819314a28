#!/bin/bash
# A real NTS client against knts.ko: chrony 4.3's NTS-KE server (sharing
# its ntskeys file with knts, ntsrotate 0, ntsntpserver pointing at the
# module) hands out cookies; a chrony 4.3 client (chronyd -Q) takes time
# from knts.ko with them, over IPv4 and IPv6, using the fresh cookies of
# each reply for the next request.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(mktemp -d)
chmod 755 "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
	-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null || fail "openssl req"
# chronyd reads its key after dropping to _chrony; -Q clients need the
# trusted certificate readable too.
chmod 644 "$d/cert.pem"
chmod 600 "$d/key.pem"
chown _chrony: "$d/key.pem"
mkdir -p "$d/dump"
test_keys_file "$d/dump/ntskeys"
chown -R _chrony: "$d/dump"
"$KNTSCTL" keys import "$d/dump/ntskeys" >/dev/null || fail "keys import"
"$KNTSCTL" time set stratum 2 refid 192.0.2.1 || fail "time set"

start_nts_ke() { # name ntsport ntsntpserver
	cat > "$d/$1.conf" <<EOC
port 0
cmdport 0
ntsport $2
ntsserverkey $d/key.pem
ntsservercert $d/cert.pem
ntsdumpdir $d/dump
ntsrotate 0
ntsntpserver $3
pidfile $d/$1.pid
allow all
EOC
	chronyd -f "$d/$1.conf" -x -l "$d/$1.log" || fail "chronyd $1"
}
start_nts_ke ke4 4460 127.0.0.1
start_nts_ke ke6 4461 ::1
trap 'kill $(cat "$d"/*.pid 2>/dev/null) 2>/dev/null || true; knts_unload_quiet' EXIT
wait_for 60 "the NTS-KE servers' pid files" test -s "$d/ke4.pid" -a -s "$d/ke6.pid"

client() { # ntsport
	timeout 60 chronyd -Q -t 30 -f /dev/null "ntstrustedcerts $d/cert.pem" \
		"server localhost iburst nts ntsport $1 maxsamples 1" 2>&1
}
out=$(client 4460)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "IPv4: no time from knts.ko"
out=$(client 4461)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "IPv6: no time from knts.ko"

# A client daemon polling every 1/16 s for 12 s: far more requests than
# the 8 cookies NTS-KE gave, so most carry cookies knts.ko sealed itself.
mkdir -p "$d/log"
chown _chrony: "$d/log"
cat > "$d/client.conf" <<EOC
server localhost iburst nts ntsport 4460 minpoll -4 maxpoll -4
ntstrustedcerts $d/cert.pem
cmdport 0
pidfile $d/client.pid
logdir $d/log
log measurements
EOC
chronyd -x -f "$d/client.conf" -l "$d/client.log" || fail "client chronyd"
measured() { grep -s ' localhost \| ::1 \| 127.0.0.1 ' "$d/log/measurements.log"; }
twelve() { [ "$(measured | wc -l)" -ge 12 ]; }
wait_for 120 "12 measurements" twelve
kill "$(cat "$d/client.pid")"
cat "$d/client.log"
measured | tail -n 3
# Each sample passed chrony's packet tests (1-3: not a duplicate, not
# bogus, valid timestamps) and 5-7 (5: authenticated), not only arrived.
bad=$(measured | awk '$6 != "111" || $7 != "111"')
[ -z "$bad" ] || fail "samples failing chrony's tests 1-3/5-7: $bad"
j=$("$KNTSCTL" -j serverstats)
echo "$j"
auth=$(json_get "$j" 'j["authenticated_ntp_packets"]')
[ "$auth" -ge 14 ] || fail "only $auth authenticated replies"
expect_eq "NAKs" "$(json_get "$j" 'j["nts_naks_sent"]')" 0
expect_eq "drops" "$(json_get "$j" 'j["ntp_packets_dropped"]')" 0
k=$("$KNTSCTL" -j keys)
expect_eq "cookies opened" "$(json_get "$k" 'sum(x["opens"] for x in j["keys"])')" "$auth"
cat "$d/ke4.log"

# Negative control: knts.ko holding other keys than the ones chrony's
# NTS-KE server sealed the cookies with.  The client must get no time, and
# knts.ko must say why (NAKs for cookies under unknown keys).
test_keys_file "$d/other" 5EED0000
"$KNTSCTL" keys import "$d/other" >/dev/null || fail "keys import (other keys)"
before=$(json_get "$("$KNTSCTL" -j serverstats)" 'j["nts_naks_sent"]')
# The client runs until knts.ko has NAKed it (after that no reply under
# a wrong key can verify), then is stopped.
chronyd -Q -t 60 -f /dev/null "ntstrustedcerts $d/cert.pem" \
	"server localhost iburst nts ntsport 4460 maxsamples 1" > "$d/neg.out" 2>&1 &
cp=$!
wait_for 60 "knts.ko to NAK chrony's cookies" counter_above nts_naks_sent "$before"
kill $cp 2>/dev/null || true
wait $cp || true
cat "$d/neg.out"
grep -q "System clock wrong by" "$d/neg.out" &&
	fail "chrony took time from knts.ko holding the wrong keys"
j=$("$KNTSCTL" -j serverstats)
[ "$(json_get "$j" 'j["cookie_unknown_key"]')" -gt 0 ] ||
	fail "unknown-key cookies not counted"
