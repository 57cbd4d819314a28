#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the instruction profile: maps qprof's translation blocks to
the guest's symbols (its /proc/kallsyms while the window ran) and prints, per configuration,
instructions per reply by function, and the difference NTS - plain.

    qprof_report.py DIR [TOP]
"""
import bisect
import json
import os
import sys


def load_syms(path):
    syms = []
    for line in open(path):
        f = line.split()
        if len(f) < 3 or f[1] not in "tTwW":
            continue
        a = int(f[0], 16)
        if a:
            syms.append((a, f[2] + (" " + f[3] if len(f) > 3 else "")))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def profile(d, name):
    addrs, names = load_syms(os.path.join(d, f"{name}.kallsyms"))
    replies = json.load(open(os.path.join(d, f"{name}.json")))["replies"]
    per = {}
    total = 0
    for line in open(os.path.join(d, f"{name}.tbs")):
        va, n, ex = line.split()
        va, cnt = int(va, 16), int(n) * int(ex)
        i = bisect.bisect_right(addrs, va) - 1
        sym = names[i] if i >= 0 else "?"
        if va < 0xffff000000000000:
            sym = "(user space)"
        per[sym] = per.get(sym, 0) + cnt
        total += cnt
    return replies, total, per


def main():
    d = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    profs = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".tbs"):
            name = f[:-4]
            profs[name] = profile(d, name)
    for name, (replies, total, per) in profs.items():
        r = max(replies, 1)
        print(f"== {name}: {replies} replies, {total / r:.0f} instructions per reply "
              "(vCPU 0, everything in the window, idle included)")
        for sym, c in sorted(per.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {c / r:9.1f}  {sym}")
    if "knts_nts" in profs and "knts_plain" in profs:
        rn, _, pn = profs["knts_nts"]
        rp, _, pp = profs["knts_plain"]
        diff = {s: pn.get(s, 0) / max(rn, 1) - pp.get(s, 0) / max(rp, 1)
                for s in set(pn) | set(pp)}
        print("== knts_nts - knts_plain, instructions per reply")
        print(f"  {sum(diff.values()):9.1f}  (total)")
        for sym, c in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:top]:
            print(f"  {c:9.1f}  {sym}")


if __name__ == "__main__":
    main()
