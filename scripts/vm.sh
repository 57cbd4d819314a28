#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel (6.1 unless -k says otherwise) under QEMU with this
# machine's root file system mounted read-only over 9p (writes land in a
# tmpfs overlay), run one command in the guest as root, and return its exit
# status.
#
#   scripts/vm.sh [-k KERNEL] [-i MODULE.ko]... [-o DIR] [-t SECONDS] [-m MB]
#                 [-c CPUS] [-q COUNTS [-Q PLUGIN.so]] [-S] -- COMMAND [ARGS...]
#
# -k picks the kernel unpacked by scripts/deps.sh under $KNTS_CACHE/kernel:
# "current" (the default: Debian 12's 6.1, the ABI of linux-headers-amd64),
# "6.12", "6.12-rt", or a full version.
#
# -i installs a module into the guest's /lib/modules/$(uname -r)/updates the
# way a package would: the harness runs depmod for the guest on this host
# (natively it takes a second, under TCG half a minute), so that in the guest
# `modprobe knts` resolves knts.ko and its dependencies.
#
# The command runs with the current directory as its working directory.
# DIR (default: a temporary directory, removed afterwards) receives
# console.log, dmesg and status.  The exit status is the command's; 124 when
# the guest timed out, 125 when the harness itself failed, and 126 when the
# command passed but the kernel log shows a WARN, BUG, oops, leak or lockdep
# report.
#
# KVM is used when a probe boot with it completes; otherwise TCG.  Set
# KNTS_VM_ACCEL=tcg or kvm to skip the probe.
#
# -S boots systemd as PID 1 (udev masked: the guest stays without it), which
# runs the command as a service: for tests that start units as a server does.
#
# -q counts guest instructions per vCPU with the qinsn TCG plugin (-Q, default
# build/bench/qinsn.so; TCG only, so -q forces it): a second serial port,
# whose host side is a file the plugin watches, is the guest's
# $KNTS_QINSN_TTY (/dev/ttyS1; ttyS0 stays the console).  Each line
# "QINSN <label>" written there appends "<label> <host ns> <vCPU0 insns>
# <vCPU1 insns> ..." to COUNTS, which the guest can read while it grows as
# $KNTS_QINSN_LOG.
set -euo pipefail

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
here=$(cd "$(dirname "$0")" && pwd)
outdir= timeout_s=600 mem=2048 cpus=2 install=() kernel=current
systemd=0 qcounts='' qplugin=$here/../build/bench/qinsn.so

while getopts "k:i:o:t:m:c:q:Q:S" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) install+=("$OPTARG") ;;
	o) outdir=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	q) qcounts=$OPTARG ;;
	Q) qplugin=$OPTARG ;;
	S) systemd=1 ;;
	*) echo "usage: $0 [-k KERNEL] [-i MODULE.ko]... [-o DIR] [-t SECONDS] [-m MB] [-c CPUS] [-q COUNTS [-Q PLUGIN.so]] [-S] -- COMMAND..." >&2
	   exit 125 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
	echo "vm.sh: no command given" >&2
	exit 125
fi

die() { echo "vm.sh: $*" >&2; exit 125; }

kroot=$(readlink -e "$KNTS_CACHE/kernel/$kernel" 2>/dev/null) ||
	die "no test kernel '$kernel' in $KNTS_CACHE/kernel (run scripts/deps.sh)"
kver=$(basename "$kroot")
vmlinuz=$kroot/boot/vmlinuz-$kver
moddir=$kroot/lib/modules/$kver
[ -f "$vmlinuz" ] || die "missing $vmlinuz (run scripts/deps.sh)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing"
if [ -n "$qcounts" ]; then
	[ -f "$qplugin" ] || die "no qinsn plugin $qplugin"
	[ "${KNTS_VM_ACCEL:-tcg}" = tcg ] || die "-q needs TCG, not KNTS_VM_ACCEL=$KNTS_VM_ACCEL"
	qplugin=$(readlink -f "$qplugin")
fi

