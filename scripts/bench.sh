#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: knts.ko (NTS, plain), kntsd's userspace path (NTS) and
# chronyd 4.3 (NTS, plain) under the same load generator; writes
# Documentation/performance/{bench.json,results.md,bench.png}.
#
#   scripts/bench.sh [-m insns|timing|both|profile] [-n TRIALS] [-w SECONDS]
#                    [-r REQ_PER_S] [SECONDS_PER_RUN]
#
# insns: one VM boot under the qinsn TCG plugin ($KNTS_QINSN_SRC, default
# ../shared/tools/qinsn.c); guest instructions retired on the server's
# vCPU per reply at one rate every server sustains under the plugin (-r,
# 1000/s: at 1500/s kntsd's userspace path and knts.ko with 8 cookies do
# not), TRIALS (-n, 3) windows of -w SECONDS (5) per configuration, knts.ko
# with 8 cookies requested and with aes=generic added.
# timing: one VM boot without the plugin; the highest rate at <= 1 % loss
# and CPU time per reply, SECONDS_PER_RUN (2) per load run.
# both (the default): the two boots, one report; about 10 minutes once the
# dependencies are installed.
# profile: where knts.ko's instructions go, by guest function: one boot
# under tests/bench/qprof.c (a TCG plugin counting vCPU 0's instructions
# per translation block), knts.ko NTS, plain, 8 cookies and aes=generic at
# -r for -w seconds each; tests/bench/qprof_report.py maps the blocks to
# the guest's kallsyms and writes Documentation/performance/profile.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=both trials=3 window=5 rate=1000
usage() {
	echo "usage: $0 [-m insns|timing|both|profile] [-n TRIALS] [-w SECONDS] [-r REQ_PER_S] [SECONDS_PER_RUN]" >&2
	exit 2
}
while getopts "m:n:w:r:" opt; do
	case $opt in
	m) mode=$OPTARG ;;
	n) trials=$OPTARG ;;
	w) window=$OPTARG ;;
	r) rate=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $mode in insns|timing|both|profile) ;; *) usage ;; esac
KNTS_BENCH_SECONDS=${1:-2}
export KNTS_BENCH_SECONDS

scripts/deps.sh --bench
vmkver=$(basename "$(readlink -f "${KNTS_CACHE:-/var/cache/knts}/kernel/current")")
make -s module KVER="$vmkver"
make -s userspace
make -s -C tests/bench
ko=build/kmod/$vmkver/knts.ko
jsons=()

if [ "$mode" = profile ]; then
	plugin=build/bench/qprof.so
	cc -O2 -fPIC -shared -Wall -Wextra -o "$plugin" tests/bench/qprof.c -lpthread
	out=build/bench/vm-prof
	rm -rf "$out"
	mkdir -p "$out" Documentation/performance
	# The plugin reads the marks on the port vm.sh -q gives the guest.
	scripts/vm.sh -q "$out/qinsn.log" -Q "$plugin" -i "$ko" -c 2 -m 3072 -t 1800 \
		-o "$out" -- python3 tests/bench/qprof_guest.py /run/kntsvm "$rate" "$window"
	/usr/bin/python3 tests/bench/qprof_report.py "$out" 40 |
		tee Documentation/performance/profile.txt
	exit 0
fi

if [ "$mode" != timing ]; then
	# The plugin declares the few QEMU 7.2 plugin API calls it uses: no
	# qemu-plugin.h (no Debian 12 package ships one) is needed.
	src=${KNTS_QINSN_SRC:-../shared/tools/qinsn.c}
	[ -f "$src" ] || { echo "bench.sh: no qinsn plugin source $src (KNTS_QINSN_SRC)" >&2; exit 1; }
	plugin=build/bench/qinsn.so
	if [ ! -f "$plugin" ] || [ "$src" -nt "$plugin" ]; then
		cc -O2 -fPIC -shared -Wall -o "$plugin" "$src" -lpthread
	fi
	out=build/bench/vm-insns
	rm -rf "$out"
	mkdir -p "$out"
	scripts/vm.sh -q "$out/qinsn.log" -Q "$plugin" -i "$ko" -c 2 -m 3072 -t 5400 \
		-o "$out" -- python3 tests/bench/bench.py --mode insns --trials "$trials" \
		--window "$window" --rate "$rate" /run/kntsvm/bench.json
	jsons+=("$out/bench.json")
fi

if [ "$mode" != insns ]; then
	out=build/bench/vm
	rm -rf "$out"
	mkdir -p "$out"
	scripts/vm.sh -i "$ko" -c 2 -m 3072 -t 5400 -o "$out" -- \
		env KNTS_BENCH_SECONDS="$KNTS_BENCH_SECONDS" \
		python3 tests/bench/bench.py --mode timing /run/kntsvm/bench.json
	jsons+=("$out/bench.json")
fi

/usr/bin/python3 tests/bench/report.py "${jsons[@]}" Documentation/performance
