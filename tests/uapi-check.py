#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that uapi/linux/knts.h and the YNL spec define the same family:
the same commands, attributes and counters, with the same values."""
import re
import sys

import yaml

top = sys.argv[1] if len(sys.argv) > 1 else "."
spec = yaml.safe_load(open(f"{top}/Documentation/netlink/specs/knts.yaml"))
header = open(f"{top}/uapi/linux/knts.h").read()


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def header_enums(text):
    """Every enum in the header: {enum name: {constant: value}}."""
    enums = {}
    for m in re.finditer(r"enum\s+(\w+)\s*{([^}]*)}", text):
        vals, nxt = {}, 0
        for item in m.group(2).split(","):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            name, expr = name.strip(), expr.strip()
            if expr:
                nxt = vals[expr] if expr in vals else eval(
                    re.sub(r"\b([A-Z_]\w*)\b",
                           lambda t: str(vals.get(t.group(1))), expr))
            vals[name] = nxt
            nxt += 1
        enums[m.group(1)] = vals
    return enums


def expect_sequence(errors, where, hdr, names):
    for value, name in enumerate(names):
        if name not in hdr:
            errors.append(f"{where}: {name} missing in the header")
        elif hdr[name] != value:
            errors.append(f"{where}: {name} is {hdr[name]} in the header,"
                          f" {value} in the spec")


enums = header_enums(header)
errors = []

if f'#define KNTS_FAMILY_NAME\t"{spec["name"]}"' not in header:
    errors.append("family name differs")
if f'#define KNTS_FAMILY_VERSION\t{spec["version"]}' not in header:
    errors.append("family version differs")

ops = [c_name("knts-cmd-", op["name"]) for op in spec["operations"]["list"]]
expect_sequence(errors, "commands", enums["knts_cmd"], ops)
if enums["knts_cmd"].get("KNTS_CMD_MAX") != len(ops) - 1:
    errors.append("KNTS_CMD_MAX differs")

for aset, enum in (("knts", "knts_a"), ("stats", "knts_stat"),
                   ("time", "knts_time_a"), ("key", "knts_key_a"),
                   ("sock", "knts_sock_a"), ("access", "knts_access_a")):
    s = next(a for a in spec["attribute-sets"] if a["name"] == aset)
    names = [c_name(s["name-prefix"], a["name"]) for a in s["attributes"]]
    expect_sequence(errors, f"attribute set {aset}", enums[enum], names)
    maxname = c_name(s["name-prefix"], "max")
    if enums[enum].get(maxname) != len(names) - 1:
        errors.append(f"{maxname} differs")

ev_def = next(d for d in spec["definitions"] if d["name"] == "event")
expect_sequence(errors, "event enum", enums["knts_event"],
                [c_name("knts-event-", e) for e in ev_def["entries"]])


if errors:
    print("\n".join(errors), file=sys.stderr)
    print("FAIL: uapi/spec-matches-header")
    sys.exit(1)
print("PASS: uapi/spec-matches-header")
