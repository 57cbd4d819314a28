#!/bin/bash
# The admin guide's "Migrating from chrony", played: a chrony 4.3 NTS server
# configured as the seed describes serves a chronyd client; chrony stops
# serving (NTS lines out, "port 0") and stays the time source; its ntskeys
# is copied to kntsd's user; knts.ko and kntsd take over, and the same
# client goes on with the cookies chrony gave it (no new NTS-KE, no NAK)
# while a new client gets NTS time too; then the rollback gives the client
# back to chrony, still without a new NTS-KE.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
d=$(cert_dir)
mkdir -p "$d/chrony" "$d/client"
mkdir -m 0700 "$d/run"	# chrony wants its command sockets private
# Both chronyds end before the next test, which wants port 123 free.
trap 'kntsd_stop "$d"; knts_unload_quiet
	for p in chronyd client; do [ ! -f "$d/$p.pid" ] || stop_pidfile "$d/$p.pid"; done
	cat "$d"/server.log.old "$d"/server.log "$d"/client.log 2>/dev/null' EXIT
# The seed's server: chrony.conf's NTS lines, the NTP server open.
srv=$d/chrony.conf
cat > "$srv" <<EOC
local stratum 2
allow all
ntsserverkey $d/key.pem
ntsservercert $d/cert.pem
ntsdumpdir $d/chrony
bindcmdaddress $d/run/server.sock
pidfile $d/chronyd.pid
EOC
server_start() {
	[ ! -f "$d/server.log" ] || cat "$d/server.log" >> "$d/server.log.old"
	chronyd -d -x -u root -f "$srv" > "$d/server.log" 2>&1 &
	wait_for 30 "the chrony server's command socket" test -S "$d/run/server.sock"
}
server_stop() {
	stop_pidfile "$d/chronyd.pid"
}
server_stats() { # NAME: a counter of the chrony server's serverstats
	chronyc -h "$d/run/server.sock" serverstats | sed -n "s/^$1 *: //p"
}
server_start
wait_for 30 "chrony's NTS-KE" listening 4460

# A client that keeps running: its cookies are what must survive.
cat > "$d/client.conf" <<EOC
server localhost iburst nts minpoll -2 maxpoll -2
ntstrustedcerts $d/cert.pem
ntsdumpdir $d/client
port 0
cmdport 0
bindcmdaddress $d/run/client.sock
pidfile $d/client.pid
EOC
chronyd -d -x -u root -f "$d/client.conf" > "$d/client.log" 2>&1 &
# chronyc -c authdata: name,mode,keyid,type,klen,last,atmp,nak,cook,clen
authdata() { chronyc -h "$d/run/client.sock" -n -c authdata; }
cookies() { local n; n=$(authdata | cut -d, -f9); [ "${n:-0}" -ge "$1" ]; }
served_by_chrony() { [ "$(server_stats "Authenticated NTP packets")" -ge "$1" ]; }
wait_for 60 "the client's cookies from chrony" cookies 1
wait_for 60 "authenticated packets at chrony" served_by_chrony 3
authdata
expect_eq "NTS-KE sessions with chrony" "$(server_stats "NTS-KE connections accepted")" 1

# The client polls every 0.25 s here, where a real one waits 64 s or more:
# every request the switch leaves unanswered would use up one of its eight
# cookies, so it sits the switch out offline, as a real one does between
# two polls.
chronyc -h "$d/run/client.sock" offline >/dev/null

# 1. chrony stops serving NTS and NTP, and stays the time source.
sed -i '/^ntsserverkey\|^ntsservercert\|^allow/d' "$srv"
echo "port 0" >> "$srv"
server_stop
server_start
! listening 4460 || fail "chrony still serves NTS-KE"
wait_for 30 "chronyd synchronised" eval 'chronyc -n -c tracking | grep -q ",Normal$"'

# 2. The master keys, to the user kntsd runs as; the TLS key readable by
#    its group.
install -d -o nobody -g nogroup -m 0700 "$d/dump"
install -o nobody -g nogroup -m 0600 "$d/chrony/ntskeys" "$d/dump/ntskeys"
chgrp nogroup "$d/key.pem"
chmod 640 "$d/key.pem"

# 3. knts: the module, then kntsd with the same certificate.  (Not
#    knts_load: its trap would replace this test's.)
modprobe knts || fail "modprobe knts"
# chrony.conf's allow line moves along: whom NTP and NTS-KE serve.
kntsd_conf "$d" "kntsuser nobody" "kntsstatusinterval 1" "ntsratelimit interval 6 burst 8 leak 2" \
	"allow all"
"$top/userspace/kntsd/kntsd" -t -f "$d/kntsd.conf" || fail "kntsd -t"
kntsd_start "$d"
grep -q "clock state from chronyd" "$d/kntsd.log" ||
	wait_for 30 "the clock state from chronyd" grep -q "clock state from chronyd" "$d/kntsd.log"
cmp -s "$d/chrony/ntskeys" "$d/dump/ntskeys" || fail "kntsd replaced the copied keys"

# 4. The client goes on with chrony's cookies: knts opens them.
chronyc -h "$d/run/client.sock" online >/dev/null
wait_for 60 "the client's requests authenticated by knts" counter_above authenticated_ntp_packets 3
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
expect_eq "NTS-KE sessions at knts" "$(json_get "$j" 'j["nts_ke_connections_accepted"]')" 0
expect_eq "NAKs sent" "$(json_get "$j" 'j["nts_naks_sent"]')" 0
authdata
expect_eq "client NAKs" "$(authdata | cut -d, -f8)" 0
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || { echo "$out"; fail "a new client got no NTS time"; }

# 5. Rollback: kntsd and the module go, chrony serves again with the keys
#    (knts rotated none), and the client goes on without a new NTS-KE.
chronyc -h "$d/run/client.sock" offline >/dev/null
kntsd_stop "$d"
knts_unload
cat >> "$srv" <<EOC
allow all
ntsserverkey $d/key.pem
ntsservercert $d/cert.pem
EOC
sed -i '/^port 0$/d' "$srv"
server_stop
server_start
wait_for 30 "chrony's NTS-KE again" listening 4460
chronyc -h "$d/run/client.sock" online >/dev/null
wait_for 60 "the client back at chrony" served_by_chrony 3
expect_eq "NTS-KE sessions with chrony after the rollback" \
	"$(server_stats "NTS-KE connections accepted")" 0
authdata
true
