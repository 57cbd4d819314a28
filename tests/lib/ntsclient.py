# SPDX-License-Identifier: GPL-2.0
"""An NTS (RFC 8915) NTP client for tests, independent of knts's C code:
AES-SIV is built here from pyca/cryptography's AES-CMAC and AES-CTR (RFC
5297), checked on first use against pyca's own AESSIV; AES-128-GCM-SIV (RFC
8452) from pyca's AES-ECB and a POLYVAL written from the RFC, checked
against RFC 8452's own vectors (Debian 12's pyca has no AESGCMSIV); cookies
are minted in chrony's server format from a master key of either AEAD, as
an NTS-KE server would."""
import os
import socket
import struct
import time

EF_UID, EF_COOKIE, EF_PLACEHOLDER, EF_AUTH = 0x0104, 0x0204, 0x0304, 0x0404
NTP_UNIX = 2208988800
KISS_NTSN = b"NTSN"

# pyca/cryptography is imported on first use: under TCG the import costs a
# few seconds, and many tests start python only for plain NTP or files.
_pyca = None


def _crypto():
    global _pyca
    if _pyca is None:
        from cryptography.hazmat.primitives import cmac
        from cryptography.hazmat.primitives.ciphers import (Cipher,
                                                            algorithms, modes)
        _pyca = (cmac, Cipher, algorithms, modes)
        _self_check()
    return _pyca


def _cmac(key, data):
    cmac, _, algorithms, _ = _crypto()
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def _dbl(b):
    v = int.from_bytes(b, "big") << 1
    if v >> 128:
        v = (v & ((1 << 128) - 1)) ^ 0x87
    return v.to_bytes(16, "big")


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def _s2v(k1, ads, pt):
    d = _cmac(k1, bytes(16))
    for a in ads:
        d = _xor(_dbl(d), _cmac(k1, a))
    if len(pt) >= 16:
        t = pt[:-16] + _xor(pt[-16:], d)
    else:
        t = _xor(_dbl(d), (pt + b"\x80").ljust(16, b"\0"))
    return _cmac(k1, t)


def _ctr(k2, v, data):
    q = bytearray(v)
    q[8] &= 0x7F
    q[12] &= 0x7F
    _, Cipher, algorithms, modes = _crypto()
    e = Cipher(algorithms.AES(k2), modes.CTR(bytes(q))).encryptor()
    return e.update(data) + e.finalize()


def siv_encrypt(key, ads, pt):
    """AES-SIV-CMAC-256: returns V || C."""
    v = _s2v(key[:16], ads, pt)
    return v + _ctr(key[16:], v, pt)


def siv_decrypt(key, ads, data):
    """Returns the plaintext, or None when the tag does not verify."""
    if len(data) < 16:
        return None
    pt = _ctr(key[16:], data[:16], data[16:])
    return pt if _s2v(key[:16], ads, pt) == data[:16] else None


