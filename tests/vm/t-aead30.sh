#!/bin/bash
# AEAD 30 (AES-128-GCM-SIV), as current chrony uses it, against knts.ko and
# kntsd, checked with ntsclient's GCM-SIV written from RFC 8452:
# - an NKS1 file of AEAD 30 keys in chrony's exact layout is imported;
#   requests carrying cookies in chrony's AEAD 30 layout (96 bytes for an
#   AEAD 15 session, 64 for an AEAD 30 one) are answered, replies verify,
#   fresh cookies open under the current key;
# - an AEAD 30 session's authenticator takes a 12-byte nonce (a 16-byte one
#   is NAKed, as chrony does);
# - a file mixing 15 and 30 keys loads; a cookie shorter than the current
#   key's gets fresh cookies under the key that opened it, never a reply
#   longer than the request;
# - kntsd with kntskeyaead 30 writes NKS1 keys; kntsctl query negotiates
#   AEAD 30 (record 1024) on the kernel and the userspace path; chrony 4.3,
#   which knows only AEAD 15, still gets NTS time.
. "$(dirname "$0")/lib.sh"

need_chronyd
knts_load
tmp=$(mktemp -d)
d=
trap 'kntsd_stop "$d" 2>/dev/null; knts_unload_quiet' EXIT

# chrony's NKS1 layout, byte for byte: "%08X %s %d" lines, keys in hex.
python3 - "$tmp/ntskeys" <<'PY'
import sys
from ntsclient import *
keys = [(kid, key[:16]) for kid, key in test_keys()]
write_ntskeys(sys.argv[1], keys, version=1, age=12.5)
PY
cat "$tmp/ntskeys"
grep -qx "1F21A13E 3E3F404142434445464748494A4B4C4D 30" "$tmp/ntskeys" ||
	fail "not chrony's NKS1 layout"
out=$("$KNTSCTL" keys import "$tmp/ntskeys") || fail "keys import (AEAD 30)"
echo "$out"
grep -q "current 1F21A13E" <<<"$out" || fail "current key is not the third line's"
"$KNTSCTL" keys
expect_eq "algorithms" "$("$KNTSCTL" -j keys | python3 -c 'import json,sys; print(sorted({k["algorithm"] for k in json.load(sys.stdin)["keys"]}))')" \
	"['AES-128-GCM-SIV']"
"$KNTSCTL" time set stratum 2 refid 192.0.2.1 || fail "time set"

python3 - <<'PY' || fail "AEAD 30 master keys and sessions"
import socket
from ntsclient import *
keys = [(kid, key[:16]) for kid, key in test_keys()]
cur_id, cur_key = keys[2]
n = 0
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = udp_socket(family)
    for alg, clen in ((AEAD_SIV, 96), (AEAD_GCMSIV, 64)):
        for kid, master in keys:
            sess = Session(master, kid, master_alg=AEAD_GCMSIV, alg=alg)
            assert len(sess.cookies[0]) == clen
            cookie = None
            for ph in (0, 1, 7):
                pkt, uid, tx = sess.request(placeholders=ph, cookie=cookie)
                reply = exchange(s, (host, 123), pkt)
                assert reply is not None, (host, alg, ph, "no reply")
                assert len(reply) <= len(pkt), "reply longer than request"
                r = sess.check_reply(reply, uid, tx)
                assert not r["nak"], (host, alg, kid, "NAK")
                assert len(r["nonce"]) == nonce_len(alg), r["nonce"]
                assert len(r["cookies"]) == min(8, 1 + ph), r["cookies"]
                for c in r["cookies"]:
                    assert len(c) == clen, len(c)
                    assert int.from_bytes(c[:4], "big") == cur_id
                    assert open_cookie(cur_key, c, AEAD_GCMSIV) == \
                        sess.c2s + sess.s2c
                cookie = r["cookies"][0]
                n += 1
    # AES-128-GCM-SIV takes 12-byte nonces: a 16-byte one is NAKed.
    sess = Session(cur_key, cur_id, master_alg=AEAD_GCMSIV, alg=AEAD_GCMSIV)
    pkt, uid, tx = sess.request(nonce=bytes(range(16)))
    r = sess.check_reply(exchange(s, (host, 123), pkt), uid, tx)
    assert r["nak"], "16-byte nonce in an AEAD 30 session answered"
