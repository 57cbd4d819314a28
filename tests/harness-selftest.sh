#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The self-test of tests/run.sh: runs it on scratch VM tests that crash the
# guest, hang it, skip under CI, hide a kernel oops from their own log, and
# leave or add a test nobody declared; and on a file checkpatch must refuse.
# Each run must end red, for each of those reasons.  Prints one
# "PASS: harness/<case>" or "FAIL: harness/<case>" per case.
#
#   tests/harness-selftest.sh
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# Kept after the run, for a look at what each scratch run printed.
scratch=${KNTS_TEST_OUT:-$top/build/test}/harness-selftest
rm -rf "$scratch"
mkdir -p "$scratch/expected" "$scratch/t"

script() { # NAME BODY: a VM test script
	printf '#!/bin/bash\n%s\n' "$2" > "$scratch/t/t-$1.sh"
}
script pass 'exit 0'
script skip 'echo "no such peer here"; exit 77'
# The oops goes to the console; the test then clears the kernel log, so
# the per-test check cannot see it: only the console check can.
script hidden-oops 'echo "<1>BUG: knts harness self-test, not a real oops" > /dev/kmsg; dmesg -C'
script extra 'exit 0'
script crash 'echo c > /proc/sysrq-trigger; sleep 60'
script after 'exit 0'
# Stops the per-test timeout(1) itself: nothing inside the guest ends it.
script hang 'kill -STOP "$PPID"; sleep 3600'

# run NAME CI TIMEOUT EXPECTED_NAMES TESTS...: tests/run.sh's vm group on
# those tests, the guest given TIMEOUT seconds; its output in
# $scratch/NAME.out, its exit status returned.  KNTS_VM_BOOT_FAULT passes.
run() {
	local name=$1 ci=$2 to=$3 want=$4 t tests=()
	shift 4
	for t in "$@"; do
		tests+=("$scratch/t/t-$t.sh")
	done
	tr ' ' '\n' <<< "$want" > "$scratch/expected/vm"
	CI=$ci KNTS_TEST_OUT="$scratch/$name" KNTS_EXPECTED="$scratch/expected" \
		KNTS_VM_TESTS="${tests[*]}" KNTS_VM_TIMEOUT="$to" \
		tests/run.sh vm > "$scratch/$name.out" 2>&1
}

# check CASE RC PATTERN...: the run exited non-zero, its last line counts a
# failure, and each pattern is a line of its output.
check() {
	local case=$1 rc=$2 out=$scratch/$3.out p ok=1
	shift 3
	[ "$rc" -ne 0 ] || { echo "harness/$case: the run exited 0" >&2; ok=0; }
	tail -n 1 "$out" | grep -qE '^[0-9]+ passed, [1-9][0-9]* failed' ||
		{ echo "harness/$case: last line: $(tail -n 1 "$out")" >&2; ok=0; }
	for p in "$@"; do
		grep -qE "^$p" "$out" || { echo "harness/$case: no line '$p'" >&2; ok=0; }
	done
	if [ $ok = 1 ]; then
		echo "PASS: harness/$case"
	else
		sed 's/^/  | /' "$out" | tail -n 60 >&2
		echo "FAIL: harness/$case"
	fi
}

# A crash after three results: the rest is reported, not lost.
t0=$(date +%s)
run crash true 600 "vm/boot-log vm/pass vm/skip vm/crash vm/after" \
	pass skip extra crash after
rc=$?
# What a boot and a few quick tests take on this machine: the hang below
# gets half as much again and 15 s more, so it ends soon on a fast machine
# and never too early on a slow one (its tests before the hang are as
# quick as these).
hang_to=$((3 * ($(date +%s) - t0) / 2 + 15))
check crash $rc crash 'PASS: vm/pass' 'FAIL: vm/crash \(did not run\)' \
	'FAIL: vm/after \(did not run\)' 'FAIL: vm/guest \(did not finish'
check skip-under-ci $rc crash 'FAIL: vm/skip \(skipped, and CI must run everything\)'
check undeclared $rc crash 'FAIL: vm/extra \(ran, but is not declared'

# A hang: the guest's time runs out, the tests after it are reported; and
# the oops a test hid from its own log is found on the console.
run hang false "$hang_to" "vm/boot-log vm/pass vm/hidden-oops vm/hang vm/after" \
	pass hidden-oops hang after
rc=$?
check hang $rc hang 'PASS: vm/pass' 'FAIL: vm/guest \(timed out' \
	'FAIL: vm/hang \(did not run\)' 'FAIL: vm/after \(did not run\)'
check console-oops $rc hang 'PASS: vm/hidden-oops' 'FAIL: vm/console '

# A guest that dies before its first test is booted once more: green
# with a NOTE when the second boot passes, red when it dies again.
KNTS_VM_BOOT_FAULT=once run boot-once true 600 "vm/boot-log vm/pass" pass
rc=$?
out=$scratch/boot-once.out
if [ $rc -eq 0 ] && tail -n 1 "$out" | grep -qx '2 passed, 0 failed' &&
   grep -q '^NOTE: vm/guest died before its first test' "$out" &&
   [ -s "$scratch/boot-once/vm/console.1.log" ]; then
	echo "PASS: harness/boot-retry"
else
	sed 's/^/  | /' "$out" | tail -n 60 >&2
	echo "FAIL: harness/boot-retry (exit $rc)"
fi
KNTS_VM_BOOT_FAULT=always run boot-always true 600 "vm/boot-log vm/pass" pass
rc=$?
check boot-dies-twice $rc boot-always 'FAIL: vm/guest \(did not finish' \
	'FAIL: vm/pass \(did not run\)' 'NOTE: vm/guest died before'

# checkpatch's findings fail the style check and its exit status.
printf '// SPDX-License-Identifier: GPL-2.0\nint  f(void) {return 0;}\n' > "$scratch/bad.c"
scripts/checkpatch.sh "$scratch/bad.c" > "$scratch/style.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q '^FAIL: style/checkpatch' "$scratch/style.out"; then
	echo "PASS: harness/checkpatch-findings"
else
	cat "$scratch/style.out" >&2
	echo "FAIL: harness/checkpatch-findings (exit $rc)"
fi
