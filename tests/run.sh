#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test group, one result line per test
# ("PASS: name", "FAIL: name", "SKIP: name (why)"), then the count:
#   N passed, N failed[, N skipped]
# Exits non-zero when anything failed.
#
#   tests/run.sh [GROUP...]
#
# Groups: build style unit fuzz uapi man kunit, vm (Debian 12's 6.1),
# vm612 (6.12), vmrt (6.12-rt, a short set), dkms deb rpm run, and harness
# (the self-test of this runner: a crash and a hang must turn a run red).
#
# Nothing may pass by going missing.  Each group's tests are declared in
# tests/expected/<group>: a declared test without a result is a FAIL ("did
# not run"), and so is a result nobody declared.  A guest that does not
# finish cleanly (panic, hang, harness error) is a FAIL, and so is a kernel
# panic or oops on its console even when every test reported PASS.  Under
# CI (CI=true) a SKIP is a FAIL: CI has everything installed.
#
# After the build, the groups run in two lanes side by side (KNTS_LANES=1:
# one after another); results are counted in the order above.  Logs of each
# group are kept in build/test/<group>.log, its results in
# build/test/<group>.results.
#
# For the harness self-test: KNTS_TEST_OUT (instead of build/test),
# KNTS_EXPECTED (instead of tests/expected), KNTS_VM_TESTS (the VM test
# scripts, instead of tests/vm/t-*.sh) and KNTS_VM_TIMEOUT (seconds per
# guest boot); KNTS_VM_BOOT_FAULT (tests/vm/boot-fault.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
out=${KNTS_TEST_OUT:-$top/build/test}
expected=${KNTS_EXPECTED:-$top/tests/expected}
mkdir -p "$out" "$top/build"
results=$out/results
: > "$results"
all_groups=(build style unit fuzz uapi man kunit vm vm612 vmrt dkms deb rpm run harness)
groups=("${@:-${all_groups[@]}}")

# The test kernels scripts/deps.sh unpacks: label, and the name of its link
# under $KNTS_CACHE/kernel.  knts.ko is built for each one.
test_kernels=("6.1 current" "6.12 6.12" "6.12-rt 6.12-rt")
kver_of() { # kernel link name -> its version
	basename "$(readlink -e "$KNTS_CACHE/kernel/$1" 2>/dev/null)" 2>/dev/null
}
all_kvers() {
	local k
	for k in "${test_kernels[@]}"; do
		kver_of "${k#* }"
	done
}

# --- the groups; each prints result lines on stdout, the rest on stderr ---

group_build() {
	local v1 v2
	# shellcheck disable=SC2046
	if scripts/kbuild.sh $(all_kvers) >"$out/module.log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$out/module.log" >&2; then
		echo "PASS: build/module-W=1"
	else
		cat "$out/module.log" >&2
		echo "FAIL: build/module-W=1"
	fi
	if make userspace >"$out/userspace.log" 2>&1 &&
	   make -C tests/bench >>"$out/userspace.log" 2>&1; then
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
	local rc=0
	scripts/checkpatch.sh || rc=1
	# shellcheck disable=SC2046
	if scripts/kbuild.sh --sparse $(all_kvers) >"$out/sparse.log" 2>&1 &&
	   ! grep -E 'warning:|error:' "$out/sparse.log" >&2; then
		echo "PASS: style/sparse-C=2"
	else
		cat "$out/sparse.log" >&2
		echo "FAIL: style/sparse-C=2"
		rc=1
	fi
	return $rc
}

group_unit() {
	local rc=0
	make -s -C tests/unit O="$out/unit" run || rc=1
	python3 tests/vectors/check_cookies.py core/cookie_vectors.h || rc=1
	return $rc
}

group_fuzz() {
	# libFuzzer, 5 s per target: crashers/ replayed first (tests/fuzz);
	# longer runs are `make fuzz`'s.
	tests/fuzz/run.sh 5
}

group_uapi() {
	local rc=0
	python3 tests/uapi-check.py "$top" || rc=1
	# The spec against the kernel's schema and generator (6.12's).
	scripts/ynl-check.sh || rc=1
	return $rc
}

group_man() {
	# Documentation/man: groff -ww clean, every directive and counter named.
	tests/man-check.sh
}

group_kunit() {
	local rc=0
	scripts/kunit.sh || rc=1
	# The same UML kernel with a userspace: the glue under kmemleak.
	scripts/uml-check.sh || rc=1
	return $rc
}

