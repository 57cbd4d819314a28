#!/bin/bash
# rmmod takes the family away cleanly; a reload starts from nothing known.
. "$(dirname "$0")/lib.sh"

knts_load
"$KNTSCTL" time set stratum 2 || fail "time set"
knts_unload
[ ! -e /sys/module/knts ] || fail "knts still present after rmmod"

# The family alias autoloads the module on first use, like other families.
"$KNTSCTL" status >/dev/null || fail "status did not autoload knts"
[ -e /sys/module/knts ] || fail "knts not autoloaded"
knts_unload

# Where the module cannot load, kntsctl says so and fails.
echo "install knts /bin/false" > /etc/modprobe.d/knts-test.conf
set +e
err=$("$KNTSCTL" status 2>&1)
rc=$?
set -e
rm -f /etc/modprobe.d/knts-test.conf
expect_eq "status without module exit" "$rc" 1
grep -q 'is it loaded' <<<"$err" || fail "no hint to load the module: $err"

for i in 1 2 3; do
	modprobe knts || fail "reload $i"
	j=$("$KNTSCTL" -j status)
	expect_eq "reload $i starts unsynchronised" \
		"$(json_get "$j" 'j["time"]["stale"]')" True
	"$KNTSCTL" time set stratum 3 || fail "time set after reload $i"
	rmmod knts || fail "rmmod $i"
done
