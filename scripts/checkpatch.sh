#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict and kernel-doc over the module's sources (kmod/ and
# core/), with the scripts taken from Debian's linux-source-6.1 (cached under
# $KNTS_CACHE).
# Prints PASS:/FAIL: lines; exits non-zero on any finding.
#
#   scripts/checkpatch.sh [FILE...]
set -uo pipefail

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
cp_dir=$KNTS_CACHE/checkpatch

if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	[ -f "$tarball" ] || { echo "checkpatch.sh: $tarball missing (run scripts/deps.sh)" >&2; exit 1; }
	rm -rf "$cp_dir.tmp"
	mkdir -p "$cp_dir.tmp"
	tar -C "$cp_dir.tmp" --strip-components=1 -xf "$tarball" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/kernel-doc || exit 1
	rm -rf "$cp_dir"
	mv "$cp_dir.tmp" "$cp_dir"
fi

cd "$top" || exit 1
if [ $# -gt 0 ]; then
	files=("$@")
else
	# core/core_user.h is userspace's stand-in for the kernel's headers
	# (it defines u8 from uint8_t): not kernel code.
	mapfile -t files < <(ls kmod/*.[ch] core/*.[ch] uapi/*.h uapi/linux/*.h |
		grep -v -e "\.mod\.c$" -e "^core/core_user\.h$")
fi

# uapi/knts_counters.h is an X-macro table: its list macros are bare
# comma-free sequences (COMPLEX_MACRO) that call their argument once a row
# (MACRO_ARG_REUSE), which is what X-macros are; those two, and only
# there, are allowed.
xmacro=()
plain=()
for f in "${files[@]}"; do
	case $f in uapi/knts_counters.h) xmacro+=("$f") ;; *) plain+=("$f") ;; esac
done
checkpatch() {
	"$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types --ignore SPDX_LICENSE_TAG"$1" -f "${@:2}" 2>&1
}
# A finding, or checkpatch.pl failing for any reason (its exit status), is
# a FAIL.
rc=0 cprc=0 out=
if [ ${#plain[@]} -gt 0 ]; then
	out=$(checkpatch "" "${plain[@]}") || cprc=$?
fi
if [ ${#xmacro[@]} -gt 0 ]; then
	out="$out$(checkpatch ,COMPLEX_MACRO,MACRO_ARG_REUSE "${xmacro[@]}")" || cprc=$?
fi
if [ $cprc -ne 0 ] || grep -qE '(ERROR|WARNING|CHECK):' <<< "$out"; then
	echo "$out" >&2
	echo "checkpatch.sh: checkpatch.pl exit $cprc" >&2
	echo "FAIL: style/checkpatch"
	rc=1
else
	echo "PASS: style/checkpatch"
fi

c_files=()
for f in "${files[@]}"; do
	case $f in kmod/* | core/*) c_files+=("$f") ;; esac
done
kdrc=0 out=
if [ ${#c_files[@]} -gt 0 ]; then
	out=$("$cp_dir/scripts/kernel-doc" -none "${c_files[@]}" 2>&1) || kdrc=$?
fi
if [ $kdrc -ne 0 ] || [ -n "$out" ]; then
	echo "$out" >&2
	echo "FAIL: style/kernel-doc"
	rc=1
else
	echo "PASS: style/kernel-doc"
fi
exit $rc
