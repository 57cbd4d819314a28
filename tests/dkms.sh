#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms add, then dkms build of this tree for each kernel given, in a private
# DKMS tree (the system's DKMS state is left alone); checks each module it
# built (version, and vermagic naming that kernel).
#
#   tests/dkms.sh LABEL:KVER...      e.g. 6.1:6.1.0-57-amd64
#
# Prints PASS:/FAIL: dkms/source and dkms/build-LABEL.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: tests/dkms.sh LABEL:KVER..." >&2; exit 2; }
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v dkms >/dev/null; then
	echo "FAIL: dkms/source (dkms missing: run scripts/deps.sh)"
	exit 1
fi
make -s -C "$top" DESTDIR="$tmp/root" dkms-src >&2 || {
	echo "FAIL: dkms/source"; exit 1; }
echo "PASS: dkms/source"
src=$tmp/root/usr/src
mkdir -p "$tmp/dkms" "$tmp/inst"
opts=(--dkmstree "$tmp/dkms" --sourcetree "$src" --installtree "$tmp/inst")
dkms "${opts[@]}" add -m knts -v "$ver" >&2 || {
	echo "FAIL: dkms/add"; exit 1; }
rc=0
for arg in "$@"; do
	label=${arg%%:*} kver=${arg#*:}
	if dkms "${opts[@]}" build -m knts -v "$ver" -k "$kver" >&2; then
		ko=$(find "$tmp/dkms/knts/$ver/$kver" -name 'knts.ko*' | head -n 1)
		if [ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$ver" ] &&
		   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]; then
			echo "PASS: dkms/build-$label"
			continue
		fi
		echo "built module for $kver missing or wrong: '$ko'" >&2
	else
		cat "$tmp/dkms/knts/$ver/build/make.log" >&2 2>/dev/null
	fi
	echo "FAIL: dkms/build-$label"
	rc=1
done
exit $rc
