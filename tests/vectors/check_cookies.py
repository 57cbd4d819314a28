#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The checked-in cookie vectors against independent AEADs.

core/cookie_vectors.h (sealed by knts's userspace core, tests/vectors/
mkcookie.c) against pyca/cryptography's AES-SIV (OpenSSL's SIV mode): every
cookie must be chrony's server cookie, key_id || nonce ||
AES-SIV_master(AD=[""], nonce, C2S || S2C).

core/cookie30_vectors.h (tests/vectors/gen_cookies.py) against the same
layout under AEAD 30 master keys, key_id || nonce (12) ||
AES-128-GCM-SIV_master(AD "", nonce, C2S || S2C) (ct || tag), and under
AEAD 15 master keys with an AEAD 30 session's 32 bytes of keys.  pyca's
AESGCMSIV needs cryptography 42+ on OpenSSL 3.2+; without it (Debian 12's
python3-cryptography) a small RFC 8452 implementation on pyca's AES-ECB
does the check, and where both exist they must agree.

    check_cookies.py [core/cookie_vectors.h [core/cookie30_vectors.h]]
"""
import re
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
except ImportError:
    AESGCMSIV = None


def aes(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


# POLYVAL's field: x^128 + x^127 + x^126 + x^121 + 1, little-endian bytes.
POLY = (1 << 128) | (1 << 127) | (1 << 126) | (1 << 121) | 1
X_INV128 = (1 << 127) | (1 << 124) | (1 << 121) | (1 << 114) | 1


def gf_mul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if a >> 128:
            a ^= POLY
    return r


def polyval(h, data):
    hi = int.from_bytes(h, "little")
    s = 0
    for i in range(0, len(data), 16):
        x = int.from_bytes(data[i:i + 16], "little")
        s = gf_mul(gf_mul(s ^ x, hi), X_INV128)
    return s.to_bytes(16, "little")


def pad16(b):
    return b + bytes(-len(b) % 16)


def gcmsiv_seal_ref(key, nonce, pt, ad):
    """AEAD_AES_128_GCM_SIV of RFC 8452: C || tag."""
    blocks = [aes(key, i.to_bytes(4, "little") + nonce)[:8] for i in range(4)]
    mak, mek = blocks[0] + blocks[1], blocks[2] + blocks[3]
    lens = (8 * len(ad)).to_bytes(8, "little") + \
        (8 * len(pt)).to_bytes(8, "little")
    s = bytearray(polyval(mak, pad16(ad) + pad16(pt) + lens))
    for i in range(12):
        s[i] ^= nonce[i]
    s[15] &= 0x7f
    tag = aes(mek, bytes(s))
    ctr = bytearray(tag)
    ctr[15] |= 0x80
    out = bytearray()
    for i in range(0, len(pt), 16):
        c = (int.from_bytes(ctr[:4], "little") + i // 16) & 0xffffffff
        ks = aes(mek, c.to_bytes(4, "little") + bytes(ctr[4:]))
        out += bytes(a ^ b for a, b in zip(pt[i:i + 16], ks))
    return bytes(out) + tag


def gcmsiv_seal(key, nonce, pt):
    mine = gcmsiv_seal_ref(key, nonce, pt, b"")
    if AESGCMSIV is not None and \
            AESGCMSIV(key).encrypt(nonce, pt, None) != mine:
        raise AssertionError("RFC 8452 reference and pyca disagree")
    return mine


def arrays_of(path):
    return {m.group(1): bytes(int(x, 16) for x in
                              re.findall(r"0x([0-9a-f]{2})", m.group(2)))
            for m in re.finditer(r"static const u8 (\w+)\[\d+\] = {([^}]*)}",
                                 open(path).read())}


def check_siv(path):
    arrays = arrays_of(path)
    n = 0
    ok = True
    while f"cv_cookie{n}" in arrays:
        master, keys = arrays[f"cv_master{n}"], arrays[f"cv_keys{n}"]
        cookie = arrays[f"cv_cookie{n}"]
        nonce = cookie[4:20]
        want = cookie[:20] + AESSIV(master).encrypt(keys, [b"", nonce])
        if len(cookie) != 100 or cookie != want:
            print(f"vector {n}: not chrony's cookie format", file=sys.stderr)
            ok = False
        if AESSIV(master).decrypt(cookie[20:], [b"", nonce]) != keys:
            ok = False
        n += 1
    return ok and n > 0, n


def check_30(path):
    arrays = arrays_of(path)
    # RFC 8452 C.1, example 4: the reference itself must be right.
    ok = gcmsiv_seal(bytes.fromhex("01" + "00" * 15),
                     bytes.fromhex("03" + "00" * 11),
                     bytes.fromhex("01" + "00" * 15)) == bytes.fromhex(
        "743f7c8077ab25f8624e2e948579cf77303aaf90f6fe21199c6068577437a0c4")
    if not ok:
        print("the RFC 8452 reference is wrong", file=sys.stderr)
    kinds = set()
    n = 0
    while f"cv30_cookie{n}" in arrays:
        master, keys = arrays[f"cv30_master{n}"], arrays[f"cv30_keys{n}"]
        nonce, cookie = arrays[f"cv30_nonce{n}"], arrays[f"cv30_cookie{n}"]
        alg = {16: 30, 32: 15}.get(len(master))
        if alg == 30 and len(nonce) == 12:
            sealed = gcmsiv_seal(master, nonce, keys)
        elif alg == 15 and len(nonce) == 16:
            sealed = AESSIV(master).encrypt(keys, [b"", nonce])
        else:
            sealed = b""
        want_len = 4 + len(nonce) + 16 + len(keys)
        if len(keys) not in (32, 64) or len(cookie) != want_len or \
                cookie[4:4 + len(nonce)] != nonce or \
                cookie[4 + len(nonce):] != sealed:
            print(f"cv30 vector {n}: not chrony's cookie format",
                  file=sys.stderr)
            ok = False
        kinds.add((alg, len(keys)))
        n += 1
    # Every kind: 96, 64, 68 and 100 bytes.
    return ok and kinds == {(30, 64), (30, 32), (15, 32), (15, 64)}, n


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "core/cookie_vectors.h"
    path30 = sys.argv[2] if len(sys.argv) > 2 else \
        path.replace("cookie_vectors.h", "cookie30_vectors.h")
    ok, n = check_siv(path)
    print(f"{'PASS' if ok else 'FAIL'}: unit/vectors/cookies-match-pyca-aessiv ({n})")
    ok30, n30 = check_30(path30)
    how = "pyca AESGCMSIV and RFC 8452 reference" if AESGCMSIV else \
        "RFC 8452 reference on AES-ECB"
    print(f"{'PASS' if ok30 else 'FAIL'}: unit/vectors/cookies30-match-independent-aeads ({n30}, {how})")
    return 0 if ok and ok30 else 1


if __name__ == "__main__":
    sys.exit(main())
