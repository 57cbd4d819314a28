#!/bin/bash
# rmmod takes the family away cleanly; a reload starts from nothing known;
# nobody but modprobe loads the module.
. "$(dirname "$0")/lib.sh"

knts_load
"$KNTSCTL" time set stratum 2 || fail "time set"
knts_unload
[ ! -e /sys/module/knts ] || fail "knts still present after rmmod"

# Resolving the family does not load the module: loading it takes
# CAP_SYS_MODULE (modprobe), and it binds UDP 123.
set +e
err=$(as_nobody "$KNTSCTL" status 2>&1)
rc=$?
set -e
[ ! -e /sys/module/knts ] || fail "an unprivileged kntsctl loaded knts"
expect_eq "status without module exit" "$rc" 1
grep -q 'knts.ko is not loaded (modprobe knts' <<<"$err" || fail "no hint to load the module: $err"

for i in 1 2 3; do
	modprobe knts || fail "reload $i"
	j=$("$KNTSCTL" -j status)
	expect_eq "reload $i starts unsynchronised" \
		"$(json_get "$j" 'j["time"]["stale"]')" True
	"$KNTSCTL" time set stratum 3 || fail "time set after reload $i"
	rmmod knts || fail "rmmod $i"
done
