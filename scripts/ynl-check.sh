#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec as the kernel's own tools read it: validated against the
# genetlink-legacy schema of linux-source-6.12 (scripts/deps.sh unpacks
# it), then turned into a uapi header by tools/net/ynl/ynl-gen-c.py, which
# must compile and define every constant with the value
# uapi/linux/knts.h gives it.  PASS/FAIL lines for tests/run.sh.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ynl=${KNTS_CACHE:-/var/cache/knts}/ynl/linux-source-6.12
spec=$top/Documentation/netlink/specs/knts.yaml

if [ ! -f "$ynl/Documentation/netlink/genetlink-legacy.yaml" ]; then
	echo "SKIP: uapi/ynl-schema (no $ynl: scripts/deps.sh)"
	echo "SKIP: uapi/ynl-gen (no $ynl: scripts/deps.sh)"
	exit 0
fi
rc=0
if out=$(python3 - "$ynl/Documentation/netlink/genetlink-legacy.yaml" "$spec" 2>&1 <<'PY'
import sys, yaml, jsonschema
schema = yaml.safe_load(open(sys.argv[1]))
spec = yaml.safe_load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(spec))
for e in errors:
    print("/".join(str(p) for p in e.path) or "(top)", ":", e.message)
sys.exit(1 if errors else 0)
PY
); then
	echo "PASS: uapi/ynl-schema"
else
	echo "$out"
	echo "FAIL: uapi/ynl-schema"
	rc=1
fi

# The generator reads specs from the tree it belongs to.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f "$ynl/Documentation/netlink/specs/knts-check-$$.yaml"' EXIT
cp "$spec" "$ynl/Documentation/netlink/specs/knts-check-$$.yaml"
if timeout 120 python3 "$ynl/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
	--spec "$ynl/Documentation/netlink/specs/knts-check-$$.yaml" \
	-o "$tmp/knts.h" > "$tmp/gen.log" 2>&1 &&
   gcc -fsyntax-only -Werror -x c "$tmp/knts.h" >> "$tmp/gen.log" 2>&1 &&
   python3 - "$tmp/knts.h" "$top/uapi/linux/knts.h" >> "$tmp/gen.log" 2>&1 <<'PY'
import re, sys
def constants(path):
    out, text = {}, open(path).read()
    for body in re.findall(r"enum\s*\w*\s*{([^}]*)}", text):
        v = -1
        for item in body.split(","):
            item = re.sub(r"/\*.*?\*/", "", item, flags=re.S).strip()
            if not item:
                continue
            name, _, val = item.partition("=")
            name = name.strip()
            val = val.strip()
            if val:
                v = int(val, 0) if re.fullmatch(r"-?\w+", val) and val[0].isdigit() else \
                    out.get(val, None) if val in out else eval(val, {}, out)
            else:
                v += 1
            out[name] = v
    return out
gen, ours = constants(sys.argv[1]), constants(sys.argv[2])
bad = [f"{k}: generated {v}, ours {ours.get(k)}" for k, v in gen.items()
       if ours.get(k) != v]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
then
	echo "PASS: uapi/ynl-gen"
else
	cat "$tmp/gen.log"
	echo "FAIL: uapi/ynl-gen"
	rc=1
fi
exit $rc
