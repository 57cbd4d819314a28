#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test group, one result line per test
# ("PASS: name", "FAIL: name", "SKIP: name (why)"), then the count:
#   N passed, N failed[, N skipped]
# Exits non-zero when anything failed.
#
#   tests/run.sh [GROUP...]    groups: build style unit fuzz uapi man kunit vm dkms deb run
#
# Logs of each group are kept in build/test/<group>.log.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/build/test
mkdir -p "$out"
results=$out/results
: > "$results"
all_groups=(build style unit fuzz uapi man kunit vm dkms deb run)
groups=("${@:-${all_groups[@]}}")

kver=$(make -s --no-print-directory -f Makefile print-kver 2>/dev/null)

# --- the groups; each prints result lines on stdout, the rest on stderr ---

group_build() {
	local v1 v2
	if make module >"$out/module.log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$out/module.log" >&2; then
		echo "PASS: build/module-W=1"
	else
		cat "$out/module.log" >&2
		echo "FAIL: build/module-W=1"
	fi
	if make userspace >"$out/userspace.log" 2>&1; then
		echo "PASS: build/userspace-Werror"
	else
		cat "$out/userspace.log" >&2
		echo "FAIL: build/userspace-Werror"
	fi
	v1=$(sed -n 's/^#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)
	v2=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	if [ -n "$v1" ] && [ "$v1" = "$v2" ]; then
		echo "PASS: build/version-agrees"
	else
		echo "version.h says '$v1', dkms.conf '$v2'" >&2
		echo "FAIL: build/version-agrees"
	fi
}

group_style() {
	scripts/checkpatch.sh
	if make sparse >"$out/sparse.log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$out/sparse.log" >&2; then
		echo "PASS: style/sparse-C=2"
	else
		cat "$out/sparse.log" >&2
		echo "FAIL: style/sparse-C=2"
	fi
}

group_unit() {
	local rc=0
	make -s -C tests/unit O="$out/unit" run || rc=1
	python3 tests/vectors/check_cookies.py core/cookie_vectors.h || rc=1
	return $rc
}

group_fuzz() {
	# libFuzzer, 20 s per target: crashers/ replayed first (tests/fuzz).
	tests/fuzz/run.sh 20
}

group_uapi() {
	python3 tests/uapi-check.py "$top"
}

group_man() {
	# Documentation/man: groff -ww clean, every directive and counter named.
	tests/man-check.sh
}

group_kunit() {
	scripts/kunit.sh
}

# vm_tests GROUP DIR [vm.sh options] -- [guest-run.sh arguments]: one boot
# of the test VM running tests/vm/guest-run.sh; prints its result lines.
vm_tests() {
	local group=$1 dir=$out/$2 rc
	shift 2
	local opts=()
	while [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	rm -rf "$dir"
	scripts/vm.sh "${opts[@]}" -o "$dir" -- tests/vm/guest-run.sh "$@" >&2
	rc=$?
	if [ -s "$dir/results" ]; then
		cat "$dir/results"
		# Passed tests, but the harness saw a problem (e.g. dmesg).
		if [ $rc -eq 126 ]; then
			echo "FAIL: $group/kernel-log"
		fi
	else
		echo "FAIL: $group/boot (harness exit $rc)"
	fi
}

group_vm() {
	make -s module userspace >&2 && make -s -C tests/bench >&2 ||
		{ echo "FAIL: vm/build"; return; }
	vm_tests vm vm -i knts.ko --
}

group_deb() {
	if scripts/mkdeb.sh "$top/build/deb" >&2; then
		echo "PASS: deb/build"
	else
		echo "FAIL: deb/build"
		return
	fi
	if lintian --fail-on error,warning "$top"/build/deb/*.deb \
		>"$out/lintian.log" 2>&1; then
		echo "PASS: deb/lintian"
	else
		cat "$out/lintian.log" >&2
		echo "FAIL: deb/lintian"
	fi
	# A guest whose module tree has no knts.ko: DKMS builds it there.
	vm_tests deb debvm -- tests/vm/deb-install.sh
}

group_run() {
	# The README's main job, once: make run proves a server with a client.
	if KNTS_RUN_ONCE=1 KNTS_RUN_DIR="$out/run" scripts/run.sh >"$out/run.out" 2>&1 &&
	   grep -q "System clock wrong by" "$out/run.out" &&
	   grep -q "^Verified *: 3 of 3" "$out/run.out"; then
		echo "PASS: run/make-run"
	else
		cat "$out/run.out" >&2
		echo "FAIL: run/make-run"
	fi
}

group_dkms() {
	tests/dkms.sh "$kver"
}

# --- run them ---

start=$(date +%s)
for g in "${groups[@]}"; do
	if ! declare -F "group_$g" >/dev/null; then
		echo "run.sh: unknown group '$g' (groups: ${all_groups[*]})" >&2
		exit 2
	fi
	echo "== $g" >&2
	gstart=$(date +%s)
	group_out=$(mktemp)
	"group_$g" 2>"$out/$g.log" | tee "$group_out" | grep -E '^(PASS|FAIL|SKIP): '
	grc=${PIPESTATUS[0]}
	if ! grep -qE '^(PASS|FAIL|SKIP): ' "$group_out"; then
		echo "FAIL: $g (no results, exit $grc)" | tee -a "$group_out"
	elif [ "$grc" -ne 0 ] && ! grep -q '^FAIL: ' "$group_out"; then
		echo "FAIL: $g (exit $grc)" | tee -a "$group_out"
	fi
	grep -E '^(PASS|FAIL|SKIP): ' "$group_out" >> "$results"
	if grep -q '^FAIL: ' "$group_out"; then
		echo "-- last lines of $out/$g.log:" >&2
		tail -n 40 "$out/$g.log" >&2
	fi
	rm -f "$group_out"
	echo "== $g: $(( $(date +%s) - gstart )) s" >&2
done

passed=$(grep -c '^PASS: ' "$results")
failed=$(grep -c '^FAIL: ' "$results")
skipped=$(grep -c '^SKIP: ' "$results")
echo "total time $(( $(date +%s) - start )) s" >&2
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
