#!/bin/bash
# Per-source rate limiting: off by default; with a rate, a burst is served
# and the rest dropped (or answered with a RATE kiss-o'-death), counted.
. "$(dirname "$0")/lib.sh"

knts_load ratelimit_rate=1 ratelimit_burst=4
"$KNTSCTL" status | grep -q "^Rate limit *: 1/s per source, burst 4$" ||
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

echo 1 > /sys/module/knts/parameters/ratelimit_kod
sleep 5	# refill the bucket
python3 - <<'PY'
import socket
from ntsclient import udp_socket
s = udp_socket(socket.AF_INET, 0.3)
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
