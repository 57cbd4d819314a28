#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# For the harness self-test only (tests/run.sh, KNTS_VM_BOOT_FAULT): crashes
# the guest before the test runner starts, as a kernel that hangs in its own
# boot would end it.  "always" crashes every boot; "once" only the first
# boot of a run directory (vm_tests keeps that boot's console as
# console.1.log before it boots again).
#
#   tests/vm/boot-fault.sh once|always COMMAND...
mode=$1
shift
case $mode in
once) [ -e /run/kntsvm/console.1.log ] || crash=1 ;;
always) crash=1 ;;
*) echo "boot-fault.sh: mode '$mode' is neither once nor always" >&2; exit 2 ;;
esac
if [ "${crash:-0}" = 1 ]; then
	echo c > /proc/sysrq-trigger
	sleep 60
fi
exec "$@"
