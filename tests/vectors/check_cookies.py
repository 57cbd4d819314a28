#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""core/cookie_vectors.h against an independent AES-SIV (pyca/cryptography,
which uses OpenSSL's SIV mode): every cookie must be chrony's server cookie,
key_id || nonce || AES-SIV_master(AD=[""], nonce, C2S || S2C)."""
import re
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

path = sys.argv[1] if len(sys.argv) > 1 else "core/cookie_vectors.h"
arrays = {m.group(1): bytes(int(x, 16) for x in
                            re.findall(r"0x([0-9a-f]{2})", m.group(2)))
          for m in re.finditer(r"static const u8 (\w+)\[\d+\] = {([^}]*)}",
                               open(path).read())}
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
if n == 0:
    ok = False
print(f"{'PASS' if ok else 'FAIL'}: unit/vectors/cookies-match-pyca-aessiv ({n})")
sys.exit(0 if ok else 1)
