#!/bin/bash
# NTS over IPv4 and IPv6 against knts.ko: keys imported from a chrony
# ntskeys file, requests authenticated with C2S, replies verified with S2C,
# fresh cookies opened with the master key and used for the next request,
# T2 <= T3, the unique identifier echoed; counters agree.
. "$(dirname "$0")/lib.sh"

knts_load
tmp=$(mktemp -d)
test_keys_file "$tmp/ntskeys"
out=$("$KNTSCTL" keys import "$tmp/ntskeys") || fail "keys import"
echo "$out"
grep -q "current 1F21A13E" <<<"$out" || fail "current key is not the third line's"
"$KNTSCTL" time set stratum 2 refid 192.0.2.1 || fail "time set"
"$KNTSCTL" keys

python3 - <<'PY'
import socket
from ntsclient import *

keys = test_keys()
current_id, current_key = keys[2]
total = 0
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = udp_socket(family)
    for key_id, master in keys:   # cookies under every slot's key open
        sess = Session(master, key_id)
        cookie = None
        for placeholders in range(0, 8):
            pkt, uid, tx = sess.request(placeholders=placeholders, cookie=cookie)
            reply = exchange(s, (host, 123), pkt)
            assert reply is not None, f"{host}: no reply"
            total += 1
            assert len(reply) <= len(pkt), "reply longer than request"
            r = sess.check_reply(reply, uid, tx)
            assert not r["nak"], f"{host} key {key_id:08X}: NAK"
            assert r["leap"] == 0 and r["stratum"] == 2, r
            assert r["rx"] <= r["tx"], "T2 after T3"
            assert abs(ntp_to_float(r["tx"]) - ntp_to_float(ntp_now())) < 5
            assert len(r["cookies"]) == min(8, 1 + placeholders), \
                (placeholders, len(r["cookies"]))
            for c in r["cookies"]:
                assert len(c) == 100
                # New cookies are sealed with the current key.
                assert int.from_bytes(c[:4], "big") == current_id
                assert open_cookie(current_key, c) == sess.c2s + sess.s2c
            cookie = r["cookies"][0]   # the next request uses a fresh cookie
print(f"{total} authenticated exchanges verified")
PY

j=$("$KNTSCTL" -j serverstats)
echo "$j"
expect_eq "authenticated replies" "$(json_get "$j" 'j["authenticated_ntp_packets"]')" 64
expect_eq "cookies issued" "$(json_get "$j" 'j["nts_cookies_issued"]')" $((2 * 4 * 36))
expect_eq "dropped" "$(json_get "$j" 'j["ntp_packets_dropped"]')" 0
rx=$(json_get "$j" 'j["ntp_kernel_rx_timestamps"] + j["ntp_fallback_rx_timestamps"]')
expect_eq "timestamped requests" "$rx" 64
expect_eq "kernel RX timestamps" "$(json_get "$j" 'j["ntp_kernel_rx_timestamps"]')" 64
k=$("$KNTSCTL" -j keys)
echo "$k"
expect_eq "opens per key" "$(json_get "$k" '[x["opens"] for x in j["keys"]]')" "[2, 2, 58, 2]"
expect_eq "roles" "$(json_get "$k" '[x["role"] for x in j["keys"]]')" \
	"['previous', 'previous', 'current', 'next']"

# The clock's state in authenticated replies: leap 1 and 2 as set; once the
# status goes stale, leap 3 and stratum 0, still authenticated.  And the
# same through a packet tap (shared skbs, served from a copy).
# (One Python for all of it: each start costs seconds under TCG.)
python3 - <<'PY' || fail "the clock's state in authenticated replies"
import os, socket, subprocess, time
from ntsclient import *
kid, master = test_keys()[2]
def tset(*args):
    subprocess.check_call([os.environ["KNTSCTL"], "time", "set", "stratum", "3"] + list(args))
def want(leap, stratum, what):
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        sess = Session(master, kid)
        pkt, uid, tx = sess.request()
        reply = exchange(udp_socket(fam), (host, 123), pkt)
        assert reply is not None, f"{what} ({host}): no reply"
        r = sess.check_reply(reply, uid, tx)
        assert not r["nak"], f"{what}: NAK"
        got = (r["leap"], r["stratum"])
        assert got == (leap, stratum), f"{what} ({host}): leap, stratum {got}"
# A packet tap on lo shares the datagrams' skbs: knts serves them from a
# copy instead of where they lie (its requests carry an encrypted EF, which
# is decrypted in place).
tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
tap.bind(("lo", 0))
tset("leap", "2")
want(2, 3, "leap 2, through a tap")
tap.close()
for leap in (1, 2):
    tset("leap", str(leap))
    want(leap, 3, f"leap {leap}")
tset("stale", "30")
want(0, 3, "fresh status")
tset("stale", "1")
time.sleep(1.2)
want(3, 0, "stale status")
PY
rm -rf "$tmp"
