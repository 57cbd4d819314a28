#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stage 2 of the test VM (scripts/vm.sh): PID 1 on the overlay root.
# Mounts the usual file systems, makes the test kernel's modules visible at
# /lib/modules/$(uname -r) (writable, so knts.ko can be installed and depmod
# run), runs the command, and records its status and the kernel log.
set -u
. /run/kntsvm/env

setup() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mkdir -p /dev/pts /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	# /tmp stays the host's, seen through the overlay (writes stay in the
	# guest): the tree under test may live there.
	hostname knts-vm
	ip link set lo up

	mkdir -p "/lib/modules/$KNTSVM_KVER"
	mount --bind "$KNTSVM_MODDIR" "/lib/modules/$KNTSVM_KVER"
	# The headers package's link, for DKMS builds in the guest.
	[ -e "/lib/modules/$KNTSVM_KVER/build" ] || [ ! -d "/usr/src/linux-headers-$KNTSVM_KVER" ] ||
		ln -s "/usr/src/linux-headers-$KNTSVM_KVER" "/lib/modules/$KNTSVM_KVER/build"
}

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root KNTS_IN_VM=1

# vm.sh -S: systemd becomes PID 1 and runs the command as a service, so
# that a test can start units as a server does.  /run is made a tmpfs
# first (systemd keeps a mounted /run) with the output share moved onto it.
[ "${1:-}" = --service ] || setup
if [ "${KNTSVM_SYSTEMD:-0}" = 1 ] && [ "${1:-}" != --service ]; then
	mkdir -p /dev/kntsvm
	mount --move /run/kntsvm /dev/kntsvm
	mount -t tmpfs -o mode=0755,nosuid,nodev run /run
	mkdir -p /run/kntsvm /run/systemd/system
	mount --move /dev/kntsvm /run/kntsvm
	rmdir /dev/kntsvm
	u=/run/systemd/system
	# What a container's root would start and a test needs not: masked.
	for m in systemd-udevd.service systemd-udev-trigger.service \
		 systemd-udevd-control.socket systemd-udevd-kernel.socket \
		 systemd-firstboot.service systemd-repart.service \
		 systemd-pcrphase.service systemd-pcrphase-sysinit.service \
		 getty.target console-getty.service serial-getty@ttyS0.service \
		 systemd-remount-fs.service systemd-networkd.service \
		 systemd-resolved.service; do
		ln -sf /dev/null "$u/$m"
	done
	# Boot empties /tmp (tmpfiles' "D /tmp"): the tree may live there.
	mkdir -p /run/tmpfiles.d
	echo 'd /tmp 1777 root root -' > /run/tmpfiles.d/tmp.conf
	printf '[Unit]\nDescription=knts VM test\nWants=kntsvm.service\n' > "$u/kntsvm.target"
	cat > "$u/kntsvm.service" <<EOU
[Unit]
Description=knts VM test command
After=basic.target
[Service]
Type=oneshot
ExecStart=/bin/bash /run/kntsvm/stage2 --service
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
EOU
	: > /etc/machine-id
	exec /lib/systemd/systemd --unit=kntsvm.target --log-target=kmsg \
		--show-status=no
fi
if cd "$KNTSVM_CWD"; then
	"${KNTSVM_CMD[@]}" </dev/null >/dev/console 2>&1
	echo $? > /run/kntsvm/status.tmp
else
	echo "vm-guest: cannot enter $KNTSVM_CWD" >/dev/console
	echo 125 > /run/kntsvm/status.tmp
fi
dmesg > /run/kntsvm/dmesg
mv /run/kntsvm/status.tmp /run/kntsvm/status
# Power off.  PID 1 must not exit while the kernel does it ("Attempted to
# kill init", a panic on the console), and the root over 9p goes away
# under it: the braces make bash read all of this before it runs, and the
# wait is a builtin reading /dev/console (devtmpfs), so no file from the
# root is needed again.
{
	sync
	echo o > /proc/sysrq-trigger
	while :; do
		read -r -t 1 _ <> /dev/console || :
	done
}
