#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the test VM: run each tests/vm/t-*.sh (or those named).  A test
# passes when it exits 0 and the kernel logged no WARN/BUG/oops/leak/lockdep
# report from the end of the previous test to its own end (the log is read
# and cleared in one step, so nothing falls between two tests); exit 77
# means skipped.  Result lines ("PASS: GROUP/name") go to the console and to
# /run/kntsvm/results; GROUP is "vm" unless -g says otherwise.  A test
# still running after SECONDS (-t, default 600: ten times what the slowest
# takes under TCG) is stopped and fails.
#
#   tests/vm/guest-run.sh [-g GROUP] [-t SECONDS] [TEST.sh...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
results=/run/kntsvm/results
: > "$results"
group=vm timeout_s=600
while [ $# -gt 0 ]; do
	case $1 in
	-g) group=$2; shift 2 ;;
	-t) timeout_s=$2; shift 2 ;;
	*) break ;;
	esac
done

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=(tests/vm/t-*.sh)
fi

failed=0
# What the kernel said while booting, up to the first test.
boot=$(mktemp)
dmesg -c > "$boot"
if scripts/dmesg-check.sh < "$boot"; then
	echo "PASS: $group/boot-log" | tee -a "$results"
else
	echo "FAIL: $group/boot-log" | tee -a "$results"
	failed=1
fi
rm -f "$boot"
for t in "${tests[@]}"; do
	name=$group/$(basename "$t" .sh)
	name=${name/\/t-/\/}
	log=$(mktemp)
	start=$(date +%s.%N)
	timeout -k 10 "$timeout_s" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	dmesg -c > "$log.dmesg"
	if [ $rc -eq 0 ] && ! scripts/dmesg-check.sh < "$log.dmesg" 2>>"$log"; then
		echo "$name: the kernel log shows a problem" >> "$log"
		rc=1
	fi
	# A test must leave the module unloaded for the next one.
	if lsmod | grep -q '^knts ' && ! rmmod knts 2>>"$log"; then
		echo "$name: rmmod knts failed after the test" >> "$log"
		[ $rc -eq 0 ] && rc=1
	fi
	case $rc in
	0) line="PASS: $name" ;;
	77) line="SKIP: $name ($(tail -n 1 "$log"))" ;;
	*) line="FAIL: $name (exit $rc)"; failed=1 ;;
	esac
	if [ $rc -ne 0 ]; then
		echo "---- $name output ----"
		tail -n 60 "$log"
		echo "---- $name kernel log ----"
		tail -n 30 "$log.dmesg"
	fi
	printf '%s [%.1f s]\n' "$line" "$secs"
	echo "$line" >> "$results"
	rm -f "$log" "$log.dmesg"
done
exit $failed
