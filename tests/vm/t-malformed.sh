#!/bin/bash
# The malformed-packet battery, over IPv4 and IPv6: truncations at every
# offset, EF length overflows, zero-length EFs, wrong cookie sizes, unknown
# key ids, bad tags, too many placeholders, modes 0-7, tiny and jumbo
# datagrams, requests from port 0 or to the broadcast address; and for an
# AEAD 30 master key and AEAD 30 sessions: truncations, cookie lengths and
# tags, authenticator tags and nonce lengths.  Each is dropped or NAKed
# and counted under its cause, or, when it is no client request the module
# can parse, left on the socket for its reader (the battery's own server
# socket here, read back) and counted as passed up; a valid request after
# each one is still answered; the counters add up.
. "$(dirname "$0")/lib.sh"

knts_load
tmp=$(mktemp -d)
test_keys_file "$tmp/ntskeys"
"$KNTSCTL" keys import "$tmp/ntskeys" >/dev/null || fail "keys import"
# An AEAD 30 key (32 hex digits) in slot 0, which the battery's AEAD 15
# requests do not use.
umask 077
echo 303132333435363738393A3B3C3D3E3F > "$tmp/key30"
"$KNTSCTL" keys set 30303030 "$tmp/key30" || fail "keys set (AEAD 30)"
"$KNTSCTL" time set stratum 2 || fail "time set"

# The battery over IPv4, then over IPv6 (the counters are compared as
# differences, so the second run checks only its own packets).
cat > "$tmp/battery.py" <<'PY'
import json, os, socket, struct, subprocess, sys
from collections import Counter
from genl import Genl, K, nest, parse, u32
from ntsclient import *

KNTSCTL = os.environ["KNTSCTL"]
keys = test_keys()
master_id, master = keys[2]
host = sys.argv[1]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
sock = udp_socket(fam, timeout=5)
addr = (host, 123)

# The module's socket for the battery's address, held here too, as kntsd
# holds its own: what the module passes up is read back from it.  (More
# specific than kntsctl's wildcard sockets, it gets every packet to host.)
g = Genl("knts")
srv = socket.socket(fam, socket.SOCK_DGRAM)
if fam == socket.AF_INET6:
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
srv.bind(addr)
srv.setblocking(False)
err, ext, rep = g.do(K["KNTS_CMD_SOCKET_ADD"],
                     nest(K["KNTS_A_SOCKET"], u32(K["KNTS_SOCK_A_FD"], srv.fileno())))
assert err == 0, (err, ext)
srv_id = struct.unpack("=I", parse(rep[0][K["KNTS_A_SOCKET"]][0])[K["KNTS_SOCK_A_ID"]][0])[0]

def passed_up():
    """The datagrams the module left on the server socket."""
    n = 0
    while True:
        try:
            srv.recv(4096)
        except BlockingIOError:
            return n
        n += 1
expect = Counter()
probe_sess = Session(master, master_id, cookies=0)

def stats():
    return json.loads(subprocess.check_output([KNTSCTL, "-j", "serverstats"]))

def send(pkt, outcome, counter=None):
    """outcome: drop, nak, plain or auth; counter: the cause's counter."""
    sock.sendto(pkt, addr)
    # A valid probe right after: whatever arrives before its reply answers
    # the packet under test (loopback keeps the order).
    probe_sess.cookies = [make_cookie(master, master_id, probe_sess.c2s,
                                      probe_sess.s2c)]
    probe, puid, ptx = probe_sess.request()
    sock.sendto(probe, addr)
    got = []
    while True:
        data = sock.recv(4096)
        if len(data) >= 84 and data[52:84] == puid:
            probe_sess.check_reply(data, puid, ptx)
            break
        got.append(data)
    expect["rx"] += 2
    expect["auth"] += 1
    if outcome == "drop":
        assert not got, f"{counter}: answered {got[0][:4].hex()}"
        # The probe's reply came after the packet was handled.
        if passed_up():
            expect["passed"] += 1
            return got
        expect["dropped"] += 1
    else:
        assert len(got) == 1, f"{outcome}: {len(got)} replies"
        assert len(got[0]) <= max(len(pkt), 48), "reply longer than request"
        if outcome == "nak":
            assert got[0][1] == 0 and got[0][12:16] == b"NTSN", got[0][:16]
        elif outcome == "plain":
            assert len(got[0]) == 48 and got[0][1] == 2
        elif outcome == "auth":
            assert got[0][1] == 2 and len(got[0]) == len(pkt)
    expect[outcome] += 1
    if counter:
        expect[counter] += 1
    return got

