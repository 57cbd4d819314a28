#!/bin/bash
# The AES knts runs on.  After `modprobe knts` on a guest where nothing has
# loaded aesni_intel (no udev), knts uses AES-NI through its own batched
# code, after a self-test, and says so in the kernel log and in kntsctl
# status (-j too); aes=generic gives the library with a loud warning.  NTS
# replies verify (Python, pyca) on both.  And the per-CPU cookie budget:
# past it, replies carry one cookie, counted; 0 turns it off.
. "$(dirname "$0")/lib.sh"

grep -qw aes /proc/cpuinfo || fail "the guest CPU has no AES-NI"
! lsmod | grep -q '^aesni_intel' || fail "aesni_intel is loaded before the test"
# read_log: $log = the kernel log since the last call (never cleared:
# guest-run.sh checks all of it for oopses and warnings after the test).
mark=0
read_log() {
	local all
	all=$(dmesg)
	log=$(printf '%s\n' "$all" | tail -n +$((mark + 1)))
	mark=$(printf '%s' "$all" | grep -c '' || true)
}
read_log

knts_load
read_log
echo "$log"
grep -q "knts: AES: aesni (batched, self-test passed)" <<<"$log" ||
	fail "no AES-NI line in the kernel log"
! lsmod | grep -q '^aesni_intel' || fail "knts pulled in aesni_intel"
j=$("$KNTSCTL" -j status)
expect_eq "status aes" "$(json_get "$j" 'j["aes"]')" aesni
"$KNTSCTL" status | grep -q "^AES *: aesni (AES-NI, batched)" ||
	fail "kntsctl status does not show AES-NI"
expect_eq "default cookie budget" "$(json_get "$j" 'j["cookie_budget"]')" 50000

tmp=$(mktemp -d)
test_keys_file "$tmp/ntskeys"
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "keys import"
"$KNTSCTL" time set stratum 2 refid 192.0.2.1 || fail "time set"

# exchange N PLACEHOLDERS: N requests asking for 1 + PLACEHOLDERS cookies,
# each reply verified; prints the cookie counts, one line.  The nonces the
# replies carry in the clear (the authenticator's, each cookie's) must all
# differ, and show no shared half that a counter in the clear would leave
# (knts draws them from AES over a per-CPU counter).  On CPU 0: over
# loopback the module serves a request on the sender's CPU, and the
# cookie budget is per CPU.
exchange() {
	taskset -c 0 python3 - "$1" "$2" <<'PY'
import socket, sys
from ntsclient import *

n, ph = int(sys.argv[1]), int(sys.argv[2])
keys = test_keys()
cur_id, cur_key = keys[2]
s = udp_socket(socket.AF_INET)
sess = Session(cur_key, cur_id, cookies=n)
counts, nonces = [], []
for _ in range(n):
    pkt, uid, tx = sess.request(placeholders=ph)
    reply = exchange(s, ("127.0.0.1", 123), pkt)
    assert reply is not None, "no reply"
    r = sess.check_reply(reply, uid, tx)
    assert not r["nak"], "NAK"
    for c in r["cookies"]:
        assert open_cookie(cur_key, c) == sess.c2s + sess.s2c
        nonces.append(c[4:20])
    nonces.append(r["nonce"])
    counts.append(len(r["cookies"]))
for half in (slice(0, 16), slice(0, 8), slice(8, 16)):
    parts = [x[half] for x in nonces]
    assert len(set(parts)) == len(parts), f"nonces repeat ({half})"
print(" ".join(map(str, counts)))
PY
}

out=$(exchange 3 7) || fail "NTS on AES-NI"
expect_eq "cookies on AES-NI" "$out" "8 8 8"

# A budget of 1 extra cookie a second holds one full reply (7 extra),
# and lowering it caps what CPU 0 holds at once: the first of a run gets
# its 8, the rest 1 each, unless seven seconds pass between two (nothing
# here depends on speed but the count of cuts, compared with the module's
# counter).
"$KNTSCTL" config set cookie-budget 1 || fail "config set cookie-budget"
out=$(exchange 6 7) || fail "NTS under the cookie budget"
echo "cookies per reply: $out"
read -ra counts <<<"$out"
expect_eq "first reply under the budget" "${counts[0]}" 8
cuts=0
for c in "${counts[@]:1}"; do
	[ "$c" -lt 8 ] || fail "a reply past the budget carried 8 cookies"
	[ "$c" -eq 1 ] && cuts=$((cuts + 1))
done
[ "$cuts" -ge 1 ] || fail "no reply was cut to one cookie"
j=$("$KNTSCTL" -j serverstats)
expect_eq "budget cuts counted" "$(json_get "$j" 'j["nts_cookie_budget_cuts"]')" "$cuts"
"$KNTSCTL" config set cookie-budget 0 || fail "config set cookie-budget"
out=$(exchange 2 7) || fail "NTS with the budget off"
expect_eq "cookies with the budget off" "$out" "8 8"

knts_unload
knts_load aes=generic
read_log
echo "$log"
grep -q "knts: AES: generic, as the aes parameter asks: table-based, not constant time" <<<"$log" ||
	fail "no warning for generic AES"
j=$("$KNTSCTL" -j status)
expect_eq "status aes" "$(json_get "$j" 'j["aes"]')" generic
"$KNTSCTL" status | grep -q "^AES *: generic (WARNING: table-based" ||
	fail "kntsctl status does not warn about generic AES"
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "keys import"
"$KNTSCTL" time set stratum 2 refid 192.0.2.1 || fail "time set"
out=$(exchange 3 7) || fail "NTS on generic AES"
expect_eq "cookies on generic AES" "$out" "8 8 8"
knts_unload

! modprobe knts aes=fast 2>/dev/null || fail "aes=fast was accepted"
read_log
grep -q "knts: aes=fast: use auto or generic" <<<"$log" || fail "no error for aes=fast"
echo "ok"
