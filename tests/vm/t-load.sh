#!/bin/bash
# knts.ko loads with modprobe, registers its family, and kntsctl status
# reads it (text and JSON) with the values the module reports.
. "$(dirname "$0")/lib.sh"

knts_load
lsmod | grep -q '^knts ' || fail "knts not in lsmod"
want=$(sed -n 's/^#define KNTS_VERSION "\(.*\)"/\1/p' "$top/core/version.h")
expect_eq "module version" "$(cat /sys/module/knts/version)" "$want"
grep -q "knts $want loaded; serves the UDP sockets it is handed" <(dmesg) || fail "no load message"

out=$("$KNTSCTL" status)
echo "$out"
grep -q "^Module *: knts $want\$" <<<"$out" || fail "status text lacks the version"
grep -q "never set (leap 3 announced)" <<<"$out" || fail "status text lacks the time state"
grep -q "^Listening *: 0.0.0.0:123, \[::\]:123$" <<<"$out" || fail "status text lacks the sockets"

j=$("$KNTSCTL" -j status)
echo "$j"
expect_eq "json version" "$(json_get "$j" 'j["version"]')" "$want"
expect_eq "json stale" "$(json_get "$j" 'j["time"]["stale"]')" "True"
expect_eq "json leap" "$(json_get "$j" 'j["time"]["leap"]')" "3"
expect_eq "json stratum" "$(json_get "$j" 'j["time"]["stratum"]')" "16"
expect_eq "json port" "$(json_get "$j" '(j["port"], j["ipv4"], j["ipv6"])')" "(123, True, True)"
# Load time is the guest's wall clock at modprobe, within this test's span.
now=$(date +%s)
lt=$(json_get "$j" 'j["load_time_ns"] // 10**9')
[ "$lt" -le "$now" ] && [ "$lt" -ge $((now - 120)) ] ||
	fail "load time $lt not within 120 s before $now"

# Every counter is present and, before any traffic, zero.
s=$("$KNTSCTL" -j serverstats)
echo "$s"
n=$(json_get "$s" 'len(j)')
# As many as uapi/knts_counters.h names (one X() line each).
expect_eq "counter count" "$n" "$(grep -c '^[[:space:]]*X(' "$top/uapi/knts_counters.h")"
expect_eq "nonzero counters" "$(json_get "$s" 'sum(1 for v in j.values() if v)')" "0"
"$KNTSCTL" serverstats | grep -q '^NTP packets received *: 0$' ||
	fail "serverstats text lacks chrony's label"

# The family as the kernel's controller lists it.
python3 - <<'PY'
from genl import Genl
g = Genl("knts")
assert g.family >= 0x10, g.family
PY
