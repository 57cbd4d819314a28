#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Guest side of the instruction profile (scripts/bench.sh -m profile): the
benchmark's knts.ko setup at one rate, each configuration's load window
between "QPROF start" and "QPROF stop NAME" marks of the qprof plugin; writes
OUTDIR/NAME.json (replies served) and OUTDIR/NAME.kallsyms."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def qprof(cmd):
    fd = os.open(os.environ["KNTS_QINSN_TTY"], os.O_WRONLY | os.O_NOCTTY)
    try:
        os.write(fd, f"QPROF {cmd}\n".encode())
    finally:
        os.close(fd)
    time.sleep(0.05)     # the plugin polls every 0.5 ms


def window(out, name, args, rate, seconds, counters):
    p = bench.load_ready(args, rate, seconds)
    # The symbols as they are now: the module's move on every load.
    shutil.copy("/proc/kallsyms", os.path.join(out, f"{name}.kallsyms"))
    s0 = counters()
    qprof("start")
    stdout, _ = p.communicate("go\n")
    qprof(f"stop {name}")
    s1 = counters()
    replies = s1["replies"] - s0["replies"]
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump({"replies": replies, "args": args, "rate": rate,
                   "load": json.loads(stdout.strip().splitlines()[-1])}, f)
    print(f"{name}: {replies} replies", flush=True)


def main():
    out, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    os.sched_setaffinity(0, {1})
    bench.setup_network()
    bench.load_aesni()
    sock = f"{bench.WORK}/kntsd.sock"
    for aes in ("auto", "generic"):
        subprocess.run(["modprobe", "knts", f"aes={aes}"], check=True)
        kd = bench.start_kntsd()
        c = bench.knts_counters(sock)
        sfx = "" if aes == "auto" else "_generic"
        window(out, "knts_nts" + sfx, "", rate, seconds, c)
        if aes == "auto":
            window(out, "knts_plain", "--plain", rate, seconds, c)
            window(out, "knts_nts_8cookies", "-P 7", rate, seconds, c)
        bench.stop_knts(kd)


if __name__ == "__main__":
    main()