# vm_tests GROUP DIR [vm.sh options] -- [guest-run.sh arguments]: one boot
# of the test VM running tests/vm/guest-run.sh -g GROUP; prints its result
# lines, and a FAIL for a guest that did not finish cleanly or whose console
# shows a kernel panic or oops.
#
# A guest that died before its runner wrote a line (a kernel that hung in
# its own boot under TCG: seen once in CI, a soft lockup in the boot-time
# crypto self-tests) ran no code of ours, and is booted once more; its
# first console is kept as console.1.log and a NOTE says so.  A second such
# boot is the FAIL it would have been.  KNTS_VM_BOOT_FAULT (once, always:
# the harness self-test) crashes the guest before its runner starts.
vm_tests() {
	local group=$1 dir=$out/$2 rc attempt why
	shift 2
	local opts=() cmd=(tests/vm/guest-run.sh -g "$group")
	while [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	[ -z "${KNTS_VM_BOOT_FAULT:-}" ] ||
		cmd=(tests/vm/boot-fault.sh "$KNTS_VM_BOOT_FAULT" "${cmd[@]}")
	rm -rf "$dir"
	for attempt in 1 2; do
		scripts/vm.sh -t "${KNTS_VM_TIMEOUT:-1800}" "${opts[@]}" -o "$dir" -- \
			"${cmd[@]}" "$@" >&2
		rc=$?
		case $rc in 0 | 1 | 126) break ;; esac
		if [ -s "$dir/results" ] || [ $attempt = 2 ]; then
			break
		fi
		why=$(grep -m 1 -aE 'soft lockup|rcu.*stall|Kernel panic|BUG:|Oops' \
			"$dir/console.log" 2>/dev/null | sed -E 's/^\[ *[0-9.]+\] //')
		mv "$dir/console.log" "$dir/console.1.log" 2>/dev/null
		echo "NOTE: $group/guest died before its first test (exit $rc${why:+: $why}); booted once more, the first console is $dir/console.1.log" |
			tee -a "$out/notes" >&2
	done
	[ -f "$dir/results" ] && cat "$dir/results"
	case $rc in
	0) ;;
	1) grep -q '^FAIL: ' "$dir/results" 2>/dev/null ||
		echo "FAIL: $group/guest (the test runner failed: exit 1, no test failed)" ;;
	126) echo "FAIL: $group/kernel-log (after the last test)" ;;
	124) echo "FAIL: $group/guest (timed out after ${KNTS_VM_TIMEOUT:-1800} s)" ;;
	*) echo "FAIL: $group/guest (did not finish: harness exit $rc, see $dir/console.log)" ;;
	esac
	# Kernel lines on the console: a panic or an oops there is a FAIL
	# even when no test saw it in its own log.
	if [ -f "$dir/console.log" ] &&
	   ! grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$dir/console.log" |
	     scripts/dmesg-check.sh >&2; then
		echo "FAIL: $group/console (the kernel reported a problem, see $dir/console.log)"
	fi
}

