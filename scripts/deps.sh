#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything knts needs to build and test, from Debian 12's packages.
# Idempotent: a second run only checks and returns.  Must run as root.
#
#   scripts/deps.sh          install build + test dependencies
#   scripts/deps.sh --bench  ... and what make bench needs
#
# The test kernels are Debian 12's own: 6.1 (linux-headers-amd64), 6.12 and
# 6.12-rt (linux-headers-6.12-amd64, linux-headers-6.12-rt-amd64: 6.12 is
# also the base of RHEL 10, Debian 13 and SLES 16).  knts.ko is built against
# each one's headers; its linux-image, the same ABI, is unpacked under
# $KNTS_CACHE/kernel/<kver> (linked as current, 6.12 and 6.12-rt), not
# installed: the host's /boot and bootloader stay untouched.
set -eu

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
export DEBIAN_FRONTEND=noninteractive

PKGS="build-essential pkg-config bc bison flex cpio kmod file patch
libssl-dev openssl libnl-3-dev libnl-genl-3-dev libelf-dev
qemu-system-x86 busybox-static
linux-source-6.1 linux-headers-amd64 linux-headers-6.12-amd64
linux-headers-6.12-rt-amd64 sparse dkms clang libclang-rt-14-dev
python3 python3-yaml python3-jsonschema python3-cryptography iproute2 chrony gnutls-bin xz-utils ca-certificates lintian groff-base man-db
rpm rpmlint"

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

# test_kernel LINK HEADERS_METAPACKAGE: the kernel whose headers that
# metapackage installed, unpacked and linked as $KNTS_CACHE/kernel/LINK.
test_kernel() {
	link=$1 meta=$2
	kver=$(dpkg-query -W -f='${Depends}\n' "$meta" |
		sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p')
	if [ -z "$kver" ] || [ ! -d "/usr/src/linux-headers-$kver" ]; then
		echo "deps.sh: cannot tell the kernel $meta installed" >&2
		exit 1
	fi
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
	ln -sfn "$kver" "$KNTS_CACHE/kernel/$link"
	kernels="$kernels $link=$kver"
}
kernels=
mkdir -p "$KNTS_CACHE/kernel"
test_kernel current linux-headers-amd64
test_kernel 6.12 linux-headers-6.12-amd64
test_kernel 6.12-rt linux-headers-6.12-rt-amd64

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

# YNL: the genetlink-legacy schema and tools/net/ynl of linux-source-6.12,
# the two directories only (the spec is checked against them).
ynl="$KNTS_CACHE/ynl/linux-source-6.12"
if [ ! -f "$ynl/tools/net/ynl/ynl-gen-c.py" ]; then
	echo "deps.sh: unpacking YNL from linux-source-6.12 into $ynl"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q linux-source-6.12)
	rm -rf "$ynl"
	mkdir -p "$KNTS_CACHE/ynl"
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
		tar -xO ./usr/src/linux-source-6.12.tar.xz | xz -dc |
		tar -x -C "$KNTS_CACHE/ynl" --wildcards \
			'linux-source-6.12/Documentation/netlink/*.yaml' \
			'linux-source-6.12/tools/net/ynl/*'
	# ynl-gen-c.py finds the tree's root by its MAINTAINERS file.
	touch "$ynl/MAINTAINERS"
	rm -rf "$tmp"
fi

# chronyd is only a test peer: it must not run as a service on this host.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl disable --now chrony.service >/dev/null 2>&1 || true
fi

echo "deps.sh: ready (test kernels$kernels; cache $KNTS_CACHE)"
