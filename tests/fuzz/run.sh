#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the libFuzzer targets and runs each for SECONDS:
#
#   tests/fuzz/run.sh SECONDS [TARGET...]
#
# For each target: first the regression inputs in tests/fuzz/crashers/<target>/
# are replayed (each must run clean), then the target fuzzes for SECONDS on a
# scratch copy of tests/fuzz/corpus/<target>/ (build/fuzz/work/<target>/), so
# the checked-in corpus is never changed.  A crash, leak, sanitizer report or
# timeout is written to build/fuzz/crashes/<target>/ and copied to
# tests/fuzz/crashers/<target>/ to be replayed from then on.
# Prints "PASS: fuzz/<target> (N execs)" or "FAIL: fuzz/<target> (why)" per
# target on stdout, the fuzzers' output on stderr; exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: $0 SECONDS [TARGET...]" >&2
	exit 2
fi
shift
out=$top/build/fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	read -r -a targets < <(make -s --no-print-directory -C "$here" print-targets)
fi

if ! make -s -C "$here" O="$out" >&2; then
	echo "FAIL: fuzz/build"
	exit 1
fi

# Sanitizer reports abort (libFuzzer keeps the input); no symbolizer noise.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

rc=0
for t in "${targets[@]}"; do
	bin=$out/$t
	corpus=$here/corpus/$t
	crashers=$here/crashers/$t
	work=$out/work/$t
	crashes=$out/crashes/$t
	log=$out/$t.log
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz/$t (no such target)"
		rc=1
		continue
	fi

	# Regression inputs first: each runs once and must not crash.
	shopt -s nullglob
	old=("$crashers"/*)
	shopt -u nullglob
	if [ ${#old[@]} -gt 0 ]; then
		echo "== $t: replaying ${#old[@]} regression input(s)" >&2
		if ! "$bin" -timeout=10 "${old[@]}" >"$out/$t.replay.log" 2>&1; then
			tail -n 60 "$out/$t.replay.log" >&2
			echo "FAIL: fuzz/$t (a regression input in tests/fuzz/crashers/$t crashes)"
			rc=1
			continue
		fi
	fi

	rm -rf "$work" "$crashes"
	mkdir -p "$work" "$crashes"
	if [ -d "$corpus" ]; then
		cp -r "$corpus"/. "$work"/
	fi
	echo "== $t: fuzzing for $secs s" >&2
	"$bin" -max_total_time="$secs" -timeout=10 -max_len=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" \
		-dict="$here/ntp.dict" "$work" >"$log" 2>&1
	frc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	shopt -s nullglob
	new=("$crashes"/crash-* "$crashes"/leak-* "$crashes"/timeout-* \
	     "$crashes"/oom-* "$crashes"/slow-unit-*)
	shopt -u nullglob
	if [ $frc -eq 0 ] && [ -n "$execs" ] && [ ${#new[@]} -eq 0 ]; then
		echo "PASS: fuzz/$t ($execs execs)"
		continue
	fi
	tail -n 60 "$log" >&2
	if [ ${#new[@]} -gt 0 ]; then
		mkdir -p "$crashers"
		cp "${new[@]}" "$crashers"/
		echo "$t: kept ${#new[@]} input(s) in tests/fuzz/crashers/$t/" >&2
	fi
	echo "FAIL: fuzz/$t (exit $frc, ${#new[@]} crashing input(s), see $log)"
	rc=1
done
exit $rc
