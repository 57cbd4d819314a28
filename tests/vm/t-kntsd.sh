#!/bin/bash
# The seed's verification, as an admin runs it: knts.ko loaded, kntsd with a
# self-signed certificate, then chronyd -Q ... nts prints "System clock
# wrong by"; serverstats shows NTS-KE connections and authenticated NTP
# packets counted by the kernel.  Over IPv4 and IPv6.  Then: a restart keeps
# cookies valid, SIGKILL leaves the module serving until the state goes
# stale, then leap 3; status --check says OK, then WARNING, then (module
# gone) CRITICAL, with exit 0, 1, 2.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(cert_dir)
kntsd_conf "$d" "kntslocal stratum 2" "kntsuser nobody" \
	"kntsstatusinterval 1" "kntsstale 6"
trap 'kntsd_stop "$d"; knts_unload_quiet' EXIT
kntsd_start "$d"

out=$(chrony_query "$d/cert.pem" localhost)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "IPv4: no NTS time"
out=$(chrony_query "$d/cert.pem" ::1)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "IPv6: no NTS time"

"$KNTSCTL" -c "$d/kntsd.sock" serverstats
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
ke=$(json_get "$j" 'j["nts_ke_connections_accepted"]')
auth=$(json_get "$j" 'j["authenticated_ntp_packets"]')
[ "$ke" -ge 2 ] || fail "NTS-KE connections accepted: $ke"
[ "$auth" -ge 2 ] || fail "authenticated NTP packets: $auth"
expect_eq "NTS-KE sessions" "$(json_get "$j" 'j["nts_ke_sessions_completed"]')" "$ke"
"$KNTSCTL" -c "$d/kntsd.sock" status | grep -q "kntsd *: [0-9.]*, NTP served by knts.ko (reached), clock state from kntslocal" ||
	fail "status lacks kntsd"
# Key file: chrony's layout, mode 0600, owned by the service user.
head -n 1 "$d/dump/ntskeys" | grep -qx NKS0 || fail "ntskeys not NKS0"
expect_eq "ntskeys mode" "$(stat -c %a:%U "$d/dump/ntskeys")" 600:nobody
expect_eq "kntsd user" "$(ps -o user= -p "$(cat "$d/kntsd.pid")")" nobody

# Restart: the same keys come back from the file, so cookies issued before
# (here minted from that file, as kntsd mints them) still open.
before=$("$KNTSCTL" -j keys)
kntsd_stop "$d"
rmmod knts
modprobe knts
kntsd_start "$d"
after=$("$KNTSCTL" -j keys)
expect_eq "keys after restart" "$(json_get "$after" '[k["id"] for k in j["keys"]]')" \
	"$(json_get "$before" '[k["id"] for k in j["keys"]]')"
python3 - "$d/dump/ntskeys" <<'PY'
import socket, sys
from ntsclient import *
import subprocess
# ntskeys is 0600 nobody: read it as root through a copy.
subprocess.check_call(["cp", sys.argv[1], "/tmp/keys.copy"])
ids, cur = [], None
lines = open("/tmp/keys.copy").read().split("\n")
keys = [(int(l.split()[0], 16), bytes.fromhex(l.split()[1])) for l in lines[2:6]]
kid, master = keys[2]
s = udp_socket(socket.AF_INET)
sess = Session(master, kid)
pkt, uid, tx = sess.request()
r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
assert not r["nak"] and r["stratum"] == 2, r
PY
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time after restart"

# status --check: healthy; then each problem, with its exit status.
check() { # WANT-EXIT WANT-TEXT [kntsctl options]
	local want=$1 text=$2 out rc=0
	shift 2
	out=$("$KNTSCTL" -c "$d/kntsd.sock" "$@" status --check) || rc=$?
	echo "$out"
	expect_eq "status --check exit ($text)" "$rc" "$want"
	grep -q -- "$text" <<<"$out" || fail "status --check: want '$text'"
	[ "$(wc -l <<<"$out")" = 1 ] || [ "$1" = -j ] || fail "status --check: more than one line"
}
check 0 "^KNTS OK - knts.ko .* on aesni AES, kntsd .*, stratum 2$"
check 0 '"state":"ok","exit":0' -j
# serverstats -o prometheus: valid, causes as labels, the state as gauges.
prom=$("$KNTSCTL" -c "$d/kntsd.sock" serverstats -o prometheus | prom_lint) ||
	fail "serverstats -o prometheus is not valid"
for want in 'knts_up 1' 'knts_module_up 1' 'knts_kntsd_up 1' 'knts_stratum 2' \
	'knts_time_stale 0' 'knts_leap 0' \
	'knts_ntp_packets_dropped_total{reason="malformed"} ' \
	'knts_nts_ke_connections_dropped_total{reason="per_source"} ' \
	'knts_nts_cookie_failures_total{reason="bad_tag"} ' \
	'knts_build_info{version="' 'knts_key_age_seconds ' \
	'knts_next_rotation_seconds ' 'knts_authenticated_ntp_packets_total '; do
	grep -qF "$want" <<<"$prom" || fail "prometheus lacks '$want'"
done
! grep -qE '^knts_(dropped_|ntp_packets_dropped_total |nts_ke_dropped_)' <<<"$prom" ||
	fail "prometheus still has causes as names of their own"
exp=$(sed -n 's/^knts_certificate_expiry_timestamp_seconds //p' <<<"$prom")
[ "$exp" -gt "$(date +%s)" ] || fail "certificate expiry: '$exp'"

# SIGKILL: the module keeps answering with the last state until it is
# stale (kntsstale 6, pushed every second), then with leap 3.
kntsd_stop "$d" KILL
KILLED=$(date +%s.%N) python3 - <<'PY'
import os, socket, time
from ntsclient import exchange, udp_socket
STALE, t0 = 6.0, float(os.environ["KILLED"])
def ask():
    r = exchange(udp_socket(socket.AF_INET), ("127.0.0.1", 123),
                 bytes([0x23]) + bytes(47))
    return r[0] >> 6, r[1]
first, at = ask(), time.time() - t0
if at < STALE - 1.5:
    assert first == (0, 2), (first, at)
while ask() != (3, 0):
    assert time.time() - t0 < STALE + 3, "still confident after kntsd died"
    time.sleep(0.2)
stale_at = time.time() - t0
# Not before the limit (less the last push's age), not long after it.
assert stale_at >= STALE - 1.5, f"stale after {stale_at:.1f} s"
print(f"leap 3 after {stale_at:.1f} s")
PY
check 1 "^KNTS WARNING - kntsd unreachable on .*; clock state stale: replies announce leap 3; knts.ko"
check 1 '"state":"degraded","exit":1' -j
rmmod knts
# Nothing answers: knts_up 0, and no stale counters, with exit 0 so that
# a textfile collector's file is replaced.
prom=$("$KNTSCTL" -c "$d/kntsd.sock" serverstats -o prometheus | prom_lint) ||
	fail "serverstats -o prometheus without the module"
grep -qx 'knts_up 0' <<<"$prom" || fail "knts_up is not 0 without the module"
! grep -q '_total' <<<"$prom" || fail "counters printed with nothing answering"
check 2 "^KNTS CRITICAL - .*knts.ko is not loaded"
check 2 '"state":"down","exit":2' -j
