#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms add + build of this tree for KVER, in a private DKMS tree (the
# system's DKMS state is left alone), then checks the module it built.
#
#   tests/dkms.sh KVER
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:?usage: tests/dkms.sh KVER}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v dkms >/dev/null; then
	echo "FAIL: dkms/build (dkms missing: run scripts/deps.sh)"
	exit 1
fi
make -s -C "$top" DESTDIR="$tmp/root" dkms-src >&2 || {
	echo "FAIL: dkms/source"; exit 1; }
echo "PASS: dkms/source"
src=$tmp/root/usr/src
mkdir -p "$tmp/dkms" "$tmp/inst"
opts=(--dkmstree "$tmp/dkms" --sourcetree "$src" --installtree "$tmp/inst")
if dkms "${opts[@]}" add -m knts -v "$ver" >&2 &&
   dkms "${opts[@]}" build -m knts -v "$ver" -k "$kver" >&2; then
	ko=$(find "$tmp/dkms/knts/$ver/$kver" -name 'knts.ko*' | head -n 1)
	if [ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$ver" ] &&
	   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]; then
		echo "PASS: dkms/build"
	else
		echo "built module missing or wrong: '$ko'" >&2
		echo "FAIL: dkms/build"
	fi
else
	cat "$tmp/dkms/knts/$ver/build/make.log" >&2 2>/dev/null
	echo "FAIL: dkms/build"
fi
