#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reads a kernel log on stdin; prints and fails on any sign of a kernel bug:
# WARN, BUG, oops, refcount or memory leak reports, lockdep splats, KASAN,
# UBSAN, RCU stalls, hung tasks.
#
#   scripts/dmesg-check.sh < dmesg
pat='WARNING:|BUG:|BUG |Oops|general protection|kernel BUG|Call Trace|refcount_t|refcount:|memory leak|leak|lockdep|possible recursive locking|possible circular locking|suspicious RCU usage|KASAN|UBSAN|rcu_sched self-detected|rcu: INFO|hung_task|blocked for more than|Kernel panic|list_add corruption|list_del corruption|double free|use-after-free'
found=$(grep -E "$pat" | grep -vE 'tainting kernel|module verification failed')
if [ -n "$found" ]; then
	echo "dmesg-check: kernel log shows:" >&2
	echo "$found" >&2
	exit 1
fi
exit 0