# --- initramfs: busybox, the modules that reach the 9p root, and stage 1 ---
stage1() {
	cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
	insmod "/modules/$m" || echo "stage1: insmod $m failed"
done
mkdir -p /lower /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
	hostroot /lower || { echo "stage1: cannot mount the host root"; poweroff -f; }
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
	root /newroot || { echo "stage1: overlay failed"; poweroff -f; }
mkdir -p /newroot/run/kntsvm
mount -t 9p -o trans=virtio,version=9p2000.L,cache=none kntsout \
	/newroot/run/kntsvm || { echo "stage1: no output share"; poweroff -f; }
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash /run/kntsvm/stage2
INIT
}

modules_order() {
	# Dependencies first, each once.
	local seen=" " order=()
	visit() {
		local m=$1 d
		case "$seen" in *" $m "*) return ;; esac
		seen="$seen$m "
		for d in $(modinfo -b "$kroot" -k "$kver" -F depends "$m" | tr ',' ' '); do
			visit "$d"
		done
		order+=("$m")
	}
	for m in virtio_pci 9pnet_virtio 9p overlay; do visit "$m"; done
	# Built into the kernel (6.12 has virtio_pci so): nothing to load.
	for m in "${order[@]}"; do
		modinfo -b "$kroot" -k "$kver" -n "$m"
	done | grep -vx '(builtin)'
}

