#!/bin/bash
# Operating kntsd: config errors name file:line and stop the start; keys
# rotate on time and cookies under the previous keys keep working for their
# lifetime (two more rotations); SIGHUP reloads certificates, and a bad new
# one keeps the old serving.
#
# make check: once (kntsd and its files under test; the kernel only carries
# packets): on the 6.12 lane only, tests/run.sh.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
d=$(cert_dir)
KNTSD=$top/userspace/kntsd/kntsd

# Configuration errors.
for bad in "ntsport 0" "ntsrotate -1" "kntslocal stratum 16" "bogus 1" \
	   "maxntsconnections" "ntsratelimit interval 3 oops 1"; do
	kntsd_conf "$d" "kntslocal stratum 2" "$bad"
	set +e
	out=$("$KNTSD" -f "$d/kntsd.conf" -t 2>&1)
	rc=$?
	set -e
	echo "$out"
	expect_eq "kntsd -t with '$bad'" "$rc" 1
	grep -q "$d/kntsd.conf:6: " <<<"$out" || fail "no file:line for '$bad'"
done
set +e
out=$("$KNTSD" -f "$d/missing.conf" 2>&1); rc=$?
set -e
expect_eq "missing config" "$rc" 1
grep -q "missing.conf: No such file" <<<"$out" || fail "$out"
set +e
"$KNTSD" -x >/dev/null 2>&1; rc=$?
set -e
expect_eq "bad option" "$rc" 2

# Rotation every 3 s (the NTS-KE sessions and the module follow).
kntsd_conf "$d" "kntslocal stratum 2" "ntsrotate 3" "kntsstatusinterval 1" \
	"kntsstale 3"
trap 'kntsd_stop "$d"; knts_unload_quiet' EXIT
kntsd_start "$d"
export DUMP=$d/dump
python3 - <<'PY'
import json, os, socket, subprocess, time
from ntsclient import *
def table():
    return json.loads(subprocess.check_output([os.environ["KNTSCTL"], "-j", "keys"]))
# The key current now, its bytes from kntsd's file (copied as root).
kid = next(int(k["id"], 16) for k in table()["keys"] if k["role"] == "current")
subprocess.check_call(["cp", os.environ["DUMP"] + "/ntskeys", "/tmp/k0"])
lines = open("/tmp/k0").read().split("\n")
master = next(bytes.fromhex(l.split()[1]) for l in lines[2:6]
              if int(l.split()[0], 16) == kid)
s = udp_socket(socket.AF_INET)
def ok():
    sess = Session(master, kid)
    pkt, uid, tx = sess.request()
    return not sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)["nak"]
def position():
    """Index of our key in the module's table, oldest first; None: gone."""
    t = table()
    ids = [int(k["id"], 16) for k in t["keys"]]
    if kid not in ids:
        return None
    return next(k["role"] for k in t["keys"] if int(k["id"], 16) == kid)
assert ok()
# One rotation: previous, still accepted; the next ones too, until the key
# leaves the table (after three), when its cookies get an NTSN.
wait_until(position, lambda p: p == "previous", "previous", 40)
assert ok(), "cookie refused one rotation later"
t0 = time.monotonic()
wait_until(position, lambda p: p is None, "gone", 40)
# Two more rotations (6 s): more than one interval.
assert time.monotonic() - t0 > 3, "key dropped after one more rotation"
assert not ok(), "cookie accepted after its key left"
PY
grep -c "master keys rotated" "$d/kntsd.log" | grep -qE '^[3-9]' ||
	fail "rotations not logged"
j=$("$KNTSCTL" -j keys)
expect_eq "the module follows" "$(json_get "$j" 'sorted(k["role"] for k in j["keys"])' | tr -d "'")" \
	"[current, next, previous, previous]"
out=$(chrony_query "$d/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "no NTS time after rotations"

# SIGHUP: a broken certificate keeps the old one; a new one is taken.
cp "$d/cert.pem" "$d/cert.good"
echo garbage > "$d/cert.pem"
kill -HUP "$(cat "$d/kntsd.pid")"
wait_for 30 "the bad certificate refused" grep -q "keeping the certificates in use" "$d/kntsd.log"
cp "$d/cert.good" "$d/cert.pem"
out=$(chrony_query "$d/cert.good" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "old cert no longer served"
d2=$(cert_dir)
cp "$d2/cert.pem" "$d/cert.pem"
cp "$d2/key.pem" "$d/key.pem"
kill -HUP "$(cat "$d/kntsd.pid")"
wait_for 30 "the reload logged" grep -q "reload: 1 certificate loaded" "$d/kntsd.log"
out=$(chrony_query "$d2/cert.pem" localhost)
grep -q "System clock wrong by" <<<"$out" || fail "new cert not served"
out=$(chrony_query "$d/cert.good" localhost) || true
if grep -q "System clock wrong by" <<<"$out"; then
	fail "old cert still served"
fi

# kntsd -t loads the certificates too: a key that does not match is an error.
d3=$(cert_dir)
kntsd_conf "$d3" "kntslocal stratum 2"
"$KNTSD" -f "$d3/kntsd.conf" -t | grep -q "configuration OK, 1 certificate" ||
	fail "kntsd -t"
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 \
	-out "$d3/key.pem" 2>/dev/null
set +e
out=$("$KNTSD" -f "$d3/kntsd.conf" -t 2>&1); rc=$?
set -e
echo "$out"
expect_eq "kntsd -t with a mismatched key" "$rc" 1
grep -qi "mismatch\|does not match" <<<"$out" || fail "no mismatch message"

# A key protected by a passphrase is refused at once, with a terminal that
# could be asked (a pseudo-terminal whose input stays open), not prompted
# for: a daemon has nobody to answer.
d4=$(cert_dir)
kntsd_conf "$d4" "kntslocal stratum 2"
openssl pkey -in "$d4/key.pem" -aes-128-cbc -passout pass:secret \
	-out "$d4/key.enc" && mv "$d4/key.enc" "$d4/key.pem"
set +e
out=$(timeout 20 script -qec "$KNTSD -f $d4/kntsd.conf -t" /dev/null \
	< <(sleep 30) 2>&1); rc=$?
set -e
echo "$out"
expect_eq "kntsd -t with a passphrase-protected key" "$rc" 1
grep -q "protected by a passphrase" <<<"$out" || fail "no passphrase message"
! grep -qi "pass phrase:" <<<"$out" || fail "kntsd asked for the passphrase"
