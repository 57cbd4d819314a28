#!/bin/bash
# Plain NTP: answered with the announced time status (leap 3 until one is
# set or once it is stale), dropped when require_nts is set.
. "$(dirname "$0")/lib.sh"

knts_load
python3 - <<'PY'
import socket, struct
from ntsclient import exchange, udp_socket, ntp_now

def ask(host, family, version=4):
    s = udp_socket(family)
    tx = ntp_now()
    pkt = bytes([version << 3 | 3, 0, 6, 0]) + bytes(36) + struct.pack(">Q", tx)
    r = exchange(s, (host, 123), pkt)
    assert r is not None, "no reply"
    assert len(r) == 48 and r[0] & 7 == 4 and (r[0] >> 3) & 7 == version
    assert struct.unpack(">Q", r[24:32])[0] == tx
    assert r[2] == 6, "poll not echoed"
    return r[0] >> 6, r[1]

# Never set: leap 3 and stratum 0 on the wire (16 = unsynchronised).
assert ask("127.0.0.1", socket.AF_INET) == (3, 0)
PY
"$KNTSCTL" time set stratum 3 stale 60 || fail "time set"
ask=$(mktemp --suffix=.py)
cat > "$ask" <<'PY'
import socket, sys
from ntsclient import exchange, udp_socket
def ask(host, family, version=4):
    s = udp_socket(family)
    r = exchange(s, (host, 123), bytes([version << 3 | 3]) + bytes(47))
    assert r is not None and len(r) == 48, "no reply"
    return r[0] >> 6, r[1], (r[0] >> 3) & 7
want = tuple(int(x) for x in sys.argv[1:4])
for host, fam, ver in (("127.0.0.1", socket.AF_INET, 4),
                       ("::1", socket.AF_INET6, 4),
                       ("127.0.0.1", socket.AF_INET, 3),
                       ("127.0.0.1", socket.AF_INET, 1)):
    got = ask(host, fam, ver)
    assert got == (want[0], want[1], ver), f"{host} v{ver}: {got}"
PY
python3 "$ask" 0 3 || fail "fresh status not announced"
# Stale after 1 s: leap 3, stratum 0 (unsynchronised) on the wire.
"$KNTSCTL" time set stratum 3 stale 1 || fail "time set"
sleep 1.2
python3 "$ask" 3 0 || fail "stale status still announced"
"$KNTSCTL" config set require-nts on || fail "config set require-nts"
python3 - <<'PY'
import socket
from ntsclient import exchange, udp_socket
s = udp_socket(socket.AF_INET)
assert exchange(s, ("127.0.0.1", 123), bytes([4 << 3 | 3]) + bytes(47), 0.5) is None
PY
j=$("$KNTSCTL" -j serverstats)
echo "$j"
expect_eq "plain replies" "$(json_get "$j" 'j["unauthenticated_ntp_replies"]')" 9
expect_eq "dropped not NTS" "$(json_get "$j" 'j["dropped_not_nts"]')" 1
expect_eq "dropped" "$(json_get "$j" 'j["ntp_packets_dropped"]')" 1
"$KNTSCTL" status | grep -q '^Require NTS *: yes' || fail "status lacks require_nts"
