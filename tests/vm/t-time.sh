#!/bin/bash
# The time status: set with kntsctl, read back; the kernel's policy refuses
# out-of-range values with an extack message, whatever the sender.
. "$(dirname "$0")/lib.sh"

knts_load
"$KNTSCTL" time set stratum 2 leap 1 refid 192.0.2.7 rootdelay 0.25 \
	rootdisp 1.5 precision -24 reftime 1700000000 stale 30 ||
	fail "time set"
j=$("$KNTSCTL" -j status)
echo "$j"
expect_eq stale "$(json_get "$j" 'j["time"]["stale"]')" False
expect_eq leap "$(json_get "$j" 'j["time"]["leap"]')" 1
expect_eq stratum "$(json_get "$j" 'j["time"]["stratum"]')" 2
expect_eq precision "$(json_get "$j" 'j["time"]["precision"]')" -24
expect_eq refid "$(json_get "$j" 'j["time"]["refid"]')" 192.0.2.7
expect_eq rootdelay "$(json_get "$j" 'j["time"]["root_delay"]')" 0.25
expect_eq rootdisp "$(json_get "$j" 'j["time"]["root_dispersion"]')" 1.5
expect_eq reftime "$(json_get "$j" 'j["time"]["reference_time"]')" 2023-11-14T22:13:20Z

# kntsctl refuses bad arguments itself, with usage and exit 2.
for args in "stratum 0" "stratum 16" "stratum 2 leap 4" "stratum 2 stale 0" \
	    "stratum 2 refid TOOLONG" "stratum 2 rootdelay -1" "leap 1" \
	    "stratum" "stratum 2 bogus 1"; do
	set +e
	# shellcheck disable=SC2086
	err=$("$KNTSCTL" time set $args 2>&1)
	rc=$?
	set -e
	expect_eq "kntsctl time set $args: exit" "$rc" 2
	grep -q '^Usage: kntsctl' <<<"$err" || fail "no usage for '$args'"
done

# The kernel refuses what a raw sender puts past kntsctl.
python3 - <<'PY'
import errno
from genl import Genl, K, nest, u8, s8, s32, u32, expect_errno
KNTS_CMD_TIME_SET, KNTS_A_TIME = K["KNTS_CMD_TIME_SET"], K["KNTS_A_TIME"]
LEAP, STRATUM = K["KNTS_TIME_A_LEAP"], K["KNTS_TIME_A_STRATUM"]
PREC, STALE = K["KNTS_TIME_A_PRECISION"], K["KNTS_TIME_A_STALE_AFTER"]
g = Genl("knts")
def tset(*attrs):
    return g.do(KNTS_CMD_TIME_SET, nest(KNTS_A_TIME, *attrs))
# Out of range: ERANGE from the policy; missing: EINVAL.
cases = [
    ("stratum 0", errno.ERANGE, [u8(STRATUM, 0), u32(STALE, 10)]),
    ("stratum 16", errno.ERANGE, [u8(STRATUM, 16), u32(STALE, 10)]),
    ("leap 4", errno.ERANGE, [u8(STRATUM, 2), u8(LEAP, 4), u32(STALE, 10)]),
    ("precision 1", errno.ERANGE, [u8(STRATUM, 2), s32(PREC, 1),
                                   u32(STALE, 10)]),
    ("precision -33", errno.ERANGE, [u8(STRATUM, 2), s32(PREC, -33),
                                     u32(STALE, 10)]),
    ("precision as s8", errno.EINVAL, [u8(STRATUM, 2), s8(PREC, -20),
                                       u32(STALE, 10)]),
    ("stale 0", errno.ERANGE, [u8(STRATUM, 2), u32(STALE, 0)]),
    ("stale 604801", errno.ERANGE, [u8(STRATUM, 2), u32(STALE, 604801)]),
    ("no stratum", errno.EINVAL, [u32(STALE, 10)]),
    ("no stale", errno.EINVAL, [u8(STRATUM, 2)]),
    ("stratum as u32", errno.EINVAL, [u32(STRATUM, 2), u32(STALE, 10)]),
]
for what, want, attrs in cases:
    err, ext, _ = tset(*attrs)
    expect_errno(err, want, what)
    assert ext, f"{what}: no extack message"
    print(f"{what}: EINVAL, extack: {ext}")
err, ext, _ = g.do(KNTS_CMD_TIME_SET)
expect_errno(err, errno.EINVAL, "no time nest")
assert ext and "missing" in ext.lower(), ext
err, ext, _ = g.do(99)
expect_errno(err, errno.EOPNOTSUPP, "unknown command")
err, _, _ = tset(u8(STRATUM, 3), u32(STALE, 1))
assert err == 0, err
PY
# The status set last (stale after 1 s) goes stale: leap 3 is announced.
sleep 1.2
j=$("$KNTSCTL" -j status)
expect_eq "stale after 1 s" "$(json_get "$j" 'j["time"]["stale"]')" True
expect_eq "leap when stale" "$(json_get "$j" 'j["time"]["leap"]')" 3
expect_eq "stratum when stale" "$(json_get "$j" 'j["time"]["stratum"]')" 16
