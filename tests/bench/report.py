#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark report: bench.json files -> results.md (tables, ratios,
targets), bench.json (all of them merged) and bench.png, in the output
directory.  Each input holds the timing part ("setup", "results": bench.py
--mode timing), the instructions part ("instructions": --mode insns), or
both.

    report.py BENCH.json [BENCH.json...] OUTDIR
"""
import json
import os
import statistics
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

# The instructions rows: key, name, short name, the plain row it is
# compared with (None: none measured).
INSN_ROWS = [
    ("knts_nts", "knts.ko, NTS", "knts.ko\nNTS", "knts_plain"),
    ("knts_plain", "knts.ko, plain NTP", "knts.ko\nplain", None),
    ("knts_nts_8cookies", "knts.ko, NTS, 8 cookies requested (-P 7)",
     "knts.ko\nNTS 8 ck", "knts_plain"),
    ("knts_nts_generic", "knts.ko aes=generic, NTS", "knts.ko\ngeneric", "knts_plain"),
    ("kntsd_nts", "kntsd userspace path, NTS", "kntsd\nNTS", None),
    ("chronyd_nts", "chronyd 4.3, NTS", "chronyd\nNTS", "chronyd_plain"),
    ("chronyd_plain", "chronyd 4.3, plain NTP", "chronyd\nplain", None),
]


def timing_lines(data):
    res = data["results"]
    lines = [
        "## Highest rate and CPU time (timing)",
        "",
        f"Kernel {data['setup']['kernel']}, {data['setup']['cpus']} vCPUs; "
        f"{data['setup']['chrony']}; aesni_intel "
        f"{'loaded' if data['setup'].get('aesni_intel', {}).get('loaded') else 'NOT loaded'}.",
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
        ("knts NTS throughput / chronyd NTS throughput", f"{thr:.2f}x", ">= 5x",
         thr >= 5),
        ("knts T3-T2 p99 vs chronyd T3-T2 p50 (half of each one's maximum)",
         f"{t99:.1f} vs {c50:.1f} us", "p99 below p50", t99 < c50),
        ("(earlier) knts NTS CPU per reply / chronyd NTS CPU per reply",
         f"{cpu:.2f}", "<= 0.33", cpu <= 1 / 3),
        ("(earlier) knts NTS throughput / knts plain throughput",
         f"{plain:.0%}", ">= 50 %", plain >= 0.5),
    ]
    lines += ["", "| target | measured | wanted | met |", "|---|---|---|---|"]
    for what, got, want, met in targets:
        lines.append(f"| {what} | {got} | {want} | {'yes' if met else 'NO'} |")
    return lines


def med(r, f):
    return statistics.median(f(t) for t in r["trials"])


def insn_lines(ins):
    st, res = ins["setup"], ins["results"]
    aes = st["aesni_intel"]
    lines = [
        "## Guest instructions per reply (qinsn)",
        "",
        f"Kernel {st['kernel']}, {st['cpus']} vCPUs; {st['chrony']}; "
        f"{st['rate']:.0f} requests/s, {st['trials']} trials of "
        f"{st['window_seconds']:g} s each; aesni_intel "
        f"{'loaded' if aes['loaded'] else 'NOT loaded (' + aes['modprobe'] + ')'}"
        f"{'' if st.get('cpu_flags_aes') else ' (the vCPU has no AES-NI)'}.",
        f"Method: {st['method']}.",
        "",
        "| configuration | insns/reply, each trial | median | NTS - plain |",
        "|---|---|---:|---:|",
    ]
    for key, name, _, plain in INSN_ROWS:
        r = res.get(key)
        if r is None:
            continue
        if not r.get("available"):
            lines.append(f"| {name} | unavailable: {r['reason']} | | |")
            continue
        # A trial whose load lost more than 1 %: the server did not keep up.
        each = ", ".join(f"{t['insns_per_reply']:.0f}"
                         + (" (lost)" if t["load"]["loss"] > 0.01 else "")
                         for t in r["trials"])
        diff = ""
        p = res.get(plain) if plain else None
        if p and p.get("available"):
            diff = f"{r['median'] - p['median']:.0f}"
        lines.append(f"| {name} | {each} | {r['median']:.0f} | {diff} |")

    lines += [
        "",
        f"At {st['rate']:.0f} requests/s (medians over the trials; valid replies/s "
        "and loss as the load generator saw them, CPU time, cookies per reply "
        "from the server's counters; \"(lost)\" above marks a trial whose load "
        "lost more than 1 %: the server did not sustain the rate under the plugin):",
        "",
        "| configuration | valid replies/s | loss | CPU 0 per reply (us) | daemon process (us) "
        "| T3-T2 p50 (us) | T3-T2 p99 (us) | CPU 0 idle (M insns/s) | cookies/reply | "
        "knts parameters |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, name, _, _ in INSN_ROWS:
        r = res.get(key)
        if not r or not r.get("available"):
            continue
        ck = ""
        if "nts_cookies_issued" in r["trials"][0]["server_counters"]:
            ck = (f"{med(r, lambda t: t['server_counters']['nts_cookies_issued'] / max(t['replies'], 1)):.2f}")
        params = r.get("knts_parameters") or {}
        pa = " ".join(f"{k}={v}" for k, v in params.items() if k == "aes")
        lines.append(
            f"| {name} | {med(r, lambda t: t['load']['rate']):.0f} | "
            f"{med(r, lambda t: t['load']['loss']):.2%} | "
            f"{med(r, lambda t: t['cpu0_busy_us_per_reply']):.1f} | "
            f"{med(r, lambda t: t['process_us_per_reply']):.1f} | "
            f"{med(r, lambda t: t['load']['t3_t2_us']['p50']):.1f} | "
            f"{med(r, lambda t: t['load']['t3_t2_us']['p99']):.1f} | "
            f"{med(r, lambda t: t['idle_insns_per_s']) / 1e6:.2f} | {ck} | {pa} |")

    drivers = sorted({f"{e.get('name')}: {e.get('driver')}"
                      for r in res.values() if r.get("available")
                      for e in r.get("crypto", [])
                      if e.get("name") in ("aes", "cmac(aes)", "ctr(aes)")})
    if drivers:
        lines += ["", "/proc/crypto (aes, cmac(aes), ctr(aes)): " + "; ".join(drivers) + "."]

    def m(key):
        r = res.get(key)
        return r["median"] if r and r.get("available") else None

    k, c, kp = m("knts_nts"), m("chronyd_nts"), m("knts_plain")
    targets = []
    if k and c:
        targets.append(("knts NTS / chronyd NTS, insns per reply", f"{k / c:.2f}",
                        "<= 0.33", k / c <= 1 / 3))
    if k and kp:
        targets.append(("knts NTS / knts plain, insns per reply", f"{k / kp:.2f}",
                        "<= 1.5", k / kp <= 1.5))
    if m("knts_nts") and m("chronyd_nts"):
        k99 = med(res["knts_nts"], lambda t: t["load"]["t3_t2_us"]["p99"])
        c50 = med(res["chronyd_nts"], lambda t: t["load"]["t3_t2_us"]["p50"])
        targets.append(("knts NTS T3-T2 p99 vs chronyd NTS T3-T2 p50, at the common rate",
                        f"{k99:.1f} vs {c50:.1f} us", "p99 below p50", k99 < c50))
    lines += ["", "| target | measured | wanted | met |", "|---|---|---|---|"]
    for what, got, want, met in targets:
        lines.append(f"| {what} | {got} | {want} | {'yes' if met else 'NO'} |")
    return lines


def plot(data, path):
    panels = []
    ins = data.get("instructions")
    if ins:
        rows = [(s, ins["results"][k]) for k, _, s, _ in INSN_ROWS
                if ins["results"].get(k, {}).get("available")]
        panels.append(("insns", rows))
    if "results" in data:
        panels += [("rate", None), ("cpu", None), ("t32", None)]
    fig, ax = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4.5),
                           squeeze=False)
    ax = ax[0]
    res = data.get("results")
    names = [short for _, _, short in ROWS]
    colors = ["#1f77b4", "#aec7e8", "#2ca02c", "#d62728", "#ff9896"]
    for a, (kind, rows) in zip(ax, panels):
        if kind == "insns":
            a.bar([s for s, _ in rows], [r["median"] for _, r in rows], color="#1f77b4")
            for i, (_, r) in enumerate(rows):
                a.plot([i] * len(r["insns_per_reply"]), r["insns_per_reply"], "k.")
            a.set_title(f"guest insns per reply, vCPU 0 "
                        f"({ins['setup']['rate']:.0f} req/s)")
        elif kind == "rate":
            a.bar(names, [res[k]["rate"] for k, _, _ in ROWS], color=colors)
            a.set_title("max replies/s at <= 1 % loss")
        elif kind == "cpu":
            a.bar(names, [res[k]["cpu0_busy_us_per_reply"] for k, _, _ in ROWS],
                  color=colors)
            a.set_title("server CPU per reply (us)")
        else:
            x = range(len(ROWS))
            a.bar([i - 0.2 for i in x],
                  [res[k]["t3_t2_us_half_load"]["p50"] for k, _, _ in ROWS], 0.4,
                  label="p50", color="#7f7f7f")
            a.bar([i + 0.2 for i in x],
                  [res[k]["t3_t2_us_half_load"]["p99"] for k, _, _ in ROWS], 0.4,
                  label="p99", color="#bcbd22")
            a.set_xticks(list(x))
            a.set_xticklabels(names)
            a.set_title("T3 - T2 (us), half load")
            a.legend()
        a.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(srcs, outdir):
    data = {}
    for src in srcs:
        data.update(json.load(open(src)))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump(data, f, indent=2)

    lines = ["# Benchmark results", ""]
    if "instructions" in data:
        lines += insn_lines(data["instructions"]) + [""]
    if "results" in data:
        lines += timing_lines(data) + [""]
    open(os.path.join(outdir, "results.md"), "w").write("\n".join(lines))
    print("\n".join(lines))
    plot(data, os.path.join(outdir, "bench.png"))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1:-1], sys.argv[-1])
