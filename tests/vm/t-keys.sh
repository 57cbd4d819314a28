#!/bin/bash
# Master keys over netlink: what key-set refuses (with extack), admin-only
# commands, key bytes never coming back, chrony ntskeys import errors with
# file:line, deleting and rotating keys while cookies are in use.
. "$(dirname "$0")/lib.sh"

knts_load
tmp=$(mktemp -d)
chmod 755 "$tmp"

python3 - <<'PY'
import errno
from genl import Genl, K, nest, nla, u16, u32, expect_errno, parse
g = Genl("knts")
SET, DEL, GET = K["KNTS_CMD_KEY_SET"], K["KNTS_CMD_KEY_DEL"], K["KNTS_CMD_KEY_GET"]
def key(kid, secret=bytes(range(32)), aead=None):
    attrs = [u32(K["KNTS_KEY_A_ID"], kid)]
    if secret is not None:
        attrs.append(nla(K["KNTS_KEY_A_SECRET"], secret))
    if aead is not None:
        attrs.append(u16(K["KNTS_KEY_A_AEAD"], aead))
    return nest(K["KNTS_A_KEY"], *attrs)
cur = lambda kid: u32(K["KNTS_A_KEY_CURRENT"], kid)
cases = [
    ("31-byte secret", errno.EINVAL, key(4, bytes(31))),
    ("33-byte secret", errno.EINVAL, key(4, bytes(33))),
    ("16-byte secret, AEAD 15", errno.EINVAL, key(4, bytes(16))),
    ("32-byte secret, AEAD 30", errno.EINVAL, key(4, aead=30)),
    ("AEAD 16", errno.EOPNOTSUPP, key(4, aead=16)),
    ("no secret", errno.EINVAL, key(4, secret=None)),
    ("two keys in slot 0", errno.EINVAL, key(4) + key(8)),
    ("five keys", errno.EINVAL, key(0) + key(1) + key(2) + key(3) + key(5)),
    ("unknown current", errno.EINVAL, key(4) + cur(5)),
    ("nothing", errno.EINVAL, b""),
]
for what, want, attrs in cases:
    err, ext, _ = g.do(SET, attrs)
    expect_errno(err, want, what)
    assert ext, f"{what}: no extack"
    print(f"{what}: {errno.errorcode[want]}: {ext}")

# Whatever is wrong with a request, its key bytes are wiped before anything
# refuses it: an error ack that echoes the request (no NETLINK_CAP_ACK)
# echoes zeros.  Wrong next to the key: an attribute key-set does not
# take, one of a type past the family's, a truncated one, a key too long.
secret = bytes([0xA5]) * 32
raw = Genl("knts", cap_ack=False)
for what, extra, k in (
        ("with a time status", nest(K["KNTS_A_TIME"], u32(K["KNTS_TIME_A_STALE_AFTER"], 5)), key(4, secret)),
        ("with an unknown attribute", nla(250, b"x"), key(4, secret)),
        ("with trailing bytes", b"\x07\x00", key(4, secret)),
        ("33 bytes", b"", key(4, secret + b"\xa5"))):
    raw.raw.clear()
    err, _, _ = raw.do(SET, k + extra)
    expect_errno(err, errno.EINVAL, what)
    echoed = b"".join(raw.raw)
    assert len(echoed) > 60, f"{what}: the ack does not echo the request"
    assert secret[:16] not in echoed, f"{what}: key bytes echoed in the ack"
    print(f"{what}: EINVAL, the echoed request holds no key byte")
# A refused request installs nothing.
err, _, r = g.do(GET)
assert err == 0 and K["KNTS_A_KEY"] not in r[0], r
err, ext, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], 7))
expect_errno(err, errno.ENOENT, "delete unknown")
err, ext, _ = g.do(DEL)
expect_errno(err, errno.EINVAL, "delete without id")
# Install two keys, current the second; the secret never comes back.
secret = bytes(range(100, 132))
err, ext, _ = g.do(SET, key(0x100, secret) + key(0x101, secret[::-1]) + cur(0x101))
assert err == 0, (err, ext)
g.sock.setsockopt(270, 10, 0)   # whole replies, to search them for key bytes
err, _, r = g.do(GET)
assert err == 0 and len(r[0][K["KNTS_A_KEY"]]) == 2
for k in r[0][K["KNTS_A_KEY"]]:
    a = parse(k)
    assert K["KNTS_KEY_A_SECRET"] not in a, "secret returned"
    assert secret not in k and secret[::-1] not in k
