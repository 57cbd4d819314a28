# SPDX-License-Identifier: GPL-2.0
"""An NTS (RFC 8915) NTP client for tests, independent of knts's C code:
AES-SIV is built here from pyca/cryptography's AES-CMAC and AES-CTR (RFC
5297), checked on first use against pyca's own AESSIV; cookies are minted in
chrony's server format from a master key, as an NTS-KE server would."""
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


def make_cookie(master, key_id, c2s, s2c):
    """chrony's server cookie: id || nonce || SIV(master, ["", nonce], keys)."""
    nonce = os.urandom(16)
    return struct.pack(">I", key_id) + nonce + \
        siv_encrypt(master, [b"", nonce], c2s + s2c)


def open_cookie(master, cookie):
    """Returns C2S || S2C, or None."""
    if len(cookie) != 100:
        return None
    return siv_decrypt(master, [b"", cookie[4:20]], cookie[20:])


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

    def __init__(self, master, key_id, cookies=1):
        self.c2s, self.s2c = os.urandom(32), os.urandom(32)
        self.cookies = [make_cookie(master, key_id, self.c2s, self.s2c)
                        for _ in range(cookies)]

    def request(self, placeholders=0, inner=b"\x77\x77\x00\x04",
                uid=None, tx=None, nonce=None, cookie=None, version=4):
        """A mode 3 request; returns (packet, uid, tx). inner: the EFs
        to encrypt (never empty: pyca cannot SIV an empty plaintext, so the
        default is a 4-byte unknown EF, which RFC 8915 allows)."""
        uid = uid or os.urandom(32)
        tx = tx if tx is not None else ntp_now()
        nonce = nonce or os.urandom(16)
        cookie = cookie if cookie is not None else self.cookies.pop(0)
        hdr = bytes([version << 3 | 3]) + bytes(39) + struct.pack(">Q", tx)
        body = hdr + ef(EF_UID, uid) + ef(EF_COOKIE, cookie)
        for _ in range(placeholders):
            body += ef(EF_PLACEHOLDER, bytes(len(cookie)))
        ct = siv_encrypt(self.c2s, [body, nonce], inner)
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
        pt = siv_decrypt(self.s2c, [reply[:auth], nonce],
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
    """keys: [(id, 32 bytes)] oldest first, the next key last."""
    lines = ["NKS0", f"15 {age:.1f}"] if version == 0 else \
        ["NKS1", f"{age:.1f}"]
    for kid, key in keys:
        lines.append(f"{kid:08X} {key.hex().upper()}" +
                     (" 15" if version else ""))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_keys(base=0x1F21A13C):
    """Four keys in consecutive slots, oldest first; the third is current."""
    ids = [(base & ~3) + i for i in range(4)]
    return [(i, bytes([(i + j) & 0xFF for j in range(32)])) for i in ids]