base_stats = stats()
sess = Session(master, master_id, cookies=0)
def valid(placeholders=1, **kw):
    sess.cookies = [make_cookie(master, master_id, sess.c2s, sess.s2c)]
    return sess.request(placeholders=placeholders, **kw)

pkt, uid, tx = valid()
# Truncations at every offset.
for cut in range(len(pkt)):
    if cut == 48:
        send(pkt[:cut], "plain")
    elif cut < 48 or cut % 4:
        send(pkt[:cut], "drop", "dropped_size")
    else:
        send(pkt[:cut], "drop", "dropped_malformed")
# EF length overflows and zero / short lengths, in every EF.
offs, off = [], 48
while off < len(pkt):
    offs.append(off)
    off += struct.unpack(">H", pkt[off + 2:off + 4])[0]
for off in offs:
    for bad in (0, 4, 12, 14, len(pkt) - off + 4, 0xfffc):
        p = bytearray(pkt)
        struct.pack_into(">H", p, off + 2, bad)
        send(bytes(p), "drop", "dropped_malformed")
# A zero-length EF inserted before the authenticator.
p = pkt[:offs[-1]] + struct.pack(">HH", 0x7777, 0) + pkt[offs[-1]:]
send(p, "drop", "dropped_malformed")
# Wrong cookie sizes (placeholders to match): NAK, bad length.
for size in (96, 104, 200):
    c = make_cookie(master, master_id, sess.c2s, sess.s2c)
    c = (c + bytes(size))[:size]
    p, _, _ = sess.request(placeholders=1, cookie=c)
    send(p, "nak", "cookie_bad_length")
# Unknown key id: NAK.
c = bytearray(make_cookie(master, master_id, sess.c2s, sess.s2c))
struct.pack_into(">I", c, 0, 0x12345678)
p, _, _ = sess.request(cookie=bytes(c))
send(p, "nak", "cookie_unknown_key")
# Bad tags: in the cookie, then in the authenticator.
for i in (4, 20, 50, 99):
    c = bytearray(make_cookie(master, master_id, sess.c2s, sess.s2c))
    c[i] ^= 0x40
    p, _, _ = sess.request(cookie=bytes(c))
    send(p, "nak", "cookie_bad_tag")
p = bytearray(valid()[0])
p[offs[-1] + 8 + 16] ^= 1
send(bytes(p), "nak", "authenticator_failures")
p = bytearray(valid()[0])
p[2] ^= 1          # the header is authenticated too
send(bytes(p), "nak", "authenticator_failures")
# Placeholders: up to 7 the RFC's limit, 8 and 9 capped at 8 cookies,
# 10 too long for the server.
for n in range(0, 10):
    got = send(valid(placeholders=n)[0], "auth")
for n in (10, 12):
    send(valid(placeholders=n)[0], "drop", "dropped_size")
# Modes 0-7: only 3 is answered.
for mode in range(8):
    p = bytearray(valid()[0])
    p[0] = (p[0] & ~7) | mode
    if mode == 3:
        send(bytes(p), "auth")
    else:
        send(bytes(p), "drop", "dropped_mode")
# Tiny and jumbo datagrams.
for n in (1, 4, 47):
    send(bytes([0x23]) + bytes(n - 1), "drop", "dropped_size")
for n in (1236, 1500, 4000, 9000):
    send(bytes([0x23]) + bytes(n - 1), "drop", "dropped_size")
