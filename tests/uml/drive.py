#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Inside the UML kernel of scripts/uml-check.sh (KASAN, UBSAN, lockdep,
kmemleak; knts built in): drives every path of the glue from userspace as
kntsd and clients do, so that kmemleak's scan afterwards sees what each of
them allocated.  The module serves nothing until it is handed sockets: this
binds them (127.0.0.1 and ::1, port 123), hands them over as kntsd does,
reads back what the module leaves on them, and takes them back at the end.
Exits non-zero, naming the step, when knts answers wrong."""
import errno
import select
import socket
import struct
import time

from genl import Genl, K, nest, nla, parse, u8, u32, expect_errno
from ntsclient import Session, exchange, test_keys, udp_socket, open_cookie

V4, V6 = ("127.0.0.1", 123), ("::1", 123)
g = Genl("knts")
SET, DEL = K["KNTS_CMD_KEY_SET"], K["KNTS_CMD_KEY_DEL"]
SOCK_ADD, SOCK_DEL = K["KNTS_CMD_SOCKET_ADD"], K["KNTS_CMD_SOCKET_DEL"]
SOCK_GET, CONFIG_SET = K["KNTS_CMD_SOCKET_GET"], K["KNTS_CMD_CONFIG_SET"]
PLAIN = bytes([0x23]) + bytes(47)


def step(what):
    print(f"drive: {what}", flush=True)


def family(addr):
    return socket.AF_INET6 if ":" in addr[0] else socket.AF_INET


def set_keys(keys, current):
    attrs = b"".join(nest(K["KNTS_A_KEY"], u32(K["KNTS_KEY_A_ID"], kid),
                          nla(K["KNTS_KEY_A_SECRET"], sec))
                     for kid, sec in keys)
    err, ext, _ = g.do(SET, attrs + u32(K["KNTS_A_KEY_CURRENT"], current))
    assert err == 0, (err, ext)


def status():
    err, ext, replies = g.do(K["KNTS_CMD_GET_STATUS"])
    assert err == 0, (err, ext)
    return replies[0]


def stats():
    return {t: struct.unpack("=Q", v[0])[0]
            for t, v in parse(status()[K["KNTS_A_STATS"]][0]).items()
            if t != K["KNTS_STAT_PAD"]}


def stat(name):
    return stats().get(K["KNTS_STAT_" + name], 0)


def config_set(**kw):
    """CONFIG_SET with the tunables named (require_nts=1, ...), as kntsctl
    config set sends them."""
    types = {"require_nts": u8, "ratelimit_rate": u32,
             "ratelimit_burst": u32, "ratelimit_kod": u8,
             "cookie_budget": u32}
    attrs = b"".join(types[k](K["KNTS_A_" + k.upper()], v)
                     for k, v in kw.items())
    err, ext, _ = g.do(CONFIG_SET, attrs)
    assert err == 0, (err, ext)
    st = status()
    for k, v in kw.items():
        got = st[K["KNTS_A_" + k.upper()]][0]
        assert int.from_bytes(got, "little") == v, (k, got, v)


def server_socket(addr):
    """A UDP socket bound as kntsd binds its own."""
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if family(addr) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(addr)
    s.setblocking(False)
    return s


def sock_desc(payload):
    a = parse(payload)
    return {
        "id": struct.unpack("=I", a[K["KNTS_SOCK_A_ID"]][0])[0],
        "family": struct.unpack("=H", a[K["KNTS_SOCK_A_FAMILY"]][0])[0],
        "addr": a[K["KNTS_SOCK_A_ADDR"]][0],
        "port": struct.unpack("=H", a[K["KNTS_SOCK_A_PORT"]][0])[0],
        "ifindex": struct.unpack("=I", a[K["KNTS_SOCK_A_IFINDEX"]][0])[0],
    }


def socket_add(fd):
    """SOCKET_ADD of descriptor fd: (errno, extack, description)."""
    err, ext, replies = g.do(SOCK_ADD, nest(K["KNTS_A_SOCKET"],
                                            u32(K["KNTS_SOCK_A_FD"], fd)))
    desc = None
    if not err:
        desc = sock_desc(replies[0][K["KNTS_A_SOCKET"]][0])
    return err, ext, desc


def sockets():
    err, ext, replies = g.do(SOCK_GET)
    assert err == 0, (err, ext)
    return sorted((sock_desc(p) for p in
                   replies[0].get(K["KNTS_A_SOCKET"], [])),
                  key=lambda d: d["id"])


def socket_del(sid=None):
    """SOCKET_DEL of one id, or of every socket; returns the errno."""
    if sid is None:
        attrs = nla(K["KNTS_A_ALL"], b"")
    else:
        attrs = nest(K["KNTS_A_SOCKET"], u32(K["KNTS_SOCK_A_ID"], sid))
    return g.do(SOCK_DEL, attrs)[0]


def drain(s, want, secs=2.0):
    """What waits on server socket s: want datagrams, or what came in
    secs."""
    got, end = [], time.monotonic() + secs
    while len(got) < want:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        got.append(s.recv(4096))
    try:
        got.append(s.recv(4096))        # one too many: none expected
    except BlockingIOError:
        pass
    return got


def nts(addr, key, n=1, placeholders=0):
    """n authenticated exchanges; returns the cookie counts."""
    kid, sec = key
    s = udp_socket(family(addr))
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


step("nothing served before the sockets are handed over")
assert sockets() == [], sockets()
s = udp_socket(socket.AF_INET, timeout=0.3)
assert exchange(s, V4, PLAIN, 0.3) is None, "answered without a socket"
s.close()

step("handing over sockets bound to 127.0.0.1 and ::1, port 123")
srv = {addr: server_socket(addr) for addr in (V4, V6)}
desc = {}
for addr, ss in srv.items():
    err, ext, desc[addr] = socket_add(ss.fileno())
    assert err == 0, (addr, err, ext)
    d = desc[addr]
    assert d["family"] == family(addr), d
    assert d["addr"] == socket.inet_pton(family(addr), addr[0]), d
    assert d["port"] == 123 and d["ifindex"] == 0, d
assert sockets() == sorted(desc.values(), key=lambda d: d["id"]), sockets()
st = status()
assert K["KNTS_A_LISTEN_IPV4"] in st and K["KNTS_A_LISTEN_IPV6"] in st
assert K["KNTS_A_PORT"] not in st

step("what is refused: a served socket again, a file, no descriptor")
err, ext, _ = socket_add(srv[V4].fileno())
expect_errno(err, errno.EBUSY, "socket add twice")
with open("/dev/null") as f:
    err, ext, _ = socket_add(f.fileno())
expect_errno(err, errno.ENOTSOCK, "socket add of /dev/null")
assert ext, "no reason given for a descriptor that is no socket"
err, _, _ = socket_add(1000)
expect_errno(err, errno.EBADF, "socket add of a closed descriptor")
assert len(sockets()) == 2

keys = test_keys()
step("keys and time status over netlink (kntsctl did the first)")
set_keys(keys, keys[2][0])
step("a key of 33 bytes: EINVAL, with a reason")
err, ext, _ = g.do(SET, nest(K["KNTS_A_KEY"], u32(K["KNTS_KEY_A_ID"], 7),
                             nla(K["KNTS_KEY_A_SECRET"], bytes(33))))
expect_errno(err, errno.EINVAL, "33-byte key")
assert ext and "32 bytes" in ext, ext

for addr in (V4, V6):
    step(f"NTS with 8 cookies over {addr[0]}")
    assert nts(addr, keys[2], 4, placeholders=7) == [8] * 4
    step(f"plain NTP over {addr[0]}")
    s = udp_socket(family(addr))
    r = exchange(s, addr, PLAIN)
    assert r is not None and len(r) == 48 and r[0] & 7 == 4
    step(f"malformed requests over {addr[0]}: left on the socket")
    up = stat("PASSED_UP")
    bads = [b"", bytes([0x23]) + bytes(20), PLAIN +
            struct.pack(">HH", 0x0104, 4000), bytes([0x1b]) + bytes(47) +
            struct.pack(">HH", 0x0104, 8) + bytes(4)]
    for bad in bads:
        s.sendto(bad, addr)
    got = drain(srv[addr], len(bads))
    assert got == bads, (addr, got)
    assert stat("PASSED_UP") == up + len(bads)
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
config_set(ratelimit_rate=2, ratelimit_burst=2)
for addr in (V4, V6):
    s = udp_socket(family(addr), timeout=0.2)
    got = 0
    for _ in range(20):
        r = exchange(s, addr, PLAIN, 0.2)
        got += r is not None and r[1] != 0     # a RATE KoD has stratum 0
    assert 0 < got < 20, f"{addr[0]}: {got} of 20 answered under the limit"
    s.close()

step("the rate limiter with kiss-o'-death")
kods = stat("KODS")
config_set(ratelimit_rate=1, ratelimit_burst=1, ratelimit_kod=1)
s = udp_socket(socket.AF_INET, timeout=0.5)
replies = [exchange(s, V4, PLAIN, 0.5) for _ in range(4)]
s.close()
rate = [r for r in replies if r and r[1] == 0 and r[12:16] == b"RATE"]
assert rate, replies
assert stat("KODS") == kods + len(rate)
config_set(ratelimit_rate=0, ratelimit_burst=8, ratelimit_kod=0)
assert nts(V4, keys[2], 2) == [1, 1]

step("require-nts: plain requests dropped, NTS served")
not_nts = stat("DROP_NOT_NTS")
config_set(require_nts=1)
s = udp_socket(socket.AF_INET6, timeout=0.3)
assert exchange(s, V6, PLAIN, 0.3) is None, "plain answered under require-nts"
s.close()
assert stat("DROP_NOT_NTS") == not_nts + 1
assert nts(V6, keys[2]) == [1]
config_set(require_nts=0)

step("one socket taken back by id: its datagrams are its reader's again")
v4, v6 = desc[V4]["id"], desc[V6]["id"]
assert socket_del(v6) == 0
assert [d["id"] for d in sockets()] == [v4]
expect_errno(socket_del(v6), errno.ENOENT, "socket del twice")
s = udp_socket(socket.AF_INET6, timeout=0.3)
assert exchange(s, V6, PLAIN, 0.3) is None, "answered after socket del"
s.close()
assert drain(srv[V6], 1) == [PLAIN]
assert nts(V4, keys[2]) == [1]

step("every socket taken back")
assert socket_del() == 0
assert sockets() == []
s = udp_socket(socket.AF_INET, timeout=0.3)
assert exchange(s, V4, PLAIN, 0.3) is None, "answered after socket del all"
s.close()
assert drain(srv[V4], 1) == [PLAIN]
st = status()
assert K["KNTS_A_LISTEN_IPV4"] not in st and K["KNTS_A_LISTEN_IPV6"] not in st
for ss in srv.values():
    ss.close()

step("done")
