#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark report: bench.json -> results.md (table, ratios, targets)
and bench.png, in the output directory.

    report.py BENCH.json OUTDIR
"""
import json
import os
import shutil
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROWS = [
    ("knts_nts", "knts.ko, NTS (AEAD 15, 100-byte cookies)", "knts.ko\nNTS"),
    ("knts_plain", "knts.ko, plain NTP", "knts.ko\nplain"),
    ("kntsd_nts", "kntsd userspace path, NTS", "kntsd\nNTS"),
    ("chronyd_nts", "chronyd 4.3, NTS", "chronyd\nNTS"),
    ("chronyd_plain", "chronyd 4.3, plain NTP", "chronyd\nplain"),
]


def main(src, outdir):
    data = json.load(open(src))
    res = data["results"]
    os.makedirs(outdir, exist_ok=True)
    shutil.copy(src, os.path.join(outdir, "bench.json"))

    lines = [
        "# Benchmark results",
        "",
        f"Kernel {data['setup']['kernel']}, {data['setup']['cpus']} vCPUs; "
        f"{data['setup']['chrony']}.",
        f"Method: {data['setup']['method']}. Highest rate with at most "
        f"{data['setup']['max_loss']:.0%} loss ({data['setup']['run_seconds']} s "
        "runs, doubling then bisecting); CPU 0 time per reply at that rate; "
        "T3-T2 (server processing, from the replies' timestamps) and round "
        "trip at half that rate.",
        "",
        "| configuration | max rate (replies/s) | CPU 0 per reply (us) | "
        "of which softirq (us) | daemon process (us) | T3-T2 p50 (us) | "
        "T3-T2 p99 (us) | RTT p50 (us) | RTT p99 (us) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, name, _ in ROWS:
        r = res[key]
        t = r["t3_t2_us_half_load"]
        rt = r["rtt_us_half_load"]
        lines.append(
            f"| {name} | {r['rate']:.0f} | {r['cpu0_busy_us_per_reply']:.1f} | "
            f"{r['cpu0_softirq_us_per_reply']:.1f} | "
            f"{r['process_us_per_reply']:.1f} | {t['p50']:.1f} | {t['p99']:.1f} | "
            f"{rt['p50']:.0f} | {rt['p99']:.0f} |")

    k, c, kp = res["knts_nts"], res["chronyd_nts"], res["knts_plain"]
    thr = k["rate"] / c["rate"]
    cpu = k["cpu0_busy_us_per_reply"] / c["cpu0_busy_us_per_reply"]
    plain = k["rate"] / kp["rate"]
    t99 = k["t3_t2_us_half_load"]["p99"]
    c50 = c["t3_t2_us_half_load"]["p50"]
    targets = [
        ("knts NTS throughput / chronyd NTS throughput", f"{thr:.2f}x", ">= 3x",
         thr >= 3),
        ("knts NTS CPU per reply / chronyd NTS CPU per reply", f"{cpu:.2f}",
         "<= 0.33", cpu <= 1 / 3),
        ("knts NTS throughput / knts plain throughput", f"{plain:.0%}",
         ">= 50 %", plain >= 0.5),
        ("knts T3-T2 p99 vs chronyd T3-T2 p50", f"{t99:.1f} vs {c50:.1f} us",
         "p99 below p50", t99 < c50),
    ]
    lines += ["", "| target | measured | wanted | met |", "|---|---|---|---|"]
    for what, got, want, met in targets:
        lines.append(f"| {what} | {got} | {want} | {'yes' if met else 'NO'} |")
    open(os.path.join(outdir, "results.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    names = [short for _, _, short in ROWS]
    colors = ["#1f77b4", "#aec7e8", "#2ca02c", "#d62728", "#ff9896"]
    ax[0].bar(names, [res[k]["rate"] for k, _, _ in ROWS], color=colors)
    ax[0].set_title("max replies/s at <= 1 % loss")
    ax[1].bar(names, [res[k]["cpu0_busy_us_per_reply"] for k, _, _ in ROWS],
              color=colors)
    ax[1].set_title("server CPU per reply (us)")
    x = range(len(ROWS))
    ax[2].bar([i - 0.2 for i in x],
              [res[k]["t3_t2_us_half_load"]["p50"] for k, _, _ in ROWS], 0.4,
              label="p50", color="#7f7f7f")
    ax[2].bar([i + 0.2 for i in x],
              [res[k]["t3_t2_us_half_load"]["p99"] for k, _, _ in ROWS], 0.4,
              label="p99", color="#bcbd22")
    ax[2].set_xticks(list(x))
    ax[2].set_xticklabels(names)
    ax[2].set_title("T3 - T2 (us), half load")
    ax[2].legend()
    for a in ax:
        a.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "bench.png"), dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
