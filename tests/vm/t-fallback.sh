#!/bin/bash
# Without knts.ko (not loadable here), kntsd refuses to start unless the
# configuration allows a fall back; with "kntsntp auto" it serves NTP itself through the
# same protocol core: chrony gets NTS time over IPv4 and IPv6, the Python
# client's replies verify, bad packets are dropped and counted with the
# module's counter names (requests from port 0 or to a broadcast address
# too), and the log says which path serves.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
echo "install knts /bin/false" > /etc/modprobe.d/knts-test.conf
d=$(cert_dir)
trap 'kntsd_stop "$d"; rm -f /etc/modprobe.d/knts-test.conf' EXIT
# By default a missing module is an error that says why, not a quiet
# fall back.
kntsd_conf "$d" "kntslocal stratum 3"
rc=0
timeout 60 "$top/userspace/kntsd/kntsd" -f "$d/kntsd.conf" > "$d/nomod.log" 2>&1 || rc=$?
cat "$d/nomod.log"
expect_eq "kntsd without knts.ko, exit status" "$rc" 1
grep -q "knts.ko is not loaded.*kntsd does not serve without it unless told to (kntsntp auto or userspace)" \
	"$d/nomod.log" || fail "no reason given for the missing module"
! listening 4460 || fail "NTS-KE left listening"
kntsd_conf "$d" "kntslocal stratum 3" "kntsntp auto"
kntsd_start "$d"
grep -q "NTP served by kntsd on UDP port 123" "$d/kntsd.log" ||
	fail "kntsd does not say it serves NTP itself"
grep -q "knts.ko is not loaded.*kntsntp auto: kntsd serves NTP itself" "$d/kntsd.log" ||
	fail "the fall back is not logged as a warning"
[ ! -e /sys/module/knts ] || fail "knts.ko loaded"

for server in localhost ::1; do
	out=$(chrony_query "$d/cert.pem" "$server")
	echo "$out"
	grep -q "System clock wrong by" <<<"$out" || fail "$server: no NTS time"
done

cp "$d/dump/ntskeys" /tmp/fallback-keys
python3 - <<'PY'
import socket
from ntsclient import *
lines = open("/tmp/fallback-keys").read().split("\n")
keys = [(int(l.split()[0], 16), bytes.fromhex(l.split()[1])) for l in lines[2:6]]
kid, master = keys[2]
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = udp_socket(fam)
    sess = Session(master, kid)
    cookie = None
    for ph in range(4):
        pkt, uid, tx = sess.request(placeholders=ph, cookie=cookie)
        reply = exchange(s, (host, 123), pkt)
        assert reply and len(reply) == len(pkt)
        r = sess.check_reply(reply, uid, tx)
        assert not r["nak"] and r["stratum"] == 3 and r["rx"] <= r["tx"]
        assert len(r["cookies"]) == 1 + ph
        cookie = r["cookies"][0]
    # Unknown key: NAK; mode 4: dropped; short: dropped.
    bad = Session(bytes(32), 0x12345678)
    pkt, uid, tx = bad.request()
    assert bad.check_reply(exchange(s, (host, 123), pkt), uid, tx)["nak"]
    assert exchange(s, (host, 123), bytes([0x24]) + bytes(47), 0.5) is None
    assert exchange(s, (host, 123), bytes(20), 0.5) is None
# From source port 0, and to the broadcast address: dropped, not answered.
unanswerable()
PY
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
echo "$j"
[ ! -e /sys/module/knts ] || fail "kntsctl loaded knts.ko"
[ "$(json_get "$j" 'j["authenticated_ntp_packets"]')" -ge 10 ] || fail "auth count"
expect_eq "NAKs" "$(json_get "$j" 'j["nts_naks_sent"]')" 2
expect_eq "mode drops" "$(json_get "$j" 'j["dropped_mode"]')" 2
expect_eq "size drops" "$(json_get "$j" 'j["dropped_size"]')" 2
expect_eq "port 0 and broadcast drops" "$(json_get "$j" 'j["dropped_malformed"]')" 2
fb=$(json_get "$j" 'j["ntp_fallback_rx_timestamps"]')
expect_eq "daemon-taken RX timestamps" "$fb" 0
"$KNTSCTL" -c "$d/kntsd.sock" status | grep -q "NTP served by kntsd" ||
	fail "status does not say kntsd serves NTP"

# A reply the stack refuses loses only itself.  Two requests reach kntsd in
# one batch (it is stopped while they queue): the first from an address
# the route back to which is unreachable, the second from a neighbour.
# The first reply fails (counted as lost); the second is still sent.
ip netns add fbc
trap 'kntsd_stop "$d"; rm -f /etc/modprobe.d/knts-test.conf; ip netns del fbc 2>/dev/null' EXIT
ip link add fbv0 type veth peer name fbv1 netns fbc
ip addr add 192.0.2.1/24 dev fbv0
ip link set fbv0 up
ip -n fbc addr add 192.0.2.98/24 dev fbv1
ip -n fbc addr add 192.0.2.99/24 dev fbv1
ip -n fbc link set fbv1 up
ip -n fbc link set lo up
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.fbv0.rp_filter=0
ip route add unreachable 192.0.2.99/32
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
lost0=$(json_get "$j" 'j["dropped_tx"]')
kill -STOP "$(cat "$d/kntsd.pid")"
ip netns exec fbc python3 - "$(cat "$d/kntsd.pid")" <<'PY' ||
import os, signal, socket, sys, time
req = bytes([0x23]) + bytes(47)
socks = []
for src in ("192.0.2.99", "192.0.2.98"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(10)
    s.sendto(req, ("192.0.2.1", 123))
    socks.append(s)
time.sleep(0.5)
os.kill(int(sys.argv[1]), signal.SIGCONT)
reply = socks[1].recv(4096)
assert len(reply) == 48 and reply[0] & 7 == 4, reply[:4].hex()
PY
	{ kill -CONT "$(cat "$d/kntsd.pid")"; fail "the neighbour's reply was lost with the refused one"; }
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
lost=$(json_get "$j" 'j["dropped_tx"]')
expect_eq "replies the stack refused" "$((lost - lost0))" 1

# chrony's ratelimit, on knts.ko's algorithm: one request every 2 s from a
# source and a burst of 4; over that, 1 in 16 answered anyway (leak 4);
# another source is not affected.
kntsd_stop "$d"
kntsd_conf "$d" "kntslocal stratum 3" "kntsntp auto" "ratelimit interval 1 burst 4 leak 4"
kntsd_start "$d"
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
rl0=$(json_get "$j" 'j["dropped_ratelimit"]')
answered=$(python3 - <<'PY'
import socket
from ntsclient import exchange, udp_socket
req = bytes([0x23]) + bytes(47)
s = udp_socket(socket.AF_INET)
answered = sum(exchange(s, ("127.0.0.1", 123), req, 0.3) is not None for _ in range(20))
other = udp_socket(socket.AF_INET6)
assert exchange(other, ("::1", 123), req) is not None, "another source limited too"
print(answered)
PY
)
j=$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
dropped=$(($(json_get "$j" 'j["dropped_ratelimit"]') - rl0))
echo "of 20 requests: $answered answered, $dropped dropped as rate limited"
[ "$answered" -ge 4 ] && [ "$answered" -le 10 ] || fail "$answered of 20 answered"
expect_eq "rate-limited drops" "$dropped" "$((20 - answered))"