def _self_check():
    """The construction must agree with pyca's AES-SIV where both apply."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV
    k = bytes(range(32))
    assert siv_encrypt(k, [b"ad", b"n" * 16], b"x" * 37) == \
        AESSIV(k).encrypt(b"x" * 37, [b"ad", b"n" * 16])
    assert siv_encrypt(k, [b"", b"n" * 16], b"y" * 64) == \
        AESSIV(k).encrypt(b"y" * 64, [b"", b"n" * 16])


# AES-128-GCM-SIV, RFC 8452: POLYVAL's field, x^128 + x^127 + x^126 +
# x^121 + 1, with byte strings read little-endian.
_POLYVAL_P = (1 << 128) | (1 << 127) | (1 << 126) | (1 << 121) | 1


def _polyval_dot(a, b):
    """dot(a, b) = a * b * x^-128 (RFC 8452 section 3), on integers."""
    p = 0
    for i in range(128):
        if (b >> i) & 1:
            p ^= a << i
    for _ in range(128):   # divide by x, adding P when odd
        if p & 1:
            p ^= _POLYVAL_P
        p >>= 1
    return p


def _polyval(h, data):
    hk, s = int.from_bytes(h, "little"), 0
    for i in range(0, len(data), 16):
        s = _polyval_dot(s ^ int.from_bytes(data[i:i + 16], "little"), hk)
    return s.to_bytes(16, "little")


def _aes_ecb(key, block):
    _, Cipher, algorithms, modes = _crypto()
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(block) + e.finalize()


def _gcmsiv_keys(key, nonce):
    b = [_aes_ecb(key, struct.pack("<I", i) + nonce)[:8] for i in range(4)]
    return b[0] + b[1], b[2] + b[3]


def _gcmsiv_ctr(enc, tag, data):
    ctr, out = bytearray(tag), b""
    ctr[15] |= 0x80
    for i in range(0, len(data), 16):
        ks = _aes_ecb(enc, bytes(ctr))
        out += _xor(data[i:i + 16], ks)
        ctr[0:4] = struct.pack("<I", (struct.unpack("<I", ctr[0:4])[0] + 1)
                               & 0xFFFFFFFF)
    return out


def _gcmsiv_tag(auth, enc, nonce, ad, pt):
    def pad(b):
        return b + bytes(-len(b) % 16)
    s = bytearray(_polyval(auth, pad(ad) + pad(pt) +
                           struct.pack("<QQ", len(ad) * 8, len(pt) * 8)))
    for i in range(12):
        s[i] ^= nonce[i]
    s[15] &= 0x7F
    return _aes_ecb(enc, bytes(s))


def gcmsiv_encrypt(key, nonce, ad, pt):
    """AES-128-GCM-SIV: returns C || tag."""
    _gcmsiv_check()
    auth, enc = _gcmsiv_keys(key, nonce)
    tag = _gcmsiv_tag(auth, enc, nonce, ad, pt)
    return _gcmsiv_ctr(enc, tag, pt) + tag


def gcmsiv_decrypt(key, nonce, ad, data):
    """Returns the plaintext, or None when the tag does not verify."""
    _gcmsiv_check()
    if len(data) < 16 or len(nonce) != 12:
        return None
    auth, enc = _gcmsiv_keys(key, nonce)
    pt = _gcmsiv_ctr(enc, data[-16:], data[:-16])
    return pt if _gcmsiv_tag(auth, enc, nonce, ad, pt) == data[-16:] \
        else None


_gcmsiv_checked = False


def _gcmsiv_check():
    """Three examples of RFC 8452 Appendix C.1."""
    global _gcmsiv_checked
    if _gcmsiv_checked:
        return
    _gcmsiv_checked = True
    k = bytes([1]) + bytes(15)
    n = bytes([3]) + bytes(11)
    assert gcmsiv_encrypt(k, n, b"", b"").hex() == \
        "dc20e2d83f25705bb49e439eca56de25"
    assert gcmsiv_encrypt(k, n, b"", bytes([1]) + bytes(11)).hex() == \
        "7323ea61d05932260047d942a4978db357391a0bc4fdec8b0d106639"
    assert gcmsiv_encrypt(k, n, bytes([1]), bytes([2]) + bytes(7)).hex() \
        == "1e6daba35669f4273b0a1a2560969cdf790d99759abd1508"


AEAD_SIV, AEAD_GCMSIV = 15, 30


def aead_seal(alg, key, nonce, ad, pt):
    """The sealed output as RFC 8915 carries it: AES-SIV's V || C, or
    AES-128-GCM-SIV's C || tag.  AES-128-GCM-SIV has no output for a nonce
    that is not 12 bytes: random bytes of the length stand in, for tests of
    a server that must refuse such a request."""
    if alg == AEAD_SIV:
        return siv_encrypt(key, [ad, nonce], pt)
    if len(nonce) != 12:
        return os.urandom(len(pt) + 16)
    return gcmsiv_encrypt(key, nonce, ad, pt)


def aead_open(alg, key, nonce, ad, data):
    if alg == AEAD_SIV:
        return siv_decrypt(key, [ad, nonce], data)
    return gcmsiv_decrypt(key, nonce, ad, data)


def nonce_len(alg):
    return 16 if alg == AEAD_SIV else 12


def make_cookie(master, key_id, c2s, s2c, alg=AEAD_SIV):
    """chrony's server cookie: id || nonce || AEAD(master, "", nonce, keys);
    the nonce is 16 bytes under an AEAD 15 master key, 12 under AEAD 30."""
    nonce = os.urandom(nonce_len(alg))
    return struct.pack(">I", key_id) + nonce + \
        aead_seal(alg, master, nonce, b"", c2s + s2c)


def open_cookie(master, cookie, alg=AEAD_SIV):
    """Returns C2S || S2C, or None."""
    n = nonce_len(alg)
    if len(cookie) not in (4 + n + 16 + 32, 4 + n + 16 + 64):
        return None
    return aead_open(alg, master, cookie[4:4 + n], b"", cookie[4 + n:])


def ef(typ, body):
    return struct.pack(">HH", typ, 4 + len(body)) + body


def ntp_now():
    t = time.time()
    sec = int(t)
    return ((sec + NTP_UNIX) << 32) | int((t - sec) * (1 << 32))


def ntp_to_float(ts):
    return (ts >> 32) - NTP_UNIX + (ts & 0xFFFFFFFF) / (1 << 32)


class Session:
    """One NTS session: C2S/S2C keys and the cookies the server gave."""

    def __init__(self, master, key_id, cookies=1, master_alg=AEAD_SIV,
                 alg=AEAD_SIV):
        """master_alg: the master key's AEAD; alg: the session's."""
        klen = 32 if alg == AEAD_SIV else 16
        self.alg = alg
        self.c2s, self.s2c = os.urandom(klen), os.urandom(klen)
        self.cookies = [make_cookie(master, key_id, self.c2s, self.s2c,
                                    master_alg)
                        for _ in range(cookies)]

    def request(self, placeholders=0, inner=b"\x77\x77\x00\x04",
                uid=None, tx=None, nonce=None, cookie=None, version=4):
        """A mode 3 request; returns (packet, uid, tx). inner: the EFs
        to encrypt (never empty: pyca cannot SIV an empty plaintext, so the
        default is a 4-byte unknown EF, which RFC 8915 allows)."""
        uid = uid or os.urandom(32)
        tx = tx if tx is not None else ntp_now()
        nonce = nonce or os.urandom(nonce_len(self.alg))
        cookie = cookie if cookie is not None else self.cookies.pop(0)
        hdr = bytes([version << 3 | 3]) + bytes(39) + struct.pack(">Q", tx)
        body = hdr + ef(EF_UID, uid) + ef(EF_COOKIE, cookie)
        for _ in range(placeholders):
            body += ef(EF_PLACEHOLDER, bytes(len(cookie)))
        ct = aead_seal(self.alg, self.c2s, nonce, body, inner)
        auth = struct.pack(">HH", len(nonce), len(ct)) + \
            nonce.ljust((len(nonce) + 3) & ~3, b"\0") + \
            ct.ljust((len(ct) + 3) & ~3, b"\0")
        return body + ef(EF_AUTH, auth), uid, tx

    def check_reply(self, reply, uid, tx):
        """Verifies a reply; returns a dict, or raises ValueError."""
        if len(reply) < 48 or reply[0] & 7 != 4:
            raise ValueError("not a mode 4 reply")
        r = {
            "leap": reply[0] >> 6, "version": (reply[0] >> 3) & 7,
            "stratum": reply[1], "poll": reply[2],
            "precision": struct.unpack("b", reply[3:4])[0],
            "refid": reply[12:16],
            "origin": struct.unpack(">Q", reply[24:32])[0],
            "rx": struct.unpack(">Q", reply[32:40])[0],
            "tx": struct.unpack(">Q", reply[40:48])[0],
            "nak": False, "cookies": [],
        }
        if r["origin"] != tx:
            raise ValueError("origin timestamp is not our transmit time")
        off, uid_ok, auth = 48, False, None
        while off < len(reply):
            typ, n = struct.unpack(">HH", reply[off:off + 4])
            if n < 16 or n % 4 or off + n > len(reply):
                raise ValueError(f"bad EF at {off}")
            if typ == EF_UID and reply[off + 4:off + n] == uid:
                uid_ok = True
            if typ == EF_AUTH:
                if off + n != len(reply):
                    raise ValueError("authenticator is not last")
                auth = off
            off += n
        if not uid_ok:
            raise ValueError("unique identifier not echoed")
        if r["stratum"] == 0 and r["refid"] == KISS_NTSN:
            if auth is not None:
                raise ValueError("NAK with an authenticator")
            r["nak"] = True
            return r
        if auth is None:
            raise ValueError("no authenticator")
        nlen, clen = struct.unpack(">HH", reply[auth + 4:auth + 8])
        nonce = reply[auth + 8:auth + 8 + nlen]
        cstart = auth + 8 + ((nlen + 3) & ~3)
        pt = aead_open(self.alg, self.s2c, nonce, reply[:auth],
                       reply[cstart:cstart + clen])
        if pt is None:
            raise ValueError("reply authenticator does not verify")
        r["nonce"] = nonce
        off = 0
        while off < len(pt):
            typ, n = struct.unpack(">HH", pt[off:off + 4])
            if typ == EF_COOKIE:
                r["cookies"].append(pt[off + 4:off + n])
            off += n
        return r


def wait_until(fetch, done, what, secs=60):
    """Calls fetch() every 0.1 s until done(value); returns that value.
    Fails naming WHAT, with the last value, after SECS: tests wait for an
    event with a generous bound instead of sleeping."""
    end = time.monotonic() + secs
    while True:
        v = fetch()
        if done(v):
            return v
        assert time.monotonic() < end, f"never {what}: {v}"
        time.sleep(0.1)


def udp_socket(family, timeout=2.0):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    return s


def exchange(sock, addr, packet, timeout=2.0):
    """Sends one datagram; returns the reply, or None on timeout."""
    sock.settimeout(timeout)
    sock.sendto(packet, addr)
    try:
        data, _ = sock.recvfrom(4096)
        return data
    except socket.timeout:
        return None


def unanswerable(host="127.0.0.1", port=123):
    """Two valid plain requests no server may answer: one from source port
    0 (a raw UDP header, no checksum; needs root), one sent to lo's
    broadcast address 127.255.255.255.  Checks that nothing answers the
    second; the caller checks the counters."""
    req = bytes([0x23]) + bytes(47)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    raw.sendto(struct.pack(">HHHH", 0, port, 8 + len(req), 0) + req,
               (host, 0))
    raw.close()
    b = udp_socket(socket.AF_INET, timeout=1.0)
    b.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    b.sendto(req, ("127.255.255.255", port))
    try:
        got = b.recv(4096)
    except socket.timeout:
        got = None
    b.close()
    assert got is None, "a broadcast request was answered"


def write_ntskeys(path, keys, version=0, age=10.0):
    """keys: [(id, bytes)] oldest first, the next key last, in chrony's
    layout: NKS0 (AEAD 15 only), or NKS1 with each key's AEAD, which is 30
    for a 16-byte key."""
    lines = ["NKS0", f"15 {age:.1f}"] if version == 0 else \
        ["NKS1", f"{age:.1f}"]
    for kid, key in keys:
        lines.append(f"{kid:08X} {key.hex().upper()}" +
                     (f" {15 if len(key) == 32 else 30}" if version else ""))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_keys(base=0x1F21A13C):
    """Four keys in consecutive slots, oldest first; the third is current."""
    ids = [(base & ~3) + i for i in range(4)]
    return [(i, bytes([(i + j) & 0xFF for j in range(32)])) for i in ids]
