#!/bin/bash
# chrony's allow and deny: the same lines give knts.ko (through kntsd) the
# verdicts chronyd 4.3 gives, source by source, IPv4 and IPv6, "all" and
# chrony's four-bit levels included; NTS-KE refuses a denied source; the
# counters say why.
. "$(dirname "$0")/lib.sh"
need_chronyd

d=$(mktemp -d)
chmod 755 "$d"
make_cert "$d"
cleanup() {
	kntsd_stop "$d"
	[ ! -f "$d/chronyd.pid" ] || kill "$(cat "$d/chronyd.pid")" 2>/dev/null || true
	ip netns del nsx 2>/dev/null || true
	knts_unload_quiet
}
modprobe knts || fail "modprobe knts"
trap cleanup EXIT

# Sources: addresses on nsx's loopback, inside and outside the subnets.
ip netns add nsx
ip -n nsx link set lo up
v4="192.168.1.1 192.168.100.5 10.0.1.5 10.0.3.255 10.0.4.1 10.2.0.1 172.16.0.1 172.31.255.1"
v6="2001:db8::5 2001:db8:1::5 2001:db8:2::5 fd00::1"
for a in $v4; do ip -n nsx addr add "$a/32" dev lo; done
for a in $v6; do ip -n nsx addr add "$a/128" dev lo nodad; done

cat > "$d/ask.py" <<'PY'
import select, socket, sys
# Every source asks both servers at once; prints "source knts chrony".
srcs, out = sys.argv[1].split(), []
socks = {}
for src in srcs:
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    dst = "::1" if fam == socket.AF_INET6 else "127.0.0.1"
    for name, port in (("knts", 123), ("chrony", 11123)):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.sendto(bytes([0x23]) + bytes(47), (dst, port))
        socks[s] = (src, name)
got = set()
pending = list(socks)
while pending:
    r, _, _ = select.select(pending, [], [], 2.0)
    if not r:
        break
    for s in r:
        data = s.recv(512)
        if len(data) >= 48 and data[0] & 7 == 4:
            got.add(socks[s])
        pending.remove(s)
for src in srcs:
    print(src, int((src, "knts") in got), int((src, "chrony") in got))
PY

# run_table LINE...: both servers with these lines; their verdicts agree.
run_table() {
	kntsd_stop "$d"
	[ ! -f "$d/chronyd.pid" ] || stop_pidfile "$d/chronyd.pid"
	kntsd_conf "$d" "kntslocal stratum 2" "$@"
	{
		echo "port 11123"
		echo "cmdport 0"
		echo "local stratum 3"
		echo "pidfile $d/chronyd.pid"
		printf '%s\n' "$@"
	} > "$d/chronyd.conf"
	ip netns exec nsx chronyd -x -f "$d/chronyd.conf" -l "$d/chronyd.log" ||
		fail "chronyd"
	kntsd_start "$d" nsx
	wait_for 30 "chronyd's NTP port" ip netns exec nsx sh -c \
		'ss -Hlun "sport = :11123" | grep -q .'
	out=$(ip netns exec nsx python3 "$d/ask.py" "$v4 $v6")
	echo "-- $*"
	echo "$out"
	while read -r src k c; do
		[ "$k" = "$c" ] || fail "$src under '$*': knts $k, chronyd $c"
	done <<<"$out"
	# Each table must tell the sources apart, or it proves nothing.
	[ "$(cut -d' ' -f2 <<<"$out" | sort -u | wc -l)" = 2 ] ||
		fail "'$*': every source got the same verdict"
}

run_table "allow 192.168.0.0/16" "deny 192.168.100.0/24" "allow 2001:db8::/32"
run_table "deny 192.168.100.0/24" "allow all 192.168.0.0/16" "deny 2001:db8:1::/48" \
	"allow ::/0"
run_table "deny 10.0.1.0/24" "allow 10.0.0.0/22" "allow fd00::/8"
run_table "allow 2001:db8::/32" "deny 2001:db8:1::/48" "allow 10" "deny 10.2"
run_table "allow" "deny 172.16/12" "deny all 2001:db8::/32"
run_table "allow 10.0.0.0/21" "deny 10.0.0.0/23" "allow all 10.0.1.0/24" \
	"deny all 10.0.3.0/24"
run_table "allow 0/0" "deny 192.168.1.1"

# The module counts what it dropped; NTS-KE refuses a denied source.
j=$(ip netns exec nsx "$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
[ "$(json_get "$j" 'j["dropped_denied"]')" -ge 4 ] || fail "denials not counted: $j"
ip netns exec nsx python3 - <<'PY' || fail "NTS-KE from a denied source"
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("2001:db8::5", 0))
s.connect(("::1", 4460))
s.settimeout(5)
assert s.recv(1) == b"", "a denied source was not disconnected"
PY
j=$(ip netns exec nsx "$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)
expect_eq "NTS-KE denied" "$(json_get "$j" 'j["nts_ke_dropped_denied"]')" 1
ip netns exec nsx "$KNTSCTL" status | grep -q "^Access *: [0-9]* allow/deny rules$" ||
	fail "status does not show the rules"
echo "knts.ko and chronyd agree on every source"
