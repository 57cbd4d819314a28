#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: knts.ko (NTS, plain), kntsd's userspace path (NTS) and
# chronyd 4.3 (NTS, plain) under the same load generator in one VM boot;
# writes Documentation/performance/{bench.json,results.md,bench.png}.
#
#   scripts/bench.sh [SECONDS_PER_RUN]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --bench
vmkver=$(basename "$(readlink -f "${KNTS_CACHE:-/var/cache/knts}/kernel/current")")
make -s module KVER="$vmkver"
make -s userspace
make -s -C tests/bench
out=build/bench/vm
rm -rf "$out"
mkdir -p "$out"
KNTS_BENCH_SECONDS=${1:-2}
export KNTS_BENCH_SECONDS
scripts/vm.sh -i "build/kmod/$vmkver/knts.ko" -c 2 -m 3072 -t 5400 -o "$out" -- \
	env KNTS_BENCH_SECONDS="$KNTS_BENCH_SECONDS" \
	python3 tests/bench/bench.py /run/kntsvm/bench.json
/usr/bin/python3 tests/bench/report.py "$out/bench.json" Documentation/performance
