#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything knts needs to build and test, from Debian 12's packages.
# Idempotent: a second run only checks and returns.  Must run as root.
#
#   scripts/deps.sh          install build + test dependencies
#   scripts/deps.sh --bench  ... and what make bench needs
#
# The test kernel (Debian's linux-image for the same ABI as the installed
# headers) is unpacked under $KNTS_CACHE/kernel, not installed: the host's
# /boot and bootloader stay untouched.
set -eu

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
export DEBIAN_FRONTEND=noninteractive

PKGS="build-essential pkg-config bc bison flex cpio kmod file
libssl-dev openssl libnl-3-dev libnl-genl-3-dev libelf-dev
qemu-system-x86 busybox-static
linux-source-6.1 linux-headers-amd64 sparse dkms clang libclang-rt-14-dev
python3 python3-yaml python3-cryptography iproute2 chrony gnutls-bin xz-utils ca-certificates lintian groff-base man-db"

# --bench: what make bench needs on top (the plot).
[ "${1:-}" = "--bench" ] && PKGS="$PKGS python3-matplotlib"

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: must run as root" >&2
	exit 1
fi

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps.sh: installing:$missing"
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi

# The kernel ABI the test VM boots: the one whose headers are installed by
# linux-headers-amd64, so knts.ko is built against exactly that kernel.
abi=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 |
	sed -n 's/.*linux-headers-\([0-9.]*-[0-9]*\)-amd64.*/\1/p')
if [ -z "$abi" ]; then
	echo "deps.sh: cannot tell the kernel ABI of linux-headers-amd64" >&2
	exit 1
fi
kver="$abi-amd64"
kdir="$KNTS_CACHE/kernel/$kver"
if [ ! -f "$kdir/boot/vmlinuz-$kver" ]; then
	echo "deps.sh: unpacking linux-image-$kver into $kdir"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "linux-image-$kver")
	rm -rf "$kdir.new"
	mkdir -p "$kdir.new"
	dpkg -x "$tmp"/linux-image-"$kver"_*.deb "$kdir.new"
	depmod -b "$kdir.new" "$kver"
	rm -rf "$tmp" "$kdir"
	mv "$kdir.new" "$kdir"
fi
ln -sfn "$kver" "$KNTS_CACHE/kernel/current"

# ntpsec conflicts with chrony as a package: unpack it into a private prefix.
nsdir="$KNTS_CACHE/ntpsec"
if [ ! -x "$nsdir/usr/sbin/ntpd" ]; then
	echo "deps.sh: unpacking ntpsec into $nsdir"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q ntpsec python3-ntp)
	rm -rf "$nsdir"
	mkdir -p "$nsdir"
	for d in "$tmp"/*.deb; do dpkg -x "$d" "$nsdir"; done
	rm -rf "$tmp"
fi

# chronyd is only a test peer: it must not run as a service on this host.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl disable --now chrony.service >/dev/null 2>&1 || true
fi

echo "deps.sh: ready (test kernel $kver, cache $KNTS_CACHE)"