# vm_group GROUP KERNEL [TEST.sh...]: knts.ko built for that kernel, then
# the VM tests (all of tests/vm/t-*.sh unless named) in one boot of it.
vm_group() {
	local group=$1 kernel=$2 kver tests
	shift 2
	kver=$(kver_of "$kernel")
	if [ -z "$kver" ]; then
		echo "FAIL: $group/kernel (no test kernel '$kernel' in $KNTS_CACHE/kernel: run scripts/deps.sh)"
		return
	fi
	# The other lane may be building the same programs.
	scripts/kbuild.sh "$kver" >&2 &&
		flock "$top/build/make.lock" make -s userspace >&2 &&
		flock "$top/build/make.lock" make -s -C tests/bench >&2 ||
		{ echo "FAIL: $group/build"; return; }
	if [ -n "${KNTS_VM_TESTS:-}" ]; then
		read -ra tests <<< "$KNTS_VM_TESTS"
	elif [ $# -gt 0 ]; then
		tests=("$@")
	else
		tests=(tests/vm/t-*.sh)
	fi
	vm_tests "$group" "$group" -k "$kernel" -i "build/kmod/$kver/knts.ko" -- \
		"${tests[@]}"
}

# Tests of kntsd and the packages, in which the kernel only carries
# packets (they say "make check: once" in their header), run on one kernel:
# 6.12's, the lane without the Debian package test.
once_tests() {
	grep -l '^# make check: once' tests/vm/t-*.sh
}

group_vm() {
	local t tests=()
	for t in tests/vm/t-*.sh; do
		once_tests | grep -qx "$t" || tests+=("$t")
	done
	[ -n "${KNTS_VM_TESTS:-}" ] && tests=()
	vm_group vm current "${tests[@]}"
}

group_vm612() {
	vm_group vm612 6.12
}

# PREEMPT_RT: the packet path in softirq threads, keys and limiter under
# sleeping spinlocks; the short set that exercises them.
group_vmrt() {
	vm_group vmrt 6.12-rt tests/vm/t-nts.sh tests/vm/t-stress.sh \
		tests/vm/t-rmmod.sh tests/vm/t-ratelimit.sh tests/vm/t-aes.sh
}

group_deb() {
	local ver
	ver=$(sed -n 's/^#define KNTS_VERSION "\(.*\)"/\1/p' core/version.h)
	rm -rf "$top/build/deb"
	# The packages, and a later knts to upgrade to in the guest.
	if scripts/mkdeb.sh "$top/build/deb" >&2 &&
	   KNTS_DEB_VERSION="$ver+upgrade1" scripts/mkdeb.sh "$top/build/deb/upgrade" >&2; then
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
	# A guest whose module tree has no knts.ko: DKMS builds it there (and
	# runs depmod), which under TCG alone takes minutes.  systemd is PID 1
	# there: the unit and the maintainer scripts run as on a server.
	vm_tests deb debvm -S -- -t 1500 tests/vm/deb-install.sh
}

group_rpm() {
	# make rpm, and rpmlint on the packages and the spec: clean, with the
	# filters of scripts/knts.rpmlint.toml (each one explained there).
	if scripts/mkrpm.sh "$top/build/rpm" >"$out/rpm-build.log" 2>&1; then
		echo "PASS: rpm/build"
	else
		cat "$out/rpm-build.log" >&2
		echo "FAIL: rpm/build"
		return
	fi
	# What the package must hold besides what rpmlint looks at.
	local f missing=
	rpm -qlp "$top"/build/rpm/knts-[0-9]*.x86_64.rpm > "$out/rpm-files" 2>&1
	rpm -qp --scripts "$top"/build/rpm/knts-[0-9]*.x86_64.rpm \
		> "$out/rpm-scripts" 2>&1
	for f in /usr/sbin/kntsd /usr/lib/systemd/system/kntsd.service \
		 /usr/lib/firewalld/services/knts.xml /etc/sysconfig/kntsd \
		 /usr/lib/sysusers.d/knts.conf /var/lib/knts; do
		grep -qx "$f" "$out/rpm-files" || missing="$missing $f"
	done
	if [ -z "$missing" ] &&
	   grep -q 'useradd -r -g _knts' "$out/rpm-scripts"; then
		echo "PASS: rpm/contents"
	else
		echo "rpm lacks:${missing:- the _knts user in %pre}" >&2
		echo "FAIL: rpm/contents"
	fi
	if rpmlint -c scripts/knts.rpmlint.toml "$top"/build/rpm/knts-*.rpm \
		scripts/knts.spec >"$out/rpmlint.log" 2>&1 &&
	   grep -q " 0 errors, 0 warnings" "$out/rpmlint.log"; then
		echo "PASS: rpm/rpmlint"
	else
		cat "$out/rpmlint.log" >&2
		echo "FAIL: rpm/rpmlint"
	fi
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
	local k args=() kver
	for k in "${test_kernels[@]}"; do
		kver=$(kver_of "${k#* }")
		if [ -z "$kver" ]; then
			echo "FAIL: dkms/build-${k%% *} (no test kernel: run scripts/deps.sh)"
			continue
		fi
		args+=("${k%% *}:$kver")
	done
	[ ${#args[@]} -eq 0 ] || tests/dkms.sh "${args[@]}"
}

group_harness() {
	tests/harness-selftest.sh
}

# --- what each group must report ---

# expected_names GROUP: the names declared in tests/expected/GROUP; vm612
# runs vm's list under its own prefix.
expected_names() {
	local f=$1 once=
	[ "$1" = vm612 ] && f=vm
	[ -f "$expected/$f" ] || return 1
	# vm (6.1) runs all but the once tests.
	[ "$1" = vm ] && [ -z "${KNTS_EXPECTED:-}" ] &&
		once=$(once_tests | sed 's|.*/t-\(.*\)\.sh$|vm/\1|')
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e "s|^$f/|$1/|" \
		"$expected/$f" | sort -u | grep -vxF -e "${once:-/nothing/}"
}

# check_group GROUP: filter a group's output.  Passes its lines on (a SKIP
# becomes a FAIL under CI), then adds a FAIL for each declared test that did
# not report and each report that was not declared.
check_group() {
	local g=$1 lines want got failed
	lines=$(cat)
	if [ "${CI:-}" = true ]; then
		lines=$(sed -E 's/^SKIP: ([^ ]+)(.*)$/FAIL: \1 (skipped, and CI must run everything)\2/' <<< "$lines")
	fi
	[ -z "$lines" ] || echo "$lines"
	if ! want=$(expected_names "$g"); then
		echo "FAIL: $g/expected (no list of its tests in $expected/$g)"
		return
	fi
	got=$(sed -nE 's/^(PASS|FAIL|SKIP): ([^ ]+).*/\2/p' <<< "$lines" | sort -u)
	failed=$(sed -nE 's/^FAIL: ([^ ]+).*/\1/p' <<< "$lines" | sort -u)
	# Declared, no result.
	comm -23 <(echo "$want") <(echo "$got") | sed -n 's/.\+/FAIL: & (did not run)/p'
	# A result nobody declared (a FAIL is red already).
	comm -13 <(echo "$want") <(echo "$got") | comm -23 - <(echo "$failed") |
		sed -n "s|.\+|FAIL: & (ran, but is not declared in $expected/$g)|p"
}

# --- run them ---

# run_group GROUP: runs it, its log in $out/GROUP.log and its result lines
# (checked against its declaration) in $out/GROUP.results; prints those
# lines on stdout in one piece when it ends.
run_group() {
	local g=$1 gstart grc res=$out/$1.results
	gstart=$(date +%s)
	"group_$g" 2>"$out/$g.log" | check_group "$g" > "$res.all"
	grc=${PIPESTATUS[0]}
	grep -E '^(PASS|FAIL|SKIP): ' "$res.all" > "$res"
	if ! [ -s "$res" ]; then
		echo "FAIL: $g (no results, exit $grc)" >> "$res"
	elif [ "$grc" -ne 0 ] && ! grep -q '^FAIL: ' "$res"; then
		echo "FAIL: $g (exit $grc)" >> "$res"
	fi
	rm -f "$res.all"
	cat "$res"
	{
		if grep -q '^FAIL: ' "$res"; then
			echo "-- last lines of $out/$g.log:"
			tail -n 40 "$out/$g.log"
		fi
		echo "== $g: $(( $(date +%s) - gstart )) s"
	} >&2
}

# run_lane GROUP...: one group after another.
run_lane() {
	local g
	for g in "$@"; do
		echo "== $g" >&2
		run_group "$g"
	done
}

for g in "${groups[@]}"; do
	if ! declare -F "group_$g" >/dev/null; then
		echo "run.sh: unknown group '$g' (groups: ${all_groups[*]})" >&2
		exit 2
	fi
	rm -f "$out/$g.results"
done
rm -f "$out/notes"

# The build goes first; then two lanes side by side (the machine this
# was written for has two cores, and a TCG guest keeps about one busy):
# the VM groups of 6.1 and the package with KUnit, and those of 6.12 with
# the other groups that run on the host (kntsd's own VM tests run there
# only, see once_tests); warm, each lane takes about 15 minutes here.
# KNTS_LANES=1 runs everything in one lane.
in_groups() { # GROUP...: those of them that were asked for, in order
	local g h
	for g in "$@"; do
		for h in "${groups[@]}"; do
			[ "$g" = "$h" ] && echo "$g"
		done
	done
}
lane_a=(vm deb kunit)
lane_b=(vm612 vmrt run style unit fuzz uapi man dkms rpm harness)
start=$(date +%s)
mapfile -t first < <(in_groups build)
mapfile -t a < <(in_groups "${lane_a[@]}")
mapfile -t b < <(in_groups "${lane_b[@]}")
mapfile -t rest < <(for g in "${groups[@]}"; do
	case " build ${lane_a[*]} ${lane_b[*]} " in *" $g "*) ;; *) echo "$g" ;; esac
done)
if [ "${KNTS_LANES:-2}" = 1 ]; then
	run_lane "${groups[@]}"
else
	run_lane "${first[@]}"
	run_lane "${a[@]}" &
	lane_pid=$!
	run_lane "${b[@]}" "${rest[@]}"
	wait "$lane_pid"
fi

: > "$results"
for g in "${groups[@]}"; do
	if [ -f "$out/$g.results" ]; then
		cat "$out/$g.results" >> "$results"
	else
		echo "FAIL: $g (the group did not end)" >> "$results"
	fi
done
passed=$(grep -c '^PASS: ' "$results")
failed=$(grep -c '^FAIL: ' "$results")
skipped=$(grep -c '^SKIP: ' "$results")
echo "total time $(( $(date +%s) - start )) s" >&2
# What passed only after a second boot (vm_tests) is said at the end.
[ ! -s "$out/notes" ] || cat "$out/notes"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