# Garbage after a valid header-only request (not a MAC): malformed.
send(bytes([0x23]) + bytes(47) + bytes(16), "drop", "dropped_malformed")
# AEAD 30: a master key of AEAD 30 and AEAD 30 sessions.
k30_id, k30 = 0x30303030, bytes(range(0x30, 0x40))
s30 = Session(k30, k30_id, cookies=0, master_alg=AEAD_GCMSIV, alg=AEAD_GCMSIV)
def valid30(placeholders=1, **kw):
    s30.cookies = [make_cookie(k30, k30_id, s30.c2s, s30.s2c, AEAD_GCMSIV)]
    return s30.request(placeholders=placeholders, **kw)
p30 = valid30()[0]
offs30, off = [], 48
while off < len(p30):
    offs30.append(off)
    off += struct.unpack(">H", p30[off + 2:off + 4])[0]
for cut in range(52, len(p30), 4):
    send(p30[:cut], "drop", "dropped_malformed")
for n in (0, 1, 7):
    send(valid30(placeholders=n)[0], "auth")
# Lengths of other layouts under an AEAD 30 key: NAK, bad length.
for size in (60, 68, 100):
    c = make_cookie(k30, k30_id, s30.c2s, s30.s2c, AEAD_GCMSIV)
    p, _, _ = s30.request(placeholders=1, cookie=(c + bytes(size))[:size])
    send(p, "nak", "cookie_bad_length")
# The cookie's nonce, ciphertext and tag.
for i in (4, 20, 63):
    c = bytearray(make_cookie(k30, k30_id, s30.c2s, s30.s2c, AEAD_GCMSIV))
    c[i] ^= 0x40
    p, _, _ = s30.request(cookie=bytes(c))
    send(p, "nak", "cookie_bad_tag")
# The authenticator's ciphertext, and a 16-byte nonce (GCM-SIV takes 12).
p = bytearray(valid30()[0])
p[offs30[-1] + 8 + 12] ^= 1
send(bytes(p), "nak", "authenticator_failures")
send(valid30(nonce=bytes(16))[0], "nak", "authenticator_failures")
# Too little nonce room: 8 bytes for AEAD 30, 12 unpadded for AEAD 15.
send(valid30(nonce=bytes(8))[0], "drop", "dropped_malformed")
send(valid(nonce=bytes(12))[0], "drop", "dropped_malformed")
# Not answerable (IPv4): from source port 0 (a raw UDP header, no
# checksum), and sent to the broadcast address.
if ":" not in host:
    unanswerable(host)
    for what in ("rx", "dropped", "dropped_malformed"):
        expect[what] += 2
    wait_until(stats, lambda s: s["ntp_packets_received"] -
               base_stats["ntp_packets_received"] >= expect["rx"],
               "the port 0 and broadcast requests")

s = stats()
d = {k: s[k] - base_stats[k] for k in s}
print(json.dumps(d))
print(dict(expect))
checks = {
    "ntp_packets_received": expect["rx"],
    "ntp_packets_dropped": expect["dropped"],
    "authenticated_ntp_packets": expect["auth"],
    "unauthenticated_ntp_replies": expect["plain"],
    "nts_naks_sent": expect["nak"],
    "dropped_size": expect["dropped_size"],
    "dropped_malformed": expect["dropped_malformed"],
    "dropped_mode": expect["dropped_mode"],
    "cookie_bad_length": expect["cookie_bad_length"],
    "cookie_unknown_key": expect["cookie_unknown_key"],
    "cookie_bad_tag": expect["cookie_bad_tag"],
    "authenticator_failures": expect["authenticator_failures"],
    "dropped_tx": 0,
    "ntp_passed_to_userspace": expect["passed"],
}
bad = {k: (d[k], v) for k, v in checks.items() if d[k] != v}
assert not bad, f"counters (got, want): {bad}"
print(f"{host}: {expect['rx']} datagrams ({expect['passed']} passed up), counters agree")
err, ext, _ = g.do(K["KNTS_CMD_SOCKET_DEL"],
                   nest(K["KNTS_A_SOCKET"], u32(K["KNTS_SOCK_A_ID"], srv_id)))
assert err == 0, (err, ext)
PY
python3 "$tmp/battery.py" 127.0.0.1 || fail "the battery over IPv4"
python3 "$tmp/battery.py" ::1 || fail "the battery over IPv6"
rm -rf "$tmp"