vmcache=$KNTS_CACHE/vm
mkdir -p "$vmcache"
mods=$(modules_order) || die "cannot list the modules of $kver (run scripts/deps.sh)"
[ -n "$mods" ] || die "no modules found for $kver"
key=$( (sha256sum "$0"; echo "$kver"; echo "$mods"; sha256sum /bin/busybox) | sha256sum | cut -c1-16)
initrd=$vmcache/initrd-$kver-$key.cpio.gz
if [ ! -f "$initrd" ]; then
	[ -x /bin/busybox ] || die "busybox-static missing (run scripts/deps.sh)"
	t=$(mktemp -d)
	mkdir -p "$t/bin" "$t/modules" "$t/proc" "$t/sys" "$t/dev"
	cp /bin/busybox "$t/bin/busybox"
	stage1 > "$t/init"
	chmod +x "$t/init"
	: > "$t/modules.order"
	# busybox's insmod takes plain ELF: 6.12's modules come xz-compressed.
	while read -r ko; do
		case $ko in
		*.ko.xz) name=$(basename "$ko" .xz)
			xz -dc "$ko" > "$t/modules/$name" ;;
		*) name=$(basename "$ko")
			cp "$ko" "$t/modules/" ;;
		esac
		echo "$name" >> "$t/modules.order"
	done <<< "$mods"
	(cd "$t" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$t"
fi

# --- modules to install: a private module tree, depmod'ed here ---
modtree=
cleanup() { [ -z "$modtree" ] || rm -rf "$modtree"; }
trap cleanup EXIT
if [ ${#install[@]} -gt 0 ]; then
	modtree=$(mktemp -d "$vmcache/modtree.XXXXXX")
	mkdir -p "$modtree/lib/modules"
	tree=$modtree/lib/modules/$kver
	# Hard links are safe: depmod replaces its index files by rename.
	cp -al "$moddir" "$tree"
	mkdir -p "$tree/updates"
	for ko in "${install[@]}"; do
		[ -f "$ko" ] || die "no module $ko"
		install -m 0644 "$ko" "$tree/updates/"
	done
	depmod -b "$modtree" "$kver" || die "depmod failed"
	moddir=$tree
fi

# --- the run directory shared read-write with the guest ---
keep_out=1
if [ -z "$outdir" ]; then
	outdir=$(mktemp -d /tmp/kntsvm.XXXXXX)
	keep_out=0
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
rm -f "$outdir/status" "$outdir/dmesg" "$outdir/console.log"
cp "$here/vm-guest.sh" "$outdir/stage2"
# The plugin's files live in the shared directory, so that the guest can
# read the counts; the serial file must not exist before QEMU creates it
# (the plugin would follow the old one).
qemu_extra=()
if [ -n "$qcounts" ]; then
	rm -f "$outdir/qinsn.serial" "$outdir/qinsn.log"
	qemu_extra=(-serial "file:$outdir/qinsn.serial"
		-plugin "$qplugin,watch=$outdir/qinsn.serial,log=$outdir/qinsn.log")
fi
{
	printf 'KNTSVM_KVER=%q\nKNTSVM_MODDIR=%q\nKNTSVM_CWD=%q\nKNTSVM_SYSTEMD=%s\n' \
		"$kver" "$moddir" "$PWD" "$systemd"
	[ -z "$qcounts" ] ||
		printf 'export KNTS_QINSN_TTY=/dev/ttyS1 KNTS_QINSN_LOG=/run/kntsvm/qinsn.log\n'
	printf 'KNTSVM_CMD=('
	printf '%q ' "$@"
	printf ')\n'
} > "$outdir/env"

# A soft lockup panics the guest (panic=-1: it powers off), so that a hung
# kernel ends its run in seconds, not when the timeout runs out.
run_qemu() { # accel, timeout, outdir, extra QEMU arguments...
	local accel=$1 to=$2 od=$3 cpu=max
	shift 3
	[ "$accel" = kvm ] && cpu=host
	timeout --foreground -k 5 "$to" qemu-system-x86_64 \
		-accel "$accel" -cpu "$cpu" -smp "$cpus" -m "$mem" \
		-nodefaults -display none -no-reboot \
		-serial "file:$od/console.log" \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 softlockup_panic=1 loglevel=4 rw" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$od,mount_tag=kntsout,security_model=none" \
		"$@" </dev/null
}

accel=${KNTS_VM_ACCEL:-}
[ -z "$qcounts" ] || accel=tcg
if [ -z "$accel" ]; then
	boot_id=$(cat /proc/sys/kernel/random/boot_id)
	probe=$vmcache/accel-$boot_id
	if [ ! -f "$probe" ]; then
		accel=tcg
		if [ -w /dev/kvm ]; then
			p=$(mktemp -d /tmp/kntsvm-probe.XXXXXX)
			cp "$here/vm-guest.sh" "$p/stage2"
			printf 'KNTSVM_KVER=%q\nKNTSVM_MODDIR=%q\nKNTSVM_CWD=/\nKNTSVM_CMD=(true)\n' \
				"$kver" "$moddir" > "$p/env"
			if run_qemu kvm 30 "$p" >/dev/null 2>&1 &&
			   [ "$(cat "$p/status" 2>/dev/null)" = 0 ]; then
				accel=kvm
			fi
			rm -rf "$p"
		fi
		echo "$accel" > "$probe"
	fi
	accel=$(cat "$probe")
fi

start=$(date +%s.%N)
set +e
run_qemu "$accel" "$timeout_s" "$outdir" "${qemu_extra[@]}"
qrc=$?
set -e
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

cat "$outdir/console.log" 2>/dev/null || true
if [ -f "$outdir/status" ]; then
	rc=$(cat "$outdir/status")
elif [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "vm.sh: guest timed out after $timeout_s s" >&2
	rc=124
else
	echo "vm.sh: guest ended without a status (qemu exit $qrc)" >&2
	rc=125
fi
if [ -f "$outdir/dmesg" ] && "$here/dmesg-check.sh" < "$outdir/dmesg"; then
	:
elif [ -f "$outdir/dmesg" ]; then
	echo "vm.sh: kernel log shows a problem (see above)" >&2
	[ "$rc" = 0 ] && rc=126
fi
if [ -n "$qcounts" ]; then
	if [ -f "$outdir/qinsn.log" ]; then
		[ "$outdir/qinsn.log" -ef "$qcounts" ] || cp "$outdir/qinsn.log" "$qcounts"
	else
		echo "vm.sh: the qinsn plugin wrote no counts" >&2
		[ "$rc" = 0 ] && rc=125
	fi
fi
printf 'vm.sh: %s boot, %.1f s, exit %s\n' "$accel" "$elapsed" "$rc" >&2
[ $keep_out = 1 ] || rm -rf "$outdir"
exit "$rc"