assert int.from_bytes(r[0][K["KNTS_A_KEY_CURRENT"]][0], "little") == 0x101
# Current switches to an installed key; replacing it clears it.
err, _, _ = g.do(SET, cur(0x100))
assert err == 0
err, _, _ = g.do(SET, key(0x104))
assert err == 0
err, _, r = g.do(GET)
assert K["KNTS_A_KEY_CURRENT"] not in r[0], "replaced current key still current"
err, _, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], 0x104))
assert err == 0
err, _, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], 0x101))
assert err == 0
err, _, r = g.do(GET)
assert K["KNTS_A_KEY"] not in r[0]
PY

# Unprivileged: every key command refused by the kernel.
as_nobody env PYTHONPATH="$PYTHONPATH" python3 - <<'PY'
import errno
from genl import Genl, K, nest, nla, u32, expect_errno
g = Genl("knts")
for cmd, attrs in ((K["KNTS_CMD_KEY_GET"], b""),
                   (K["KNTS_CMD_KEY_DEL"], u32(K["KNTS_A_KEY_ID"], 1)),
                   (K["KNTS_CMD_KEY_SET"],
                    nest(K["KNTS_A_KEY"], u32(K["KNTS_KEY_A_ID"], 1),
                         nla(K["KNTS_KEY_A_SECRET"], bytes(32))))):
    err, _, _ = g.do(cmd, attrs)
    expect_errno(err, errno.EPERM, f"unprivileged command {cmd}")
PY
set +e
out=$(as_nobody "$KNTSCTL" keys 2>&1)
rc=$?
set -e
expect_eq "unprivileged kntsctl keys" "$rc" 1
grep -q "Operation not permitted" <<<"$out" || fail "no EPERM: $out"

# ntskeys files: mode and syntax errors name the problem, file:line.
test_keys_file "$tmp/ntskeys"
chmod 644 "$tmp/ntskeys"
set +e
out=$("$KNTSCTL" keys import "$tmp/ntskeys" 2>&1); rc=$?
set -e
echo "$out"
expect_eq "world-readable key file" "$rc" 1
grep -q "mode 0644" <<<"$out" || fail "no mode complaint"
chmod 600 "$tmp/ntskeys"
sed '3s/^\(........\) ../\1 ZZ/' "$tmp/ntskeys" > "$tmp/bad" && chmod 600 "$tmp/bad"
set +e
out=$("$KNTSCTL" keys import "$tmp/bad" 2>&1); rc=$?
set -e
echo "$out"
expect_eq "bad key file" "$rc" 1
grep -q "$tmp/bad:3: " <<<"$out" || fail "no file:line"
set +e
out=$("$KNTSCTL" keys import 2>&1); rc=$?
set -e
expect_eq "import without file" "$rc" 2
grep -q "^Usage:" <<<"$out" || fail "no usage"

# Deleting a key: its cookies get a NAK; the others still work.
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "import"
"$KNTSCTL" time set stratum 2 || fail "time set"
"$KNTSCTL" keys del 1F21A13C || fail "keys del"
listing=$("$KNTSCTL" keys) || fail "keys (list)"
grep -q 1F21A13C <<< "$listing" && fail "deleted key still listed"
j=$("$KNTSCTL" -j keys) || fail "keys -j"
expect_eq "keys left after the delete" "$(json_get "$j" 'len(j["keys"])')" 3
python3 - <<'PY'
import socket
from ntsclient import *
keys = test_keys()
s = udp_socket(socket.AF_INET)
for (kid, master), want_nak in zip(keys, (True, False, False, False)):
    sess = Session(master, kid)
    pkt, uid, tx = sess.request()
    r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
    assert r["nak"] == want_nak, (hex(kid), r["nak"])
# Rotation as chrony does it: slot 0 gets the new next key, current moves
# one slot on; cookies under the old current key keep working.
new = list(keys[1:]) + [(keys[0][0] + 4, bytes(32))]
write_ntskeys("/tmp/rotated", new)
import subprocess, os
subprocess.check_call([os.environ["KNTSCTL"], "keys", "import", "/tmp/rotated"])
for kid, master in keys[1:]:
    sess = Session(master, kid)
    pkt, uid, tx = sess.request()
    r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
    assert not r["nak"]
    assert int.from_bytes(r["cookies"][0][:4], "big") == keys[3][0], \
        "new cookies not under the new current key"
PY
j=$("$KNTSCTL" -j serverstats)
expect_eq "unknown key NAKs" "$(json_get "$j" 'j["cookie_unknown_key"]')" 1
rm -rf /tmp/rotated

