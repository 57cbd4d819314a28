#!/bin/bash
# Every network namespace has its own server.  Two namespaces, each with
# its own kntsd and its own keys, served by knts.ko at once; a chrony
# client in a third gets NTS time from both over veth; the counters are
# per namespace; mode 6/7 and garbage reach kntsd; a root confined to its
# own user namespace administers its own server and no other; kntsd
# killed, the kernel keeps answering, and a new kntsd takes over with no
# gap; kntsctl monitor sees a rotation, a time-status change and a module
# reload; a namespace deleted under a dead kntsd goes away, the other
# keeps serving.
. "$(dirname "$0")/lib.sh"
need_chronyd
load=$top/build/bench/ntsload
[ -x "$load" ] || skip "ntsload not built (make bench)"

a=$(mktemp -d) b=$(mktemp -d)
chmod 755 "$a" "$b"
mon=$a/monitor.log
cleanup() {
	[ -z "${monpid:-}" ] || kill "$monpid" 2>/dev/null || true
	[ -z "${imonpid:-}" ] || kill "$imonpid" 2>/dev/null || true
	kntsd_stop "$a" KILL
	kntsd_stop "$b" KILL
	ip netns del nsa 2>/dev/null || true
	ip netns del nsb 2>/dev/null || true
	ip netns del nsc 2>/dev/null || true
	knts_unload_quiet
}
modprobe knts || fail "modprobe knts"
trap cleanup EXIT

# nsc (clients) -- veth -- nsa 10.81.1.1, and -- veth -- nsb 10.81.2.1.
for ns in nsa nsb nsc; do
	ip netns add $ns
	ip -n $ns link set lo up
