#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The glue under kmemleak (and KASAN, UBSAN, lockdep) with a real userspace:
# boots the UML kernel scripts/kunit.sh built (knts built in) with the
# host's root over hostfs and tests/uml/init.sh as PID 1, which runs the
# glue's KUnit suite, drives knts from userspace as kntsd and clients do,
# leaks one canary object on purpose and asks kmemleak for its report.
# Prints one line per check:
#   PASS: kunit/uml/drive          every step of tests/uml/init.sh succeeded
#   PASS: kunit/uml/kmemleak-canary  the canary was reported: the scan works
#   PASS: kunit/uml/kmemleak       no other report has a knts function in
#                                  its backtrace
#   PASS: kunit/uml/kernel-log     no KASAN/UBSAN/lockdep report, WARN or BUG
# and exits non-zero when one failed.  Run scripts/kunit.sh first.
#
#   scripts/uml-check.sh
set -uo pipefail

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
top=$(cd "$(dirname "$0")/.." && pwd)
linux=$KNTS_CACHE/kunit/build/linux
out=${KNTS_TEST_OUT:-$top/build/test}/uml
mkdir -p "$out"
log=$out/console.log
rc=0

result() { # OK NAME [WHY]
	if [ "$1" = 0 ]; then
		echo "PASS: kunit/uml/$2"
	else
		echo "FAIL: kunit/uml/$2${3:+ ($3)}"
		rc=1
	fi
}

if [ ! -x "$linux" ]; then
	for c in drive kmemleak-canary kmemleak kernel-log; do
		result 1 "$c" "no UML kernel at $linux: run scripts/kunit.sh"
	done
	exit 1
fi

# The glue suite runs at boot (the others have nothing kmemleak could
# find); knts's sockets are open in the initial namespace by then.
timeout -k 5 600 "$linux" mem=1G rootfstype=hostfs rootflags=/ ro \
	init="$top/tests/uml/init.sh" kunit.filter_glob=knts_glue \
	console=tty </dev/null 2>&1 | tr -d '\r' >"$log"
urc=${PIPESTATUS[0]}
echo "uml-check: UML exit $urc, console in $log" >&2

section() { # NAME: the lines after "uml-check: ==== NAME" up to the next marker
	sed -n "/^uml-check: ==== $1\$/,/^uml-check: ====/p" "$log" | sed '1d;$d'
}

if grep -q '^uml-check: status 0$' "$log" && ! grep -q '^uml-check: failed' "$log" &&
   grep -qE '(^|\] )ok [0-9]+ knts_glue$' "$log"; then
	result 0 drive
else
	grep -E '^uml-check: |^drive: |Error|assert' "$log" | tail -n 30 >&2
	result 1 drive "see $log"
fi

# kmemleak's report: one block per object, "unreferenced object ..." first.
report=$(section kmemleak)
blocks=$(awk '/^unreferenced object/ { n++ } { print n "\t" $0 }' <<<"$report")
canary=$(awk -F'\t' '/knts_kmemleak_canary_set/ { print $1 }' <<<"$blocks" | sort -u)
ours=$(awk -F'\t' '/knts_/ { print $1 }' <<<"$blocks" | sort -u | grep -vxF "$canary")
if [ -n "$canary" ]; then
	result 0 kmemleak-canary
else
	printf '%s\n' "$report" | head -n 40 >&2
	result 1 kmemleak-canary "kmemleak did not report the object leaked on purpose"
fi
if [ -n "$report" ] && [ -z "$ours" ]; then
	result 0 kmemleak
else
	for b in $ours; do
		awk -F'\t' -v b="$b" '$1 == b { print $2 }' <<<"$blocks" >&2
	done
	result 1 kmemleak "$(wc -w <<<"$ours") report(s) with knts in the backtrace"
fi

# Not ours, and dropped before the check: kmemleak's own lines (its start,
# "N new suspected memory leaks": the checks above judge its report);
# virt-pci's warning (as in scripts/kunit.sh); and UML 6.1's fork path,
# which walks the maple tree without the RCU read lock (force_flush_all
# from fork_handler), reported by lockdep at the first fork of a process.
# An RCU report with any other trace stays.
uml_own() {
	sed -E -e '/virt-pci\.c/,/end trace/d' -e '/^(\[[ 0-9.]*\] )?kmemleak: /d' |
	awk '/WARNING: suspicious RCU usage/ { held = 1; buf = $0; next }
	     held { buf = buf "\n" $0
		    if ($0 ~ /fork_handler\+0x0\//) {
			if (buf !~ /lib\/maple_tree\.c/ || buf !~ /force_flush_all/)
				print buf
			held = 0
		    }
		    next }
	     { print }
	     END { if (held) print buf }'
}
klog=$(section "kernel log" | sed 's/\x1b\[[0-9;]*m//g')
if [ -n "$klog" ] && uml_own <<<"$klog" | "$top/scripts/dmesg-check.sh"; then
	result 0 kernel-log
else
	result 1 kernel-log "see $log"
fi
exit $rc