# Deleting the current key: its cookies get a NAK; a request under another
# key is answered with fresh cookies sealed under that key (the table has
# no current key), and nothing is listed as current.
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "import"
"$KNTSCTL" keys del 1F21A13E || fail "keys del (current)"
j=$("$KNTSCTL" -j keys)
expect_eq "no current key after deleting it" \
	"$(json_get "$j" '[k["id"] for k in j["keys"] if k["role"] == "current"]')" "[]"
python3 - <<'PY'
import socket
from ntsclient import *
keys = test_keys()
s = udp_socket(socket.AF_INET)
for kid, master in keys:
    sess = Session(master, kid)
    pkt, uid, tx = sess.request(placeholders=1)
    r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
    if kid == 0x1F21A13E:
        assert r["nak"], "a cookie under the deleted current key was accepted"
        continue
    assert not r["nak"], hex(kid)
    assert len(r["cookies"]) == 2
    for c in r["cookies"]:
        assert int.from_bytes(c[:4], "big") == kid, "cookie not under its key"
        assert open_cookie(master, c) == sess.c2s + sess.s2c
PY

# Re-setting an id with a new secret: cookies under the old secret fail
# (their id is known, so the seal does not open), the new secret's work.
printf 'cd%.0s' {1..32} > "$tmp/new"; echo >> "$tmp/new"
chmod 600 "$tmp/new"
"$KNTSCTL" keys set 1F21A13D "$tmp/new" current || fail "keys set (replace)"
python3 - <<'PY'
import socket
from ntsclient import *
s = udp_socket(socket.AF_INET)
kid, old = test_keys()[1]
new = bytes([0xCD] * 32)
for master, want_nak in ((old, True), (new, False)):
    sess = Session(master, kid)
    pkt, uid, tx = sess.request()
    r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
    assert r["nak"] == want_nak, (master == new, r["nak"])
    if not want_nak:
        assert open_cookie(new, r["cookies"][0]) == sess.c2s + sess.s2c
PY
rm -rf "$tmp"

# Without kntsd: keys generate / rotate keep a chrony table in a file.
t2=$(mktemp -d)
out=$("$KNTSCTL" keys generate "$t2/ntskeys") || fail "keys generate"
echo "$out"
expect_eq "generated file mode" "$(stat -c %a "$t2/ntskeys")" 600
head -n 1 "$t2/ntskeys" | grep -qx NKS0 || fail "not NKS0"
cur=$(sed -n 5p "$t2/ntskeys" | cut -d' ' -f1)
nxt=$(sed -n 6p "$t2/ntskeys" | cut -d' ' -f1)
j=$("$KNTSCTL" -j keys)
expect_eq "generated current" "$(json_get "$j" '[k["id"] for k in j["keys"] if k["role"] == "current"]')" "['$cur']"
set +e
"$KNTSCTL" keys generate "$t2/ntskeys" >/dev/null 2>&1; rc=$?
set -e
expect_eq "generate over an existing file" "$rc" 1
"$KNTSCTL" keys rotate "$t2/ntskeys" || fail "keys rotate"
j=$("$KNTSCTL" -j keys)
expect_eq "rotated: the next key is current" \
	"$(json_get "$j" '[k["id"] for k in j["keys"] if k["role"] == "current"]')" "['$nxt']"
expect_eq "rotated file" "$(sed -n 5p "$t2/ntskeys" | cut -d' ' -f1)" "$nxt"

# keys set: from a file (mode checked) or stdin, optionally current.
hex=$(printf 'ab%.0s' {1..32})
echo "$hex" > "$t2/k"
chmod 644 "$t2/k"
set +e
out=$("$KNTSCTL" keys set 77 "$t2/k" 2>&1); rc=$?
set -e
expect_eq "world-readable key" "$rc" 1
grep -q "chmod 600" <<<"$out" || fail "$out"
chmod 600 "$t2/k"
# An id in a slot other than the current key's (id % 4).
free=$(printf '%X' $(( (0x$nxt + 1) % 4 + 0x100 )))
"$KNTSCTL" keys set "$free" "$t2/k" || fail "keys set"
j=$("$KNTSCTL" -j keys)
expect_eq "set keeps current" "$(json_get "$j" '[k["id"] for k in j["keys"] if k["role"] == "current"]')" "['$nxt']"
echo "$hex" | "$KNTSCTL" keys set 78 - current || fail "keys set from stdin"
j=$("$KNTSCTL" -j keys)
expect_eq "set current" "$(json_get "$j" '[k["id"] for k in j["keys"] if k["role"] == "current"]')" "['00000078']"
set +e
echo "abcd" | "$KNTSCTL" keys set 79 - >/dev/null 2>&1; rc=$?
set -e
expect_eq "short key" "$rc" 1
rm -rf "$t2"
