#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the test VM: run each tests/vm/t-*.sh (or those named), with the
# kernel log cleared before and checked after each one.  A test passes when
# it exits 0 and the kernel logged no WARN/BUG/oops/leak/lockdep report; exit
# 77 means skipped.  Result lines go to the console and to
# /run/kntsvm/results.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
results=/run/kntsvm/results
: > "$results"

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=(tests/vm/t-*.sh)
fi

failed=0
for t in "${tests[@]}"; do
	name=vm/$(basename "$t" .sh)
	name=${name/\/t-/\/}
	log=$(mktemp)
	dmesg -C
	start=$(date +%s.%N)
	timeout -k 10 "${KNTS_VM_TEST_TIMEOUT:-300}" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	dmesg > "$log.dmesg"
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
