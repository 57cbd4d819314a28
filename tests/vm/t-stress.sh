#!/bin/bash
# Under load: keys rotating (no valid request may fail), rmmod and modprobe
# while requests keep coming (no splat, service resumes), and a first rough
# figure of replies per second and T3 - T2 from ntsflood.
. "$(dirname "$0")/lib.sh"

flood=$top/build/tools/ntsflood
[ -x "$flood" ] || fail "build/tools/ntsflood missing (make -C tests/tools)"
knts_load
tmp=$(mktemp -d)
python3 - "$tmp" <<'PY'
import sys
from ntsclient import write_ntskeys, test_keys
k = test_keys()
write_ntskeys(sys.argv[1] + "/a", k)                         # current k[2]
write_ntskeys(sys.argv[1] + "/b", k[1:] + [(k[0][0] + 4, bytes(32))])  # current k[3]
PY
"$KNTSCTL" keys import "$tmp/a" >/dev/null || fail "import"
"$KNTSCTL" time set stratum 2 || fail "time set"

# 1. A rough figure: one client, 64 requests in flight, 1 placeholder.
"$flood" -k "$tmp/a" -n 20000 -w 64 -P 1 | tee "$tmp/rough.json"
"$flood" -k "$tmp/a" -s ::1 -n 5000 -w 64 | tee "$tmp/rough6.json"

# 2. Rotation under load: the flood's cookies are under a[2], which stays
#    in the table through both files; every request must verify.
"$flood" -k "$tmp/a" -n 30000 -w 32 > "$tmp/rot.json" &
fp=$!
for i in $(seq 1 15); do
	"$KNTSCTL" keys import "$tmp/b" >/dev/null || fail "rotate $i"
	"$KNTSCTL" keys import "$tmp/a" >/dev/null || fail "rotate back $i"
done
wait $fp || fail "requests failed during rotation: $(cat "$tmp/rot.json")"
cat "$tmp/rot.json"
json_get "$(cat "$tmp/rot.json")" 'j["naks"] + j["invalid"] + j["lost"]' |
	grep -qx 0 || fail "rotation lost replies"

# 3. rmmod and modprobe under load, three times.
for i in 1 2 3; do
	"$flood" -k "$tmp/a" -n 20000 -w 32 > "$tmp/rm.json" &
	fp=$!
	sleep 1
	rmmod knts || fail "rmmod under load ($i)"
	modprobe knts || fail "modprobe under load ($i)"
	"$KNTSCTL" keys import "$tmp/a" >/dev/null || fail "re-import ($i)"
	"$KNTSCTL" time set stratum 2 || fail "time set ($i)"
	wait $fp || true
	cat "$tmp/rm.json"
done
# Serving again afterwards.
"$flood" -k "$tmp/a" -n 1000 -w 16 || fail "not serving after reloads"
rm -rf "$tmp"
