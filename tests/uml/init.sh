#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of scripts/uml-check.sh's boot: the KUnit tree's UML kernel (knts
# built in, KASAN, UBSAN, lockdep, kmemleak) on the host's root over hostfs,
# read-only.  Drives knts from userspace (kntsctl over libnl, tests/uml/
# drive.py over raw generic netlink and UDP; the module serves only the
# sockets they hand it), drops the kmemleak canary, scans twice and prints
# the report and the kernel log between markers for the host side to read;
# then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The checkout may live anywhere, /tmp and /run included (a CI clone):
# nothing is mounted over the host's directories; scratch space is a
# tmpfs inside /dev.
top=$(cd "$(dirname "$0")/../.." && pwd)
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/null >/dev/console 2>&1
mkdir -p /dev/scratch
mount -t tmpfs scratch /dev/scratch
mount -t debugfs debugfs /sys/kernel/debug
export PYTHONPATH=$top/tests/lib HOME=/dev/scratch TMPDIR=/dev/scratch \
	PYTHONDONTWRITEBYTECODE=1
kntsctl=$top/userspace/kntsctl/kntsctl
leak=/sys/kernel/debug/kmemleak

rc=0
run() { # WHAT COMMAND...: one step; a failure is reported and counted
	local what=$1
	shift
	if "$@"; then
		echo "uml-check: ok: $what"
	else
		echo "uml-check: failed: $what"
		rc=1
	fi
}

ip link set lo up
# Scans only when asked: each object then goes through exactly the two
# scans below (a new object is reported by the second scan that finds it
# unreferenced).
echo scan=off > "$leak"
# From a process that exits: no stale copy of the pointer stays on a
# stack kmemleak would scan.
run "canary" sh -c 'echo 1 > /sys/module/knts_test/parameters/kmemleak_canary'

(umask 077 && python3 - > /dev/scratch/ntskeys) <<'PY'
from ntsclient import test_keys
print("NKS0\n15 10.0")
for kid, sec in test_keys():
    print(f"{kid:08X} {sec.hex().upper()}")
PY
run "kntsctl keys import" "$kntsctl" keys import /dev/scratch/ntskeys
run "kntsctl time set" "$kntsctl" time set stratum 2 refid 192.0.2.1
run "drive.py" python3 "$top/tests/uml/drive.py"
# A socket kntsctl binds and hands over: once kntsctl exits, the module's
# reference is its only one, and is dropped by socket del.
run "kntsctl socket add" "$kntsctl" socket add 127.0.0.1 port 4123
run "kntsctl socket" "$kntsctl" -j socket
run "plain NTP on kntsctl's socket" python3 - <<'PY'
import socket
from ntsclient import exchange, udp_socket
r = exchange(udp_socket(socket.AF_INET), ("127.0.0.1", 4123),
             bytes([0x23]) + bytes(47))
assert r is not None and len(r) == 48 and r[0] & 7 == 4, r
PY
run "kntsctl config set" "$kntsctl" config set ratelimit-rate 0 cookie-budget 50000
run "kntsctl socket del all" "$kntsctl" socket del all
run "kntsctl status" "$kntsctl" status
run "kntsctl serverstats" "$kntsctl" -j serverstats
run "kntsctl keys" "$kntsctl" keys

# kmemleak reports nothing younger than 5 s.
sleep 6
echo scan > "$leak"
echo scan > "$leak"
echo "uml-check: ==== kmemleak"
cat "$leak"
echo "uml-check: ==== kernel log"
dmesg
echo "uml-check: ==== end"
echo "uml-check: status $rc"
sync
python3 -c 'import ctypes; ctypes.CDLL(None).reboot(0x4321FEDC)'
echo "uml-check: power off failed"
