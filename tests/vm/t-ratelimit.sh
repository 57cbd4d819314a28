#!/bin/bash
# Per-source rate limiting: off by default; with a rate, a burst is served
# and the rest dropped (or answered with a RATE kiss-o'-death), counted.
. "$(dirname "$0")/lib.sh"

knts_load ratelimit_rate=1 ratelimit_burst=4
"$KNTSCTL" status | grep -q "^Rate limit *: 1/s per source, burst 4, IPv6 per /64$" ||
	fail "status lacks the rate limit"
python3 - <<'PY'
import socket
from ntsclient import udp_socket
s = udp_socket(socket.AF_INET, 0.3)
for i in range(20):
    s.sendto(bytes([0x23]) + bytes(47), ("127.0.0.1", 123))
got = 0
try:
    while True:
        s.recv(100)
        got += 1
except socket.timeout:
    pass
# The burst, plus at most one token refilled while sending.
assert 4 <= got <= 5, got
print(f"{got} of 20 answered")
PY
j=$("$KNTSCTL" -j serverstats)
lim=$(json_get "$j" 'j["dropped_ratelimit"]')
ans=$(json_get "$j" 'j["unauthenticated_ntp_replies"]')
expect_eq "limited + answered" "$((lim + ans))" 20

"$KNTSCTL" config set ratelimit-kod on || fail "config set ratelimit-kod"
# Another source address, so a full bucket of its own (no wait to refill).
python3 - <<'PY'
import socket
from ntsclient import udp_socket
s = udp_socket(socket.AF_INET, 0.3)
s.bind(("127.0.0.4", 0))
for i in range(10):
    s.sendto(bytes([0x23]) + bytes(47), ("127.0.0.1", 123))
kods = 0
try:
    while True:
        r = s.recv(100)
        if r[1] == 0 and r[12:16] == b"RATE":
            assert r[0] >> 6 == 3
            kods += 1
except socket.timeout:
    pass
assert 5 <= kods <= 6, kods
PY
j=$("$KNTSCTL" -j serverstats)
kods=$(json_get "$j" 'j["rate_kods_sent"]')
[ "$kods" -ge 5 ] || fail "RATE KoDs not counted: $kods"
# Other sources are not affected (::1 is another address).
python3 -c "
import socket
from ntsclient import udp_socket, exchange
assert exchange(udp_socket(socket.AF_INET6), ('::1', 123), bytes([0x23]) + bytes(47))
"

# NTS requests and IPv6 sources are limited the same way, per address
# (IPv6: per /64); each case uses a source of its own, so a fresh bucket.
"$KNTSCTL" config set ratelimit-kod off || fail "config set ratelimit-kod"
ip -6 addr add fd77:0:0:a::1/128 dev lo nodad
ip -6 addr add fd77:0:0:b::1/128 dev lo nodad
ip -6 addr add fd77:0:0:c::1/128 dev lo nodad
ip -6 addr add fd77:0:0:c::2/128 dev lo nodad
ip -6 addr add fd77:0:0:d::1/128 dev lo nodad
ip -6 addr add fd77:0:0:d::2/128 dev lo nodad
tmp=$(mktemp -d)
test_keys_file "$tmp/ntskeys"
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "keys import"
"$KNTSCTL" time set stratum 2 || fail "time set"
rm -rf "$tmp"
# Run-time changes take effect at once: off, then a smaller burst.  (One
# Python for all of it: each start costs seconds under TCG.)
python3 - <<'PY' || fail "NTS, IPv6 and run-time changes under the limiter"
import os, socket, subprocess
from ntsclient import *
kid, master = test_keys()[2]

def burst(src, dst, kind, low, high):
    """20 requests at once from src; between low and high answered."""
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    s = udp_socket(fam, 0.5)
    s.bind((src, 0))
    sent = {}
    for i in range(20):
        if kind == "nts":
            sess = Session(master, kid)
            pkt, uid, tx = sess.request()
            sent[tx] = (sess, uid)
        else:
            pkt = bytes([0x23]) + bytes(47)
        s.sendto(pkt, (dst, 123))
    got = 0
    try:
        while True:
            r = s.recv(4096)
            if kind == "nts":
                origin = int.from_bytes(r[24:32], "big")
                sess, uid = sent[origin]
                assert not sess.check_reply(r, uid, origin)["nak"]
            got += 1
    except socket.timeout:
        pass
    assert low <= got <= high, f"{src} {kind}: {got} of 20 answered, want {low}..{high}"
    print(f"{src} {kind}: {got} of 20 answered")

def param(name, value):
    subprocess.check_call([os.environ["KNTSCTL"], "config", "set",
                           name.replace("_", "-"), str(value)])

burst("127.0.0.2", "127.0.0.1", "nts", 4, 5)
burst("fd77:0:0:a::1", "::1", "plain", 4, 5)
param("ratelimit_rate", 0)
burst("127.0.0.3", "127.0.0.1", "plain", 20, 20)
param("ratelimit_rate", 1)
param("ratelimit_burst", 2)
st = subprocess.check_output([os.environ["KNTSCTL"], "status"], text=True)
assert "1/s per source, burst 2" in st, st
burst("fd77:0:0:b::1", "::1", "nts", 2, 3)
# One /64, one bucket: its second address finds it spent.
burst("fd77:0:0:c::1", "::1", "plain", 2, 3)
burst("fd77:0:0:c::2", "::1", "plain", 0, 1)
# Per address once the prefix is 128.
param("ratelimit_prefix6", 128)
burst("fd77:0:0:d::1", "::1", "plain", 2, 3)
burst("fd77:0:0:d::2", "::1", "plain", 2, 3)
# chrony's form: one request per 2^interval s, and leak: with leak 1 about
# half of what is over the limit is served anyway.
param("ratelimit_interval", 3)
param("ratelimit_leak", 1)
st = subprocess.check_output([os.environ["KNTSCTL"], "status"], text=True)
assert "1 per 8 s per source, burst 2, 1 in 2 served anyway" in st, st
burst("127.0.0.9", "127.0.0.1", "plain", 4, 18)
PY
