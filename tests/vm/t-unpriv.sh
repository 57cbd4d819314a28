#!/bin/bash
# Without CAP_NET_ADMIN: reading status works, changing state is refused by
# the kernel (GENL_ADMIN_PERM), through kntsctl and through a raw sender.
. "$(dirname "$0")/lib.sh"

knts_load
as_nobody "$KNTSCTL" status >/dev/null || fail "unprivileged status refused"
set +e
err=$(as_nobody "$KNTSCTL" time set stratum 2 2>&1)
rc=$?
set -e
echo "$err"
expect_eq "unprivileged time set exit" "$rc" 1
grep -q 'Operation not permitted' <<<"$err" || fail "no EPERM message"
as_nobody env PYTHONPATH="$PYTHONPATH" python3 - <<'PY'
import errno
from genl import Genl, K, nest, u8, u32, expect_errno
g = Genl("knts")
err, _, _ = g.do(K["KNTS_CMD_TIME_SET"],
                 nest(K["KNTS_A_TIME"], u8(K["KNTS_TIME_A_STRATUM"], 2),
                      u32(K["KNTS_TIME_A_STALE_AFTER"], 10)))
expect_errno(err, errno.EPERM, "unprivileged raw time set")
err, _, replies = g.do(K["KNTS_CMD_GET_STATUS"])
assert err == 0 and replies, "unprivileged get-status"
PY
j=$("$KNTSCTL" -j status)
expect_eq "status untouched" "$(json_get "$j" 'j["time"]["stale"]')" True
