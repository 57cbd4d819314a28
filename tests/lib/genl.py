# SPDX-License-Identifier: GPL-2.0
"""A raw generic netlink client for tests: sends exactly the attributes a
test wants (including ones kntsctl would refuse to send) and returns the
kernel's errno, extack message and reply attributes."""
import errno
import os
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000


def nla(atype, payload):
    """One attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + b"\0" * (-n % 4)


def u8(t, v):
    return nla(t, struct.pack("=B", v))


def s8(t, v):
    return nla(t, struct.pack("=b", v))


def s32(t, v):
    return nla(t, struct.pack("=i", v))


def u16(t, v):
    return nla(t, struct.pack("=H", v))


def u32(t, v):
    return nla(t, struct.pack("=I", v))


def u64(t, v):
    return nla(t, struct.pack("=Q", v))


def nest(t, *attrs):
    return nla(t | NLA_F_NESTED, b"".join(attrs))


def parse(buf):
    """{type: [payload, ...]} of a run of attributes."""
    out, off = {}, 0
    while off + 4 <= len(buf):
        n, t = struct.unpack_from("=HH", buf, off)
        if n < 4:
            break
        out.setdefault(t & 0x3FFF, []).append(buf[off + 4:off + n])
        off += (n + 3) & ~3
    return out


class Genl:
    def __init__(self, family=None, cap_ack=True):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        if cap_ack:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.raw = []   # every message received, as it came
        self.seq = 0
        self.family = None
        if family:
            err, _, replies = self.request(
                GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                nla(CTRL_ATTR_FAMILY_NAME, family.encode() + b"\0"))
            if err:
                raise OSError(-err, f"family {family}: {os.strerror(-err)}")
            self.family = struct.unpack(
                "=H", replies[0][CTRL_ATTR_FAMILY_ID][0])[0]

    def request(self, family, cmd, attrs=b"", flags=0, version=1,
                raw_header=None):
        """Returns (negative errno or 0, extack message, [reply attrs])."""
        self.seq += 1
        genl = raw_header if raw_header is not None else struct.pack(
            "=BBH", cmd, version, 0)
        body = genl + attrs
        hdr = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
        self.sock.send(hdr + body)
        replies, err, ext = [], None, None
        while err is None:
            data = self.sock.recv(65536)
            self.raw.append(data)
            off = 0
            while off + 16 <= len(data):
                n, typ, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
                msg = data[off + 16:off + n]
                off += (n + 3) & ~3
                if seq != self.seq:
                    continue
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from("=i", msg)[0]
                    if fl & NLM_F_ACK_TLVS:
                        tlv = parse(msg[20:])
                        if NLMSGERR_ATTR_MSG in tlv:
                            ext = tlv[NLMSGERR_ATTR_MSG][0].rstrip(
                                b"\0").decode()
                elif typ == NLMSG_DONE:
                    err = 0
                else:
                    replies.append(parse(msg[4:]))
        return err, ext, replies

    def do(self, cmd, attrs=b"", **kw):
        return self.request(self.family, cmd, attrs, **kw)


def expect_errno(got, want, what):
    if got != -want:
        raise AssertionError(f"{what}: expected {errno.errorcode[want]}, "
                             f"got {got}")


def uapi_constants(path=None):
    """Every enum constant of uapi/linux/knts.h, by name."""
    import re
    if path is None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "..", "uapi", "linux", "knts.h")
    consts = {}
    for m in re.finditer(r"enum\s+\w+\s*{([^}]*)}", open(path).read()):
        nxt = 0
        for item in m.group(1).split(","):
            name, _, expr = item.strip().partition("=")
            name, expr = name.strip(), expr.strip()
            if not name:
                continue
            if expr:
                nxt = eval(re.sub(r"\b([A-Z_]\w*)\b",
                                  lambda t: str(consts[t.group(1)]), expr))
            consts[name] = nxt
            nxt += 1
    return consts


K = uapi_constants()
