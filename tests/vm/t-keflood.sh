#!/bin/bash
# NTS-KE under abuse.  A flood of connections held open from one IPv6 /64
# (sixteen addresses) gets kntssourceconnections of them, and a chrony
# client from elsewhere still gets NTS-KE and NTP meanwhile, with the clock
# state kept fresh; without the
# per-source cap the same flood takes every maxntsconnections slot.  Out
# of file descriptors, kntsd sheds new connections with its reserve
# descriptor (counted) and serves again once descriptors are back; a
# descriptor limit below what maxntsconnections needs stops the start.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(cert_dir)
fp=
trap '[ -z "$fp" ] || kill "$fp" 2>/dev/null || true; kntsd_stop "$d"; knts_unload_quiet' EXIT
for i in $(seq 1 16); do
	ip -6 addr add "fd00:1::$i/64" dev lo nodad
done
stat() { json_get "$("$KNTSCTL" -c "$d/kntsd.sock" -j serverstats)" "j[\"$1\"]"; }
# flood SECONDS: connections to [::1]:4460 from fd00:1::1..16, held open
# without a byte of TLS and opened again as kntsd closes them; prints how
# many were opened.
flood() {
	python3 - "$1" <<'PY'
import select, socket, sys, time
end = time.time() + float(sys.argv[1])
socks, n = [], 0
while time.time() < end:
    while len(socks) < 200 and time.time() < end:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(0.5)	# a full backlog drops SYNs: no waiting for it
        s.bind((f"fd00:1::{n % 16 + 1}", 0))
        n += 1
        try:
            s.connect(("::1", 4460))
        except OSError:
            s.close()
            continue
        socks.append(s)
    time.sleep(0.3)
    # Those kntsd closed read as end of file: open others.
    r, _, _ = select.select(socks, [], [], 0)
    for s in r:
        socks.remove(s)
        s.close()
print(n)
PY
}

# 1. The cap: 8 per source (the default) of maxntsconnections 40.  The
#    clock state, pushed every second and stale after 3, stays fresh
#    throughout: the flood does not starve the thread that pushes it.
kntsd_conf "$d" "kntslocal stratum 2" "maxntsconnections 40" \
	"kntsstatusinterval 1" "kntsstale 3"
kntsd_start "$d"
flood 8 > "$d/flood.out" &
fp=$!
wait_for 30 "the flood to be refused per source" eval '[ "$(stat nts_ke_dropped_per_source)" -gt 100 ]'
out=$(chrony_query "$d/cert.pem" 127.0.0.1)
echo "$out"
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time during the flood"
held=$(ss -Htn state established "( sport = :4460 )" | grep -c '\[fd00:1::' || true)
expect_eq "clock state during the flood" "$(json_get "$("$KNTSCTL" -j status)" 'j["time"]["stale"]')" False
wait "$fp" || echo "note: the flood exited $?"
echo "flood: $(cat "$d/flood.out") connections opened, $held held by kntsd"
[ "$held" -le 8 ] || fail "kntsd held $held connections from one /64"
expect_eq "dropped: connections" "$(stat nts_ke_dropped_max_connections)" 0
[ "$(stat nts_ke_sessions_completed)" -ge 1 ] || fail "no session completed"
kntsd_stop "$d"

# 2. Without the cap the flood takes every slot.
kntsd_conf "$d" "kntslocal stratum 2" "maxntsconnections 40" "kntssourceconnections 0"
kntsd_start "$d"
flood 5 > /dev/null &
fp=$!
wait_for 30 "the flood to fill maxntsconnections" eval '[ "$(stat nts_ke_dropped_max_connections)" -gt 100 ]'
held=$(ss -Htn state established "( sport = :4460 )" | grep -c '\[fd00:1::' || true)
wait "$fp" || echo "note: the flood exited $?"
echo "without the cap: $held held"
[ "$held" -ge 30 ] || fail "the flood held only $held connections without the cap"
expect_eq "dropped: per source" "$(stat nts_ke_dropped_per_source)" 0
kntsd_stop "$d"

# 3. Out of descriptors: the soft limit of the running kntsd lowered to
#    what it holds, the flood's connections are shed and counted, kntsd
#    does not spin; with the limit back, clients are served.
kntsd_conf "$d" "kntslocal stratum 2" "maxntsconnections 40"
kntsd_start "$d"
pid=$(cat "$d/kntsd.pid")
open_fds=$(ls "/proc/$pid/fd" | wc -l)
prlimit --pid "$pid" --nofile="$open_fds:65536"
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
s0=$(date +%s.%N)
flood 3 > /dev/null
# kntsctl, on kntsd's reserve descriptor.
shed=$(stat nts_ke_dropped_no_descriptor)
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
secs=$(echo "$(date +%s.%N) - $s0" | bc)
echo "shed $shed connections; kntsd used $((t1 - t0)) ticks in $secs s"
[ "$shed" -ge 1 ] || fail "no connection shed without descriptors"
# Spinning would be two threads' worth: 200 ticks a second.
[ "$(echo "($t1 - $t0) < 60 * $secs" | bc)" = 1 ] || fail "kntsd spun without descriptors"
prlimit --pid "$pid" --nofile=4096:65536
out=$(chrony_query "$d/cert.pem" 127.0.0.1)
grep -q "System clock wrong by" <<<"$out" || { echo "$out"; fail "no NTS time after descriptors came back"; }
kntsd_stop "$d"

# 4. A hard limit below what maxntsconnections needs: no start, and why.
out=$(prlimit --nofile=100:100 "$top/userspace/kntsd/kntsd" -f "$d/kntsd.conf" -t 2>&1) &&
	fail "kntsd -t passed with 100 descriptors for maxntsconnections 40+64"
echo "$out"
grep -q "maxntsconnections 40 needs 104 file descriptors, the limit is 100" <<<"$out" ||
	fail "kntsd -t does not say why"
out=$(prlimit --nofile=100:100 "$top/userspace/kntsd/kntsd" -f "$d/kntsd.conf" 2>&1) &&
	fail "kntsd started with 100 descriptors"
grep -q "needs 104 file descriptors" <<<"$out" || fail "kntsd does not say why: $out"
true