done
for x in a:1 b:2; do
	ip link add v${x%:*} netns ns${x%:*} type veth peer name c${x%:*} netns nsc
	ip -n ns${x%:*} addr add 10.81.${x#*:}.1/24 dev v${x%:*}
	ip -n nsc addr add 10.81.${x#*:}.2/24 dev c${x%:*}
	ip -n ns${x%:*} link set v${x%:*} up
	ip -n nsc link set c${x%:*} up
done

# A certificate per server, for its veth address.
for x in "$a":10.81.1.1 "$b":10.81.2.1; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 2 -subj /CN=knts-netns \
		-addext "subjectAltName=IP:${x#*:}" \
		-keyout "${x%:*}/key.pem" -out "${x%:*}/cert.pem" 2>/dev/null ||
		fail "openssl req"
	chmod 644 "${x%:*}/cert.pem"
done

in_a() { ip netns exec nsa "$KNTSCTL" -c "$a/kntsd.sock" "$@"; }
in_b() { ip netns exec nsb "$KNTSCTL" -c "$b/kntsd.sock" "$@"; }
nts_from() { # CERTDIR SERVER
	ip netns exec nsc timeout 60 chronyd -Q -t 15 -f /dev/null \
		"ntstrustedcerts $1/cert.pem" \
		"server $2 iburst nts maxsamples 1 minpoll -2" 2>&1
}

ip netns exec nsa "$KNTSCTL" -j monitor > "$mon" 2>&1 &
monpid=$!
"$KNTSCTL" -j monitor > "$a/init-monitor.log" 2>&1 &
imonpid=$!
kntsd_conf "$a" "kntslocal stratum 2" "ntsrotate 8"
kntsd_conf "$b" "kntslocal stratum 3"
kntsd_start "$a" nsa
kntsd_start "$b" nsb

# Both at once, each with its own keys and its own counters.
out=$(nts_from "$a" 10.81.1.1)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time from nsa: $out"
out=$(nts_from "$b" 10.81.2.1)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time from nsb: $out"
ka=$(json_get "$(in_a -j keys)" 'sorted(k["id"] for k in j["keys"])')
kb=$(json_get "$(in_b -j keys)" 'sorted(k["id"] for k in j["keys"])')
[ "$ka" != "$kb" ] || fail "both namespaces hold the same keys: $ka"
[ "$(json_get "$("$KNTSCTL" -j keys)" 'len(j["keys"])')" = 0 ] ||
	fail "the initial namespace got keys"
for x in a b; do
	n=$(json_get "$(in_$x -j serverstats)" 'j["authenticated_ntp_packets"]')
	[ "$n" -ge 1 ] || fail "ns$x: no authenticated packet counted"
done
expect_eq "initial namespace's count" \
	"$(json_get "$("$KNTSCTL" -j serverstats)" 'j["ntp_packets_received"]')" 0
expect_eq "namespaces served" \
	"$(json_get "$("$KNTSCTL" -j status)" 'j["instances"]')" 2

# Mode 6 and 7 and garbage: left on the socket by the module, counted by
# kntsd; nothing lost without a counter.
ip netns exec nsc python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for pkt in (bytes([0x16, 0x02]) + bytes(10), bytes([0x17]) + bytes(47),
            b"\0garbage", bytes([0x23]) + bytes(20)):
    s.sendto(pkt, ("10.81.1.1", 123))
PY
passed_up() {
	[ "$(json_get "$(in_a -j serverstats)" 'j["dropped_mode_control"]')" = 2 ]
}
for _ in $(seq 200); do passed_up && break; sleep 0.1; done
passed_up || fail "kntsd did not count mode 6/7: $(in_a -j serverstats)"
j=$(in_a -j serverstats)
expect_eq "passed to kntsd" "$(json_get "$j" 'j["ntp_passed_to_userspace"]')" 4
expect_eq "short ones counted" "$(json_get "$j" 'j["dropped_size"]')" 2

# A root of its own user namespace only: its own server, no other's.
out=$(unshare --user --map-root-user --net sh -c \
	"'$KNTSCTL' socket add 127.0.0.1 port 1123 && '$KNTSCTL' -j socket") ||
	fail "a container root cannot configure its own namespace: $out"
grep -q '"port":1123' <<<"$out" || fail "own socket not listed: $out"
! ip netns exec nsa unshare --user --map-root-user \
	"$KNTSCTL" time set stratum 9 2>/dev/null ||
	fail "a container root changed another namespace's time status"
! ip netns exec nsa unshare --user --map-root-user "$KNTSCTL" keys \
	>/dev/null 2>&1 || fail "a container root read another namespace's keys"

# kntsd killed: the kernel answers; a new kntsd takes over, no gap.
kntsd_stop "$a" KILL
cp "$a/dump/ntskeys" "$a/load.keys"
ip netns exec nsc "$load" -s 10.81.1.1 --keys "$a/load.keys" -r 200 -d 6 \
	-w 16 > "$a/load.json" &
lp=$!
sleep 1
kntsd_start "$a" nsa
wait $lp || fail "ntsload across the restart"
cat "$a/load.json"
expect_eq "lost across kill and restart" \
	"$(json_get "$(cat "$a/load.json")" 'j["invalid"] + j["unanswered"]')" 0
expect_eq "sockets after the restart" \
	"$(json_get "$(in_a -j socket)" 'len(j["sockets"])')" 2

# The monitor: a rotation, a time-status change, a module reload.
in_a time set stratum 9 stale 30 || fail "time set"
rotated() { grep -q '"event":"keys"' "$mon"; }
for _ in $(seq 300); do rotated && break; sleep 0.1; done
rotated || fail "no rotation event: $(cat "$mon")"
timed() { grep -q '"event":"time".*"stratum":9' "$mon"; }
wait_for 10 "a time event" timed
kntsd_stop "$b" KILL
kntsd_stop "$a"
rmmod knts || fail "rmmod with sockets attached"
modprobe knts || fail "modprobe"
kntsd_start "$a" nsa
reloaded() { grep -q '"event":"module_loaded"' "$mon"; }
wait_for 10 "a reload event" reloaded
out=$(nts_from "$a" 10.81.1.1)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time after reload: $out"

# A namespace whose kntsd died and whose name is deleted goes away, its
# sockets with it; the other serves on.
kntsd_start "$b" nsb
kntsd_stop "$b" KILL
[ "$(json_get "$("$KNTSCTL" -j status)" 'j["instances"]')" = 2 ] ||
	fail "nsb's sockets did not outlive its kntsd"
ip netns del nsb
gone() { [ "$(json_get "$("$KNTSCTL" -j status)" 'j["instances"]')" = 1 ]; }
wait_for 30 "nsb's server to go" gone
netns_exit() { grep -q '"event":"netns_exit"' "$a/init-monitor.log"; }
wait_for 10 "a netns-exit event" netns_exit
out=$(nts_from "$a" 10.81.1.1)
grep -q "System clock wrong by" <<<"$out" || fail "nsa stopped serving: $out"
! dmesg | grep -E "BUG|WARNING:|Oops|leak" || fail "kernel splat"
echo "two namespaces served; one went away cleanly"
