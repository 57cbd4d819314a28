#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Inside the UML kernel of scripts/uml-check.sh (KASAN, UBSAN, lockdep,
kmemleak; knts built in): drives every path of the glue from userspace as
kntsd and clients do, so that kmemleak's scan afterwards sees what each of
them allocated.  Exits non-zero, naming the step, when knts answers wrong."""
import errno
import os
import socket
import struct
import sys

from genl import Genl, K, nest, nla, u32, expect_errno
from ntsclient import Session, exchange, test_keys, udp_socket, open_cookie

V4, V6 = ("127.0.0.1", 123), ("::1", 123)
g = Genl("knts")
SET, DEL = K["KNTS_CMD_KEY_SET"], K["KNTS_CMD_KEY_DEL"]


def step(what):
    print(f"drive: {what}", flush=True)


def set_keys(keys, current):
    attrs = b"".join(nest(K["KNTS_A_KEY"], u32(K["KNTS_KEY_A_ID"], kid),
                          nla(K["KNTS_KEY_A_SECRET"], sec))
                     for kid, sec in keys)
    err, ext, _ = g.do(SET, attrs + u32(K["KNTS_A_KEY_CURRENT"], current))
    assert err == 0, (err, ext)


def nts(addr, key, n=1, placeholders=0):
    """n authenticated exchanges; returns the cookie counts."""
    kid, sec = key
    s = udp_socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET)
    sess = Session(sec, kid, cookies=n)
    counts = []
    for _ in range(n):
        pkt, uid, tx = sess.request(placeholders=placeholders)
        reply = exchange(s, addr, pkt)
        assert reply is not None, f"no reply from {addr}"
        r = sess.check_reply(reply, uid, tx)
        counts.append("nak" if r["nak"] else len(r["cookies"]))
        for c in r["cookies"]:
            assert open_cookie(sec, c) == sess.c2s + sess.s2c
    s.close()
    return counts


keys = test_keys()
step("keys and time status over netlink (kntsctl did the first)")
set_keys(keys, keys[2][0])
for addr in (V4, V6):
    step(f"NTS with 8 cookies over {addr[0]}")
    assert nts(addr, keys[2], 4, placeholders=7) == [8] * 4
    step(f"plain NTP over {addr[0]}")
    s = udp_socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET)
    r = exchange(s, addr, bytes([0x23]) + bytes(47))
    assert r is not None and len(r) == 48 and r[0] & 7 == 4
    step(f"malformed requests over {addr[0]}")
    for bad in (b"", bytes([0x23]) + bytes(20), bytes([0x23]) + bytes(47) +
                struct.pack(">HH", 0x0104, 4000), bytes([0x1b]) + bytes(47) +
                struct.pack(">HH", 0x0104, 8) + bytes(4)):
        s.sendto(bad, addr)
    s.close()

step("a cookie under an unknown key: NAK")
assert nts(V4, (keys[2][0] ^ 0x40, keys[2][1])) == ["nak"]

step("replacing the keys while a session holds cookies")
s = udp_socket(socket.AF_INET)
sess = Session(keys[3][1], keys[3][0], cookies=3)
new = [(kid, bytes(reversed(sec))) for kid, sec in keys]
set_keys(new[:2] + keys[2:], keys[3][0])
pkt, uid, tx = sess.request(placeholders=2)
r = sess.check_reply(exchange(s, V4, pkt), uid, tx)
assert not r["nak"] and len(r["cookies"]) == 3

step("deleting the current key, then every key")
err, ext, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], keys[3][0]))
assert err == 0, (err, ext)
pkt, uid, tx = sess.request()
assert sess.check_reply(exchange(s, V4, pkt), uid, tx)["nak"]
for kid, _ in keys[:3]:
    err, _, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], kid))
    assert err == 0
err, _, _ = g.do(DEL, u32(K["KNTS_A_KEY_ID"], keys[0][0]))
expect_errno(err, errno.ENOENT, "delete twice")
s.close()
set_keys(keys, keys[2][0])

step("the rate limiter: a flood from two sources, then the limit changed")
par = "/sys/module/knts/parameters/"
for name, val in (("ratelimit_rate", "2"), ("ratelimit_burst", "2")):
    with open(par + name, "w") as f:
        f.write(val)
for addr in (V4, V6):
    s = udp_socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET,
                   timeout=0.2)
    got = 0
    for _ in range(20):
        r = exchange(s, addr, bytes([0x23]) + bytes(47), 0.2)
        got += r is not None and r[1] != 0     # a RATE KoD has stratum 0
    assert 0 < got < 20, f"{addr[0]}: {got} of 20 answered under the limit"
    s.close()
with open(par + "ratelimit_rate", "w") as f:
    f.write("0")
assert nts(V4, keys[2], 2) == [1, 1]

step("done")