print(f"{n} AEAD 30 exchanges verified")
PY
j=$("$KNTSCTL" -j serverstats)
expect_eq "NAKs" "$(json_get "$j" 'j["nts_naks_sent"]')" 2
expect_eq "dropped" "$(json_get "$j" 'j["ntp_packets_dropped"]')" 0

# A file mixing the two: AEAD 15 keys, the current one among them, and an
# AEAD 30 key in slot 1 (chrony 4.4 after an upgrade, seen the other way).
python3 - "$tmp/mixed" <<'PY'
import sys
from ntsclient import *
keys = test_keys(0x2A000000)
keys[1] = (keys[1][0], keys[1][1][:16])
write_ntskeys(sys.argv[1], keys, version=1)
PY
cat "$tmp/mixed"
"$KNTSCTL" keys import "$tmp/mixed" || fail "keys import (mixed)"
"$KNTSCTL" keys
python3 - <<'PY' || fail "mixed 15 and 30 keys"
import socket
from ntsclient import *
keys = test_keys(0x2A000000)
old_id, old_key = keys[1][0], keys[1][1][:16]
cur_id, cur_key = keys[2]
s = udp_socket(socket.AF_INET)
# A 96-byte cookie (AEAD 30 key): the current key's would be 100 bytes and
# not fit, so the fresh ones come from the key that opened it.
sess = Session(old_key, old_id, master_alg=AEAD_GCMSIV)
pkt, uid, tx = sess.request(placeholders=2)
reply = exchange(s, ("127.0.0.1", 123), pkt)
assert reply is not None and len(reply) <= len(pkt)
r = sess.check_reply(reply, uid, tx)
assert not r["nak"] and len(r["cookies"]) == 3, r
for c in r["cookies"]:
    assert len(c) == 96 and int.from_bytes(c[:4], "big") == old_id
    assert open_cookie(old_key, c, AEAD_GCMSIV) == sess.c2s + sess.s2c
# An AEAD 15 key's 68-byte cookie of an AEAD 30 session: under the current
# key, as usual.
sess = Session(cur_key, cur_id, alg=AEAD_GCMSIV)
pkt, uid, tx = sess.request(placeholders=1)
r = sess.check_reply(exchange(s, ("127.0.0.1", 123), pkt), uid, tx)
assert not r["nak"] and len(r["cookies"]) == 2, r
for c in r["cookies"]:
    assert len(c) == 68 and int.from_bytes(c[:4], "big") == cur_id
    assert open_cookie(cur_key, c) == sess.c2s + sess.s2c
print("mixed table served")
PY

# kntsd making AEAD 30 keys: the file is NKS1, chrony 4.3 (AEAD 15 only)
# gets NTS time, and kntsctl query agrees on AEAD 30 through record 1024 on
# the kernel path, then on kntsd's own.
d=$(cert_dir)
for path in kernel userspace; do
	kntsd_conf "$d" "kntslocal stratum 2" "kntskeyaead 30" "kntsntp $path"
	kntsd_start "$d"
	head -n 1 "$d/dump/ntskeys" | grep -qx NKS1 || fail "$path: ntskeys not NKS1"
	[ "$(grep -c '^[0-9A-F]\{8\} [0-9A-F]\{32\} 30$' "$d/dump/ntskeys")" = 4 ] ||
		fail "$path: not four AEAD 30 keys"
	out=$("$KNTSCTL" query localhost --ca "$d/cert.pem" -n 2) ||
		{ echo "$out"; fail "$path: kntsctl query"; }
	echo "$out"
	grep -q "AEAD *: 30 (AES-128-GCM-SIV), compliant context" <<<"$out" ||
		fail "$path: not AEAD 30 with record 1024"
	grep -q "of 64 bytes" <<<"$out" || fail "$path: cookies not 64 bytes"
	out=$("$KNTSCTL" query localhost --ca "$d/cert.pem" -a 15) ||
		{ echo "$out"; fail "$path: kntsctl query -a 15"; }
	grep -q "of 96 bytes" <<<"$out" || fail "$path: AEAD 15 cookies not 96 bytes"
	out=$(chrony_query "$d/cert.pem" localhost)
	echo "$out"
	grep -q "System clock wrong by" <<<"$out" || fail "$path: chrony 4.3: no NTS time"
	kntsd_stop "$d"
	# kntsd's own NTP path needs the port knts.ko holds.
	[ "$path" = userspace ] || knts_unload
done
true
