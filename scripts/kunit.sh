#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the module's KUnit suites on UML, in a kernel tree from Debian's
# linux-source-6.1 with this tree linked in as net/knts (the top-level Kbuild
# builds kmod/ and core/; kmod/Kconfig declares the options).  The source tree and the
# build directory are cached under $KNTS_CACHE/kunit, so later runs are
# incremental.  Prints one line per test case:
#   PASS: kunit/<suite>/<case>   FAIL: ...   SKIP: ...
# and exits non-zero when a case failed or the run did not complete.
#
#   scripts/kunit.sh [kunit.py run options...]
set -euo pipefail

KNTS_CACHE=${KNTS_CACHE:-/var/cache/knts}
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
base=$KNTS_CACHE/kunit

[ -f "$tarball" ] || { echo "kunit.sh: $tarball missing (run scripts/deps.sh)" >&2; exit 1; }
mkdir -p "$base"

# Unpack once per linux-source version and set of patches to UML itself
# (tests/uml/*.patch: what UML 6.1 needs on today's hosts).
patches=("$top"/tests/uml/*.patch)
ver="$(dpkg-query -W -f='${Version}' linux-source-6.1) $(cat "${patches[@]}" | sha256sum | cut -c1-16)"
src=$base/linux-source-6.1
if [ "$(cat "$base/source.version" 2>/dev/null)" != "$ver" ]; then
	echo "kunit.sh: unpacking linux-source-6.1 ($ver)" >&2
	rm -rf "$src" "$base/build" "$base/source.version"
	tar -C "$base" -xf "$tarball"
	for p in "${patches[@]}"; do
		patch -d "$src" -p1 --quiet < "$p" ||
			{ echo "kunit.sh: $p does not apply" >&2; exit 1; }
	done
	echo "$ver" > "$base/source.version"
fi

# Put the module in, where drivers/net/wireguard sits in the tree.  A copy
# that changes only files whose content differs, not a link to the
# checkout: every checkout (a CI clone is a new one each time) then shares
# the build directory's objects, and only what really changed is rebuilt.
mod=$src/net/knts
[ ! -L "$mod" ] || rm -f "$mod"
mkdir -p "$mod"
(cd "$mod" && find . -type f) | while read -r f; do
	[ -f "$top/$f" ] || rm -f "$mod/$f"
done
(cd "$top" && find Kbuild kmod core uapi -type f) | while read -r f; do
	cmp -s "$top/$f" "$mod/$f" || install -D -m 0644 "$top/$f" "$mod/$f"
done
sed -i 's|^source "net/knts/Kconfig"$|source "net/knts/kmod/Kconfig"|' "$src/net/Kconfig"
grep -q 'net/knts/kmod/Kconfig' "$src/net/Kconfig" ||
	sed -i '/^endif   # if NET/i source "net/knts/kmod/Kconfig"' "$src/net/Kconfig"
grep -q 'net/knts/kmod/Kconfig' "$src/net/Kconfig" ||
	{ echo "kunit.sh: could not hook net/Kconfig" >&2; exit 1; }
grep -q 'CONFIG_KNTS' "$src/net/Makefile" ||
	echo 'obj-$(CONFIG_KNTS) += knts/' >> "$src/net/Makefile"

# kmemleak is in the kernel for scripts/uml-check.sh, which boots it with a
# userspace to ask for its report; it is off here, where nothing could.
json=$(mktemp)
trap 'rm -f "$json"' EXIT
set +e
(cd "$src" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$top/kmod/.kunitconfig" \
	--build_dir="$base/build" --jobs="$(nproc)" \
	--json="$json" --kernel_args=kmemleak=off "$@") >&2
rc=$?
set -e

# One line per case from kunit.py's JSON (KernelCI format: nested groups).
python3 - "$json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("FAIL: kunit/run (no results)")
    sys.exit(0)
def walk(group, path):
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub.get("name", "?")])
    for case in group.get("test_cases", []):
        word = {"PASS": "PASS", "SKIP": "SKIP"}.get(case.get("status"), "FAIL")
        # A parameterised case's name has spaces: the result line's name
        # is one word.
        name = case.get("name", "?").replace(" ", "_")
        print(f"{word}: kunit/{'/'.join(path + [name])}")
walk(data, [])
PY

# The UML kernel's log: a KASAN, UBSAN or lockdep report, a WARN or a BUG
# fails the run even when every case passed.  (UML's virt-pci warns at each
# boot when no virtio PCI device is configured: that block is UML's own;
# and kmemleak=off, which says so with "leak" in the line, as the command
# line does.)
if [ ! -s "$base/build/test.log" ]; then
	echo "FAIL: kunit/kernel-log (no log from the UML kernel)"
	rc=1
elif sed -E -e '/virt-pci\.c/,/end trace/d' \
	-e '/^(\[[ 0-9.]*\] )?kmemleak: Kernel memory leak detector disabled$/d' \
	-e '/^(\[[ 0-9.]*\] )?Kernel command line: /d' \
	"$base/build/test.log" |
     "$top/scripts/dmesg-check.sh"; then
	echo "PASS: kunit/kernel-log"
else
	echo "FAIL: kunit/kernel-log"
	rc=1
fi
exit $rc
