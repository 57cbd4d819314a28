#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build knts.ko for each kernel named, each in its own directory
# build/kmod/<kver>/ (a copy of Kbuild, kmod/, core/ and uapi/, so that
# objects for two kernels never mix), with W=1; with --sparse, also C=2.
# A kernel whose configuration lacks what knts.ko needs is skipped, and
# said; it is an error when no kernel is left.  Prints, per kernel built:
#   knts.ko for <kver>: build/kmod/<kver>/knts.ko
#
#   scripts/kbuild.sh [--sparse] KVER...
#
# KDIR overrides the build tree (one KVER only).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# What knts.ko needs of the kernel: dkms.conf's list, the one DKMS checks.
configs=$(sed -n 's/^BUILD_EXCLUSIVE_CONFIG="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$configs" ] || { echo "kbuild.sh: no BUILD_EXCLUSIVE_CONFIG in dkms.conf" >&2; exit 1; }

sparse=()
if [ "${1:-}" = "--sparse" ]; then
	sparse=(C=2)
	shift
fi
if [ $# -eq 0 ]; then
	echo "kbuild.sh: no kernel to build for: install Debian's linux-headers-amd64 (scripts/deps.sh) or set KVER" >&2
	exit 1
fi
if [ -n "${KDIR:-}" ] && [ $# -ne 1 ]; then
	echo "kbuild.sh: KDIR names one build tree, but $# kernels were given" >&2
	exit 1
fi

built=0
for kver in "$@"; do
	kdir=${KDIR:-}
	if [ -z "$kdir" ]; then
		kdir=/lib/modules/$kver/build
		[ -d "$kdir" ] || kdir=/usr/src/linux-headers-$kver
	fi
	if [ ! -f "$kdir/.config" ]; then
		echo "kbuild.sh: no kernel build tree for $kver at $kdir: install linux-headers-$kver or set KDIR" >&2
		exit 1
	fi
	missing=
	for c in $configs; do
		grep -Eq "^$c=(y|m)$" "$kdir/.config" || missing="$missing $c"
	done
	if [ -n "$missing" ]; then
		echo "kbuild.sh: skipping $kver: knts.ko needs$missing" >&2
		continue
	fi
	dir=build/kmod/$kver
	mkdir -p "$top/$dir"
	# One build per directory at a time (make check runs groups side by
	# side); cpio -m keeps the copies' times, so a rebuild recompiles
	# what changed.
	exec 9>"$top/$dir.lock"
	flock 9
	(cd "$top" && find Kbuild kmod core uapi -name Kbuild -o -name Kconfig \
		-o -name '*.[ch]' -o -name .kunitconfig | cpio -pdmu --quiet "$top/$dir")
	make -C "$kdir" M="$top/$dir" W=1 "${sparse[@]}" modules
	exec 9>&-
	echo "knts.ko for $kver: $dir/knts.ko"
	built=$((built + 1))
done
if [ $built -eq 0 ]; then
	echo "kbuild.sh: none of the kernels given ($*) can build knts.ko" >&2
	exit 1
fi
