#!/bin/bash
# knts.ko beyond loopback: NTS from another network namespace over a veth
# pair, to IPv4, to a global (ULA) IPv6 address and to a link-local one (the
# reply must leave by the interface the request came in on, from the
# address it was sent to); then the port parameter.
. "$(dirname "$0")/lib.sh"

cleanup() { ip netns del nsv 2>/dev/null || true; rm -rf "$tmp"; knts_unload_quiet; }
knts_load
tmp=$(mktemp -d)
trap cleanup EXIT
test_keys_file "$tmp/ntskeys"
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "keys import"
"$KNTSCTL" time set stratum 2 || fail "time set"

ip netns add nsv
ip link add kv0 type veth peer name kv1
ip link set kv1 netns nsv
ip addr add 10.78.0.1/24 dev kv0
ip -6 addr add fd78::1/64 dev kv0 nodad
ip link set kv0 up
ip -n nsv link set lo up
ip -n nsv addr add 10.78.0.2/24 dev kv1
ip -n nsv -6 addr add fd78::2/64 dev kv1 nodad
ip -n nsv link set kv1 up
# The link-local addresses come with the links, after duplicate detection.
ll_ready() {
	ip -6 addr show dev kv0 scope link | grep -q 'inet6' &&
		! ip -6 addr show dev kv0 scope link | grep -q tentative &&
		ip -n nsv -6 addr show dev kv1 scope link | grep -q 'inet6' &&
		! ip -n nsv -6 addr show dev kv1 scope link | grep -q tentative
}
wait_for 60 "link-local addresses" ll_ready
ll=$(ip -6 addr show dev kv0 scope link | sed -n 's/.*inet6 \([^/]*\)\/.*/\1/p' | head -n 1)

cat > "$tmp/ask.py" <<'PY'
"""ask.py HOST [PORT]: two NTS exchanges with HOST, replies verified and
coming from HOST itself."""
import socket, sys
from ntsclient import *
host, port = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 123
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
kid, master = test_keys()[2]
sess = Session(master, kid)
cookie = None
for i in range(2):
    s = udp_socket(fam)
    info = socket.getaddrinfo(host, port, fam, socket.SOCK_DGRAM)[0][4]
    pkt, uid, tx = sess.request(cookie=cookie)
    s.sendto(pkt, info)
    data, src = s.recvfrom(4096)
    assert src[:2] == info[:2], f"reply from {src}, sent to {info}"
    if fam == socket.AF_INET6:
        assert src[3] == info[3], f"reply scope {src[3]}, sent with {info[3]}"
    r = sess.check_reply(data, uid, tx)
    assert not r["nak"] and r["stratum"] == 2, r
    cookie = r["cookies"][0]
print(f"{host}: 2 NTS exchanges verified")
PY
for host in 10.78.0.1 fd78::1 "$ll%kv1"; do
	ip netns exec nsv python3 "$tmp/ask.py" "$host" || fail "NTS to $host over veth"
done
j=$("$KNTSCTL" -j serverstats)
expect_eq "authenticated over veth" "$(json_get "$j" 'j["authenticated_ntp_packets"]')" 6

# Another port: the module serves the sockets it is handed, and leaves
# 123 alone once they are gone.
"$KNTSCTL" socket del all || fail "socket del all"
"$KNTSCTL" socket add port 1123 >/dev/null || fail "socket add port 1123"
expect_eq "status port" "$(json_get "$("$KNTSCTL" -j status)" 'j["port"]')" 1123
"$KNTSCTL" status | grep -q "^Listening *: 0.0.0.0:1123, \[::\]:1123$" ||
	fail "status text lacks port 1123"
ip netns exec nsv python3 "$tmp/ask.py" 10.78.0.1 1123 || fail "NTS on port 1123"
ip netns exec nsv python3 "$tmp/ask.py" fd78::1 1123 || fail "NTS on port 1123 (IPv6)"
python3 - <<'PY' || fail "port 123 still answered"
import socket
from ntsclient import udp_socket, exchange
r = exchange(udp_socket(socket.AF_INET), ("127.0.0.1", 123), bytes([0x23]) + bytes(47), 1.0)
assert r is None, "a reply on port 123"
PY
