// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kernel glue under the UML build's sanitizers (KASAN, UBSAN,
 * lockdep, PROVE_RCU).  Each test hands the initial namespace's server UDP
 * sockets of its own, bound to 127.0.0.1 and ::1 as kntsd binds its own,
 * and takes them back at its end.  Real UDP requests go over UML's loopback
 * to them, through the receive path, the key table, the rate limiter and
 * the counters; what is no NTP client request stays on the socket for its
 * reader; the netlink commands are driven through a generic netlink socket
 * as kntsd and kntsctl drive them, keys replaced while requests keep
 * coming; and the sockets are taken back and fresh ones handed over while
 * a client floods them.  Master keys and sessions of both AEADs (15 and 30)
 * go through the same path, the fresh cookies under the current key unless
 * its cookies would be longer than the request's.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "core/cookie.h"
#include "core/nts_client.h"
#include "core/test_util.h"
#include "knts.h"
#include "socket.h"
#include "stats.h"
#include "uapi/linux/knts.h"

#define BUF_LEN		2048
#define KEY_ID		0x1f21a13e
#define OTHER_ID	0x1f21a13f	/* the next slot */
#define UID_LEN		32

static const u8 secret[KNTS_SIV_KEY_LEN] = { [0] = 0x11, [31] = 0x22 };
static const u8 other_secret[KNTS_SIV_KEY_LEN] = { [0] = 0x33, [31] = 0x44 };
static const u8 secret30[KNTS_GCMSIV_KEY_LEN] = { [0] = 0x55, [15] = 0x66 };

/* One AEAD instance of either algorithm, with its own scratch. */
struct side {
	struct knts_siv siv;
	struct knts_aes128 kgk, mek;
	struct knts_aead a;
};

/* A client's UDP socket on loopback, and where it sends. */
struct peer {
	struct socket *udp;
	struct sockaddr_storage to;
	int to_len;
};

/* The families of the server's sockets, by index in &struct glue. */
static const int families[] = { AF_INET, AF_INET6 };

struct flood;

/*
 * One test: the server's sockets (127.0.0.1 and ::1 on one port), one
 * client (a UDP socket on loopback, the master keys it mints cookies with,
 * the server's, AEAD 15 and AEAD 30, its session and buffers), and the
 * netlink socket it administers the server with.
 */
struct glue {
	struct knts_server *srv;
	struct knts_config cfg;
	u16 port;
	struct socket *ssock[ARRAY_SIZE(families)];
	u32 sid[ARRAY_SIZE(families)];
	struct peer c;
	struct flood *flood;
	struct side master, master30, c2s, s2c;
	u8 uid[UID_LEN];
	u8 *req, *reply, *cookie, *keys;
	unsigned int cookie_len;
	struct socket *nl;
	u16 family;
	u32 seq;
	unsigned int placeholders;
};

static int side_key(struct side *s, u16 alg, const u8 *key)
{
	bool simd;
	int err;

	s->a = (struct knts_aead){
		.alg = alg, .siv = &s->siv, .kgk = &s->kgk, .mek = &s->mek,
	};
	simd = knts_siv_begin();
	err = knts_aead_setkey(&s->a, key, knts_aead_key_len(alg), simd);
	knts_siv_end(simd);
	return err;
}

/* --- UDP over loopback --- */

/* @family's loopback address, port @port; returns its length. */
static int loopback(struct sockaddr_storage *ss, int family, u16 port)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->sin_port = htons(port);
		return sizeof(*a);
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_addr = in6addr_loopback;
	a6->sin6_port = htons(port);
	return sizeof(*a6);
}

/*
 * To the server's @port, from ::1, or from 127.0.0.@host (each a rate
 * limiter bucket of its own).
 */
static int peer_open(struct peer *p, u16 port, int family, u8 host)
{
	struct sockaddr_storage me;
	int err, len;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP,
			       &p->udp);
	if (err)
		return err;
	p->to_len = loopback(&p->to, family, port);
	len = loopback(&me, family, 0);
	if (family == AF_INET)
		((struct sockaddr_in *)&me)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK - 1 + host);
	p->udp->sk->sk_rcvtimeo = HZ / 2;
	return kernel_bind(p->udp, (struct sockaddr *)&me, len);
}

static void peer_close(struct peer *p)
{
	if (p->udp)
		sock_release(p->udp);
	p->udp = NULL;
}

static int peer_send(struct peer *p, const u8 *buf, unsigned int len)
{
	struct msghdr msg = { .msg_name = &p->to, .msg_namelen = p->to_len };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(p->udp, &msg, &iov, 1, len);
}

/* Return: the datagram's length, or -EAGAIN when none came (in time). */
static int sock_recv(struct socket *sock, u8 *buf, unsigned int cap,
		     int flags)
{
	struct msghdr msg = {};
	struct kvec iov = { .iov_base = buf, .iov_len = cap };

	return kernel_recvmsg(sock, &msg, &iov, 1, cap, flags);
}

/* The test's client, to the server's sockets. */
static int udp_open(struct glue *g, int family, u8 host)
{
	return peer_open(&g->c, g->port, family, host);
}

static void udp_close(struct glue *g)
{
	peer_close(&g->c);
}

static int udp_send(struct glue *g, const u8 *buf, unsigned int len)
{
	return peer_send(&g->c, buf, len);
}

static int udp_recv(struct glue *g, u8 *buf, unsigned int cap)
{
	return sock_recv(g->c.udp, buf, cap, 0);
}

/* --- NTS requests as a client makes them --- */

static u64 counter(enum knts_stat s)
{
	u64 sum[__KNTS_STAT_MAX];

	knts_stats_sum(knts_server(&init_net), sum);
	return sum[s];
}

/*
 * A fresh session of AEAD @alg: its keys, and a cookie under @master (an
 * AEAD 15 or AEAD 30 master key) with @id.
 */
static int session_of(struct glue *g, struct side *master, u32 id, u16 alg)
{
	unsigned int klen = 2 * knts_aead_key_len(alg);
	u8 *keys = g->cookie + knts_cookie_keys_off(master->a.alg);
	int err;

	get_random_bytes(keys, klen);
	err = side_key(&g->c2s, alg, keys);
	if (!err)
		err = side_key(&g->s2c, alg, keys + klen / 2);
	if (!err)
		err = knts_cookie_seal(&master->a, id, g->cookie, klen);
	g->cookie_len = knts_cookie_len(master->a.alg, klen);
	return err;
}

/* An AEAD 15 session, as chrony 4.3 has them. */
static int session(struct glue *g, struct side *master, u32 id)
{
	return session_of(g, master, id, KNTS_AEAD_AES_SIV_CMAC_256);
}

static int request(struct glue *g, u64 tx)
{
	u8 nonce[KNTS_AEAD_MAX_NONCE_LEN];

	get_random_bytes(g->uid, sizeof(g->uid));
	get_random_bytes(nonce, sizeof(nonce));
	return knts_client_request(g->req, BUF_LEN, g->uid, UID_LEN, g->cookie,
				   g->cookie_len, g->placeholders, &g->c2s.a,
				   nonce, tx);
}

/*
 * One NTS exchange.  Return: 1 when a verified reply came, 0 for a NAK,
 * -EAGAIN when nothing came, another negative errno for a bad reply.
 */
static int exchange(struct kunit *test, struct glue *g,
		    struct knts_client_reply *r)
{
	u64 tx = get_random_u64();
	int len, n;

	len = request(g, tx);
	if (len < 0)
		return len;
	n = udp_send(g, g->req, len);
	if (n != len)
		return n < 0 ? n : -EIO;
	n = udp_recv(g, g->reply, BUF_LEN);
	if (n < 0)
		return n;
	KUNIT_EXPECT_LE(test, n, len);	/* never longer than the request */
	n = knts_client_reply(g->reply, n, g->uid, UID_LEN, tx, &g->s2c.a, r);
	if (n)
		return n;
	return r->nak ? 0 : 1;
}

/* --- generic netlink, as kntsd speaks it --- */

static int nl_open(struct glue *g)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	struct file *file;
	int err;

	err = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC,
			       &g->nl);
	if (err)
		return err;
	/*
	 * GENL_ADMIN_PERM asks the sender's file for CAP_NET_ADMIN: give the
	 * socket one, opened with this (kernel) thread's credentials.
	 */
	file = sock_alloc_file(g->nl, 0, NULL);
	if (IS_ERR(file)) {
		g->nl = NULL;	/* sock_alloc_file released it */
		return PTR_ERR(file);
	}
	g->nl->sk->sk_rcvtimeo = HZ;
	return kernel_bind(g->nl, (struct sockaddr *)&me, sizeof(me));
}

static void nl_close(struct glue *g)
{
	if (g->nl)
		fput(g->nl->file);
	g->nl = NULL;
}

/* Sends @skb (a netlink message) and returns the ack's errno. */
static int nl_transact(struct glue *g, struct sk_buff *skb, struct sk_buff **reply)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct msghdr msg = { .msg_name = &kernel, .msg_namelen = sizeof(kernel) };
	struct kvec iov = { .iov_base = skb->data, .iov_len = skb->len };
	struct nlmsghdr *nlh;
	u8 *buf;
	int n, err;

	n = kernel_sendmsg(g->nl, &msg, &iov, 1, skb->len);
	kfree_skb(skb);
	if (n < 0)
		return n;
	buf = kmalloc(8192, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct msghdr rmsg = {};
		struct kvec riov = { .iov_base = buf, .iov_len = 8192 };

		n = kernel_recvmsg(g->nl, &rmsg, &riov, 1, 8192, 0);
		if (n < 0) {
			err = n;
			break;
		}
		nlh = (struct nlmsghdr *)buf;
		if (!nlmsg_ok(nlh, n)) {
			err = -EPROTO;
			break;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			err = ((struct nlmsgerr *)nlmsg_data(nlh))->error;
			break;
		}
		/* A reply before the ack: kept for the caller. */
		if (reply && !*reply) {
			*reply = alloc_skb(nlh->nlmsg_len, GFP_KERNEL);
			if (*reply)
				skb_put_data(*reply, nlh, nlh->nlmsg_len);
		}
	}
	kfree(buf);
	return err;
}

/* A request to generic netlink family @type, acked. */
static struct sk_buff *nl_msg(struct glue *g, u16 type, u8 cmd)
{
	struct genl_family fam = { .id = type, .version = KNTS_FAMILY_VERSION };
	struct sk_buff *skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return NULL;
	if (!genlmsg_put(skb, 0, ++g->seq, &fam, NLM_F_REQUEST | NLM_F_ACK,
			 cmd)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

static int nl_resolve(struct glue *g)
{
	struct sk_buff *skb = nl_msg(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	struct sk_buff *reply = NULL;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	int err;

	if (!skb)
		return -ENOMEM;
	if (nla_put_string(skb, CTRL_ATTR_FAMILY_NAME, KNTS_FAMILY_NAME)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlmsg_hdr(skb));
	err = nl_transact(g, skb, &reply);
	if (err)
		goto out;
	err = -ENOENT;
	if (!reply)
		goto out;
	err = nlmsg_parse_deprecated((struct nlmsghdr *)reply->data,
				     GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL, NULL);
	if (!err && tb[CTRL_ATTR_FAMILY_ID])
		g->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	else if (!err)
		err = -ENOENT;
out:
	kfree_skb(reply);
	return err;
}

/*
 * KNTS_CMD_KEY_SET with one key of @aead, optionally made current; @aead 0
 * sends no AEAD attribute, as kntsd sends chrony 4.3's keys (AEAD 15).
 */
static int nl_key_set_aead(struct glue *g, u32 id, u16 aead, const u8 *key,
			   unsigned int len, bool make_current)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_KEY_SET);
	struct nlattr *nest;

	if (!skb)
		return -ENOMEM;
	nest = nla_nest_start(skb, KNTS_A_KEY);
	if (!nest || nla_put_u32(skb, KNTS_KEY_A_ID, id) ||
	    (aead && nla_put_u16(skb, KNTS_KEY_A_AEAD, aead)) ||
	    nla_put(skb, KNTS_KEY_A_SECRET, len, key)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	if (make_current && nla_put_u32(skb, KNTS_A_KEY_CURRENT, id)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlmsg_hdr(skb));
	return nl_transact(g, skb, NULL);
}

/* An AEAD 15 key, as kntsd sends chrony 4.3's keys: no AEAD attribute. */
static int nl_key_set(struct glue *g, u32 id, const u8 *key, bool make_current)
{
	return nl_key_set_aead(g, id, 0, key, KNTS_SIV_KEY_LEN, make_current);
}

static int nl_key_del(struct glue *g, u32 id)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_KEY_DEL);

	if (!skb)
		return -ENOMEM;
	if (nla_put_u32(skb, KNTS_A_KEY_ID, id)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlmsg_hdr(skb));
	return nl_transact(g, skb, NULL);
}

/* KNTS_CMD_TIME_SET: synchronised at @stratum, stale after a minute. */
static int nl_time_set(struct glue *g, u8 stratum)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_TIME_SET);
	struct nlattr *nest;

	if (!skb)
		return -ENOMEM;
	nest = nla_nest_start(skb, KNTS_A_TIME);
	if (!nest || nla_put_u8(skb, KNTS_TIME_A_LEAP, 0) ||
	    nla_put_u8(skb, KNTS_TIME_A_STRATUM, stratum) ||
	    nla_put_u32(skb, KNTS_TIME_A_STALE_AFTER, 60)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	nlmsg_end(skb, nlmsg_hdr(skb));
	return nl_transact(g, skb, NULL);
}

/* KNTS_CMD_CONFIG_SET with every tunable, as kntsctl config set sends. */
static int nl_config_set(struct glue *g, const struct knts_config *cfg)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_CONFIG_SET);

	if (!skb)
		return -ENOMEM;
	if (nla_put_u8(skb, KNTS_A_REQUIRE_NTS, cfg->require_nts) ||
	    nla_put_u64_64bit(skb, KNTS_A_RATELIMIT_INTERVAL_NS,
			      cfg->rl_interval_ns, KNTS_A_PAD) ||
	    nla_put_u32(skb, KNTS_A_RATELIMIT_BURST, cfg->rl_burst) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_LEAK, cfg->rl_leak) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_PREFIX6, cfg->rl_prefix6) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_KOD, cfg->rl_kod) ||
	    nla_put_u32(skb, KNTS_A_COOKIE_BUDGET, cfg->cookie_budget)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlmsg_hdr(skb));
	return nl_transact(g, skb, NULL);
}

/* The current tunables with the rate limiter's changed, over netlink. */
static int nl_ratelimit(struct glue *g, u32 rate, u32 burst)
{
	struct knts_config cfg;

	knts_config_get(g->srv, &cfg);
	cfg.rl_interval_ns = rate ? div_u64(NSEC_PER_SEC, rate) : 0;
	cfg.rl_burst = burst;
	return nl_config_set(g, &cfg);
}

/* The current tunables with the cookie budget changed, over netlink. */
static int nl_cookie_budget(struct glue *g, u32 budget)
{
	struct knts_config cfg;

	knts_config_get(g->srv, &cfg);
	cfg.cookie_budget = budget;
	return nl_config_set(g, &cfg);
}

/* KNTS_CMD_SOCKET_DEL of the socket @id, or of every socket (@id 0). */
static int nl_socket_del(struct glue *g, u32 id)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_SOCKET_DEL);
	struct nlattr *nest;

	if (!skb)
		return -ENOMEM;
	if (!id) {
		if (nla_put_flag(skb, KNTS_A_ALL))
			goto err;
	} else {
		nest = nla_nest_start(skb, KNTS_A_SOCKET);
		if (!nest || nla_put_u32(skb, KNTS_SOCK_A_ID, id))
			goto err;
		nla_nest_end(skb, nest);
	}
	nlmsg_end(skb, nlmsg_hdr(skb));
	return nl_transact(g, skb, NULL);
err:
	kfree_skb(skb);
	return -EMSGSIZE;
}

/*
 * KNTS_CMD_SOCKET_GET: how many sockets are served; @ours, those that are
 * this test's (one of its ids, the family and port it bound).
 */
static int nl_socket_get(struct glue *g, unsigned int *n, unsigned int *ours)
{
	struct sk_buff *skb = nl_msg(g, g->family, KNTS_CMD_SOCKET_GET);
	struct nlattr *tb[KNTS_SOCK_A_MAX + 1];
	struct sk_buff *reply = NULL;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	unsigned int i;
	int err, rem;

	*n = 0;
	*ours = 0;
	if (!skb)
		return -ENOMEM;
	nlmsg_end(skb, nlmsg_hdr(skb));
	err = nl_transact(g, skb, &reply);
	if (err)
		goto out;
	err = -ENOENT;
	if (!reply)
		goto out;
	nlh = (struct nlmsghdr *)reply->data;
	err = 0;
	nlmsg_for_each_attr(attr, nlh, GENL_HDRLEN, rem) {
		if (nla_type(attr) != KNTS_A_SOCKET)
			continue;
		(*n)++;
		err = nla_parse_nested_deprecated(tb, KNTS_SOCK_A_MAX, attr,
						  NULL, NULL);
		if (err)
			break;
		if (!tb[KNTS_SOCK_A_ID] || !tb[KNTS_SOCK_A_FAMILY] ||
		    !tb[KNTS_SOCK_A_PORT] || !tb[KNTS_SOCK_A_ADDR]) {
			err = -EPROTO;
			break;
		}
		for (i = 0; i < ARRAY_SIZE(families); i++)
			if (nla_get_u32(tb[KNTS_SOCK_A_ID]) == g->sid[i] &&
			    nla_get_u16(tb[KNTS_SOCK_A_FAMILY]) == families[i] &&
			    nla_get_u16(tb[KNTS_SOCK_A_PORT]) == g->port)
				(*ours)++;
	}
out:
	kfree_skb(reply);
	return err;
}

/* --- the server's sockets, handed over as kntsd hands its own --- */

/*
 * A UDP socket bound to the loopback address of families[@i] and g->port
 * (when 0, the port the stack picks, which becomes g->port), with a file
 * as a descriptor has one, handed to the server.  The test keeps a
 * reference of its own, as kntsd keeps its descriptor, to read what the
 * server leaves on the socket.
 */
static int srv_open(struct kunit *test, struct glue *g, unsigned int i)
{
	struct netlink_ext_ack extack = {};
	struct sockaddr_storage me;
	struct knts_sock_info si;
	struct socket *sock;
	struct file *file;
	int err, len, tries;

	err = sock_create_kern(&init_net, families[i], SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	file = sock_alloc_file(sock, 0, NULL);
	if (IS_ERR(file))
		return PTR_ERR(file);	/* sock_alloc_file released it */
	g->ssock[i] = sock;
	sock->sk->sk_rcvtimeo = HZ / 2;
	if (families[i] == AF_INET6) {
		err = ip6_sock_set_v6only(sock->sk);
		if (err)
			return err;
	}
	len = loopback(&me, families[i], g->port);
	/* A socket just closed on that port may still be going away. */
	for (tries = 0; tries < 100; tries++) {
		err = kernel_bind(sock, (struct sockaddr *)&me, len);
		if (err != -EADDRINUSE || !g->port)
			break;
		flush_delayed_fput();
		usleep_range(10000, 20000);
	}
	if (err)
		return err;
	if (!g->port) {
		err = kernel_getsockname(sock, (struct sockaddr *)&me);
		if (err < 0)
			return err;
		g->port = ntohs(((struct sockaddr_in *)&me)->sin_port);
	}
	/* The server's reference, besides the test's. */
	get_file(file);
	err = knts_sock_attach(g->srv, sock, &si, &extack);
	if (err) {
		fput(file);
		kunit_err(test, "attach: %s\n", extack._msg ?: "?");
		return err;
	}
	g->sid[i] = si.id;
	return 0;
}

/* Both families' sockets, on g->port (the first on any port if 0). */
static int srv_open_all(struct kunit *test, struct glue *g)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		err = srv_open(test, g, i);
		if (err)
			return err;
	}
	return 0;
}

/* How the sockets are taken back from the server. */
enum srv_del {
	SRV_DEL_DIRECT,		/* knts_sock_detach() of each id */
	SRV_DEL_NL_ID,		/* KNTS_CMD_SOCKET_DEL of each id */
	SRV_DEL_NL_ALL,		/* KNTS_CMD_SOCKET_DEL with KNTS_A_ALL */
};

/*
 * Takes the sockets back from the server, then closes them, as kntsd does
 * when it stops; returns once they are gone (their port is free).
 */
static void srv_close(struct kunit *test, struct glue *g, enum srv_del how)
{
	unsigned int i;

	if (how == SRV_DEL_NL_ALL && (g->sid[0] || g->sid[1]))
		KUNIT_EXPECT_EQ(test, nl_socket_del(g, 0), 0);
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		if (g->sid[i] && how == SRV_DEL_NL_ID)
			KUNIT_EXPECT_EQ(test, nl_socket_del(g, g->sid[i]), 0);
		else if (g->sid[i] && how == SRV_DEL_DIRECT)
			KUNIT_EXPECT_EQ(test, knts_sock_detach(g->srv, g->sid[i],
							       NULL), 1u);
		g->sid[i] = 0;
	}
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		if (g->ssock[i])
			fput(g->ssock[i]->file);
		g->ssock[i] = NULL;
	}
	/* fput() from a kernel thread defers the release to a worker. */
	flush_delayed_fput();
}

/*
 * A client flooding the server from another thread, over both families,
 * with one request again and again, reading what comes back.
 */
struct flood {
	struct task_struct *task;
	struct peer p[ARRAY_SIZE(families)];
	u8 *req, *reply;
	int len;
	unsigned long sent, answered;
};

/* Requests per family between two naps (a jiffy or more each). */
#define FLOOD_BURST	8

static int flood_fn(void *arg)
{
	struct flood *f = arg;
	unsigned int i, n;

	while (!kthread_should_stop()) {
		for (i = 0; i < ARRAY_SIZE(f->p); i++) {
			struct peer *p = &f->p[i];

			for (n = 0; n < FLOOD_BURST; n++)
				if (peer_send(p, f->req, f->len) == f->len)
					WRITE_ONCE(f->sent, f->sent + 1);
			while (sock_recv(p->udp, f->reply, BUF_LEN,
					 MSG_DONTWAIT) > 0)
				WRITE_ONCE(f->answered, f->answered + 1);
		}
		usleep_range(1000, 2000);
	}
	return 0;
}

/* Starts a flood of the request in g->req (@len bytes) from 127.0.0.5. */
static int flood_start(struct kunit *test, struct glue *g, int len)
{
	struct flood *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct task_struct *task;
	unsigned int i;
	int err;

	if (!f)
		return -ENOMEM;
	f->req = kunit_kmalloc(test, len, GFP_KERNEL);
	f->reply = kunit_kmalloc(test, BUF_LEN, GFP_KERNEL);
	if (!f->req || !f->reply)
		return -ENOMEM;
	memcpy(f->req, g->req, len);
	f->len = len;
	g->flood = f;
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		err = peer_open(&f->p[i], g->port, families[i], 5);
		if (err)
			return err;
	}
	task = kthread_run(flood_fn, f, "knts-flood");
	if (IS_ERR(task))
		return PTR_ERR(task);
	f->task = task;
	return 0;
}

static void flood_stop(struct glue *g)
{
	struct flood *f = g->flood;
	unsigned int i;

	if (!f)
		return;
	if (f->task)
		kthread_stop(f->task);
	f->task = NULL;
	for (i = 0; i < ARRAY_SIZE(f->p); i++)
		peer_close(&f->p[i]);
}

/* --- the suite --- */

static int glue_suite_init(struct kunit_suite *suite)
{
	struct net_device *lo = init_net.loopback_dev;
	int err;

	/* Nothing brings UML's loopback up without userspace: we do. */
	rtnl_lock();
	err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	return err;
}

static int glue_init(struct kunit *test)
{
	struct glue *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	if (!g)
		return -ENOMEM;
	g->req = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	g->reply = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	g->cookie = kunit_kzalloc(test, KNTS_COOKIE_MAX_LEN, GFP_KERNEL);
	g->keys = kunit_kzalloc(test, 2 * KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	if (!g->req || !g->reply || !g->cookie || !g->keys ||
	    knts_siv_init(&g->master.siv) || knts_siv_init(&g->master30.siv) ||
	    knts_siv_init(&g->c2s.siv) || knts_siv_init(&g->s2c.siv))
		return -ENOMEM;
	g->placeholders = 1;
	g->srv = knts_server(&init_net);
	test->priv = g;
	/* The tunables as they were, for glue_exit() to put back. */
	knts_config_get(g->srv, &g->cfg);
	KUNIT_ASSERT_EQ(test, side_key(&g->master, KNTS_AEAD_AES_SIV_CMAC_256,
				       secret), 0);
	KUNIT_ASSERT_EQ(test, side_key(&g->master30, KNTS_AEAD_AES_128_GCM_SIV,
				       secret30), 0);
	KUNIT_ASSERT_EQ(test, nl_open(g), 0);
	KUNIT_ASSERT_EQ(test, nl_resolve(g), 0);
	KUNIT_ASSERT_EQ(test, nl_key_set(g, KEY_ID, secret, true), 0);
	KUNIT_ASSERT_EQ(test, nl_time_set(g, 2), 0);
	KUNIT_ASSERT_EQ(test, srv_open_all(test, g), 0);
	return 0;
}

static void glue_exit(struct kunit *test)
{
	struct glue *g = test->priv;
	int err;

	if (!g)
		return;
	flood_stop(g);
	udp_close(g);
	srv_close(test, g, SRV_DEL_DIRECT);
	/* Nothing of this test's is served any more. */
	mutex_lock(&g->srv->lock);
	KUNIT_EXPECT_EQ(test, g->srv->nsocks, 0u);
	/* What the test may have changed, as it was. */
	err = knts_config_set(g->srv, &g->cfg);
	mutex_unlock(&g->srv->lock);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (g->nl) {
		nl_key_del(g, KEY_ID);
		nl_key_del(g, OTHER_ID);
	}
	nl_close(g);
	knts_siv_uninit(&g->master.siv);
	knts_siv_uninit(&g->master30.siv);
	knts_siv_uninit(&g->c2s.siv);
	knts_siv_uninit(&g->s2c.siv);
}

/*
 * NTS over IPv4 and IPv6, on the sockets handed over (which the socket
 * list shows): verified replies, counted, cookies that open.
 */
static void glue_nts_both_families(struct kunit *test)
{
	struct glue *g = test->priv;
	struct knts_client_reply r;
	u64 auth = counter(KNTS_STAT_AUTH_REPLIES);
	unsigned int i, n, ours;

	KUNIT_EXPECT_EQ(test, nl_socket_get(g, &n, &ours), 0);
	KUNIT_EXPECT_EQ(test, ours, 2u);
	KUNIT_EXPECT_EQ(test, n, 2u);
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		KUNIT_ASSERT_EQ(test, udp_open(g, families[i], 1), 0);
		KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
		KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
		KUNIT_EXPECT_EQ(test, r.stratum, 2);
		KUNIT_EXPECT_EQ(test, r.cookies, 2u);
		if (r.cookies) {
			u8 *c = (u8 *)r.cookie[0];

			KUNIT_EXPECT_EQ(test, knts_cookie_key_id(c), (u32)KEY_ID);
			KUNIT_EXPECT_EQ(test,
					knts_test_cookie_open(&g->master.a, c,
							      r.cookie_len[0],
							      g->keys),
					KNTS_COOKIE_KEYS_LEN);
		}
		udp_close(g);
	}
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_AUTH_REPLIES), auth + 2);
}

/*
 * Keys replaced over netlink while requests keep coming: every request
 * under the key that stays is answered and verifies; none under a deleted
 * key is (a NAK); the counters agree.
 */
static void glue_key_replace_during_traffic(struct kunit *test)
{
	struct glue *g = test->priv;
	struct knts_client_reply r;
	u64 naks = counter(KNTS_STAT_NAKS);
	unsigned int i, ok = 0;

	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 1), 0);
	for (i = 0; i < 40; i++) {
		/* The other key comes and goes; the current one stays. */
		if (i % 2)
			KUNIT_EXPECT_EQ(test, nl_key_del(g, OTHER_ID), 0);
		else
			KUNIT_EXPECT_EQ(test, nl_key_set(g, OTHER_ID,
							 other_secret, i % 4 == 0), 0);
		KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
		if (exchange(test, g, &r) == 1)
			ok++;
	}
	KUNIT_EXPECT_EQ(test, ok, 40u);
	/* The current key made current again, the other one deleted. */
	KUNIT_EXPECT_EQ(test, nl_key_set(g, KEY_ID, secret, true), 0);
	KUNIT_EXPECT_EQ(test, nl_key_del(g, OTHER_ID), -ENOENT);

	/* A cookie under a deleted key: a NAK, counted. */
	KUNIT_ASSERT_EQ(test, side_key(&g->master, KNTS_AEAD_AES_SIV_CMAC_256,
				       other_secret), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, OTHER_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 0);
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_NAKS), naks + 1);
	KUNIT_ASSERT_EQ(test, side_key(&g->master, KNTS_AEAD_AES_SIV_CMAC_256,
				       secret), 0);
}

/*
 * One exchange of a session of @alg under @master (@id): verified, with
 * @n cookies of @len bytes under the key @want_id, which @want opens to
 * the session's keys.
 */
static void aead_exchange(struct kunit *test, struct glue *g,
			  struct side *master, u32 id, u16 alg,
			  struct side *want, u32 want_id, unsigned int len)
{
	unsigned int klen = 2 * knts_aead_key_len(alg), i;
	u8 *keys = g->keys, *got = g->keys + KNTS_COOKIE_KEYS_LEN;
	struct knts_client_reply r;

	KUNIT_ASSERT_EQ(test, session_of(g, master, id, alg), 0);
	/* The session's keys, before the cookie is sent. */
	KUNIT_ASSERT_EQ(test, knts_test_cookie_open(&master->a, g->cookie,
						    g->cookie_len, keys),
			(int)klen);
	KUNIT_ASSERT_EQ(test, exchange(test, g, &r), 1);
	KUNIT_EXPECT_EQ(test, r.cookies, 2u);
	for (i = 0; i < r.cookies; i++) {
		u8 *c = (u8 *)r.cookie[i];

		KUNIT_EXPECT_EQ(test, r.cookie_len[i], len);
		KUNIT_EXPECT_EQ(test, knts_cookie_key_id(c), want_id);
		KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&want->a, c,
							    r.cookie_len[i],
							    got),
				(int)klen);
		KUNIT_EXPECT_EQ(test, memcmp(got, keys, klen), 0);
	}
}

/*
 * AEAD 30 master keys over netlink, and sessions of both AEADs under both
 * kinds of key: every reply verifies; its cookies come from the current
 * key when they fit in the request's cookie's length, else from the key
 * that opened it; an AEAD 30 session's request with a 16-byte nonce is a
 * NAK; keys of the wrong length or AEAD are refused.
 */
static void glue_nts_aead30(struct kunit *test)
{
	struct glue *g = test->priv;
	u64 naks = counter(KNTS_STAT_NAKS);
	struct knts_client_reply r;
	u8 nonce[KNTS_AEAD_MAX_NONCE_LEN];
	struct side *bad;
	int len, n;

	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 4), 0);
	KUNIT_ASSERT_EQ(test, nl_key_set_aead(g, OTHER_ID, 30, secret30,
					      sizeof(secret30), false), 0);
	/* The current key (AEAD 15) would make 68 and 100-byte cookies. */
	aead_exchange(test, g, &g->master30, OTHER_ID, 30, &g->master30,
		      OTHER_ID, 64);
	aead_exchange(test, g, &g->master30, OTHER_ID, 15, &g->master30,
		      OTHER_ID, 96);
	aead_exchange(test, g, &g->master, KEY_ID, 30, &g->master, KEY_ID, 68);
	aead_exchange(test, g, &g->master, KEY_ID, 15, &g->master, KEY_ID,
		      100);
	/* The AEAD 30 key current: its cookies are never the longer. */
	KUNIT_ASSERT_EQ(test, nl_key_set_aead(g, OTHER_ID, 30, secret30,
					      sizeof(secret30), true), 0);
	aead_exchange(test, g, &g->master, KEY_ID, 15, &g->master30, OTHER_ID,
		      96);
	aead_exchange(test, g, &g->master, KEY_ID, 30, &g->master30, OTHER_ID,
		      64);
	aead_exchange(test, g, &g->master30, OTHER_ID, 30, &g->master30,
		      OTHER_ID, 64);

	/* An AEAD 30 session's request with a 16-byte nonce: a NAK. */
	bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	KUNIT_ASSERT_EQ(test, knts_siv_init(&bad->siv), 0);
	KUNIT_ASSERT_EQ(test, session_of(g, &g->master30, OTHER_ID, 30), 0);
	KUNIT_ASSERT_EQ(test, side_key(bad, KNTS_AEAD_AES_SIV_CMAC_256,
				       other_secret), 0);
	get_random_bytes(nonce, sizeof(nonce));
	len = knts_client_request(g->req, BUF_LEN, g->uid, UID_LEN, g->cookie,
				  g->cookie_len, 0, &bad->a, nonce, 7);
	knts_siv_uninit(&bad->siv);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, udp_send(g, g->req, len), len);
	n = udp_recv(g, g->reply, BUF_LEN);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, knts_client_reply(g->reply, n, g->uid, UID_LEN,
						7, &g->s2c.a, &r), 0);
	KUNIT_EXPECT_TRUE(test, r.nak);
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_NAKS), naks + 1);

	/* Each AEAD's key length; only AEADs 15 and 30. */
	KUNIT_EXPECT_EQ(test, nl_key_set_aead(g, OTHER_ID, 30, secret,
					      sizeof(secret), false), -EINVAL);
	KUNIT_EXPECT_EQ(test, nl_key_set_aead(g, OTHER_ID, 15, secret30,
					      sizeof(secret30), false), -EINVAL);
	KUNIT_EXPECT_EQ(test, nl_key_set_aead(g, OTHER_ID, 16, secret30,
					      sizeof(secret30), false),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, nl_key_set(g, KEY_ID, secret, true), 0);
}

/*
 * The rate limiter on the real path, switched on at run time over netlink
 * as kntsctl config set does: NTS and plain requests from one source share
 * a bucket; a burst is served, the rest dropped and counted.
 */
static void glue_ratelimit(struct kunit *test)
{
	struct glue *g = test->priv;
	u64 dropped = counter(KNTS_STAT_DROP_RATELIMIT);
	struct knts_client_reply r;
	u8 plain[48] = { 4 << 3 | 3 };
	unsigned int i, got = 0;

	KUNIT_ASSERT_EQ(test, nl_ratelimit(g, 1, 4), 0);
	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 2), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
	for (i = 0; i < 11; i++)
		KUNIT_EXPECT_EQ(test, udp_send(g, plain, sizeof(plain)), 48);
	while (udp_recv(g, g->reply, BUF_LEN) > 0)
		got++;
	KUNIT_EXPECT_EQ(test, nl_ratelimit(g, 0, 8), 0);
	/* One token may come back while sending, at 1/s. */
	KUNIT_EXPECT_GE(test, got, 3u);
	KUNIT_EXPECT_LE(test, got, 4u);
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_DROP_RATELIMIT),
			dropped + 11 - got);
}

/*
 * The per-CPU cookie budget on the real path: at 1 extra cookie a second
 * the bucket holds one full reply's worth (7); requests asking for 8
 * cookies get them while it lasts, then one, each cut counted; every reply
 * verifies; 0 turns the budget off.
 */
static void glue_cookie_budget(struct kunit *test)
{
	struct glue *g = test->priv;
	u64 cuts = counter(KNTS_STAT_COOKIE_BUDGET_CUTS);
	struct knts_client_reply r;
	unsigned int i, one = 0;

	g->placeholders = KNTS_MAX_COOKIES - 1;
	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 3), 0);
	/* Lowering the budget caps what the bucket holds at once. */
	KUNIT_ASSERT_EQ(test, nl_cookie_budget(g, 1), 0);
	for (i = 0; i < 20; i++) {
		KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
		KUNIT_ASSERT_EQ(test, exchange(test, g, &r), 1);
		if (!i)
			KUNIT_EXPECT_EQ(test, r.cookies, KNTS_MAX_COOKIES);
		else if (r.cookies == 1)
			one++;
		else
			KUNIT_EXPECT_EQ(test, r.cookies, KNTS_MAX_COOKIES);
	}
	/* 19 more requests need 133 tokens; 20 s of refill would be 20. */
	KUNIT_EXPECT_GE(test, one, 1u);
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_COOKIE_BUDGET_CUTS), cuts + one);

	KUNIT_ASSERT_EQ(test, nl_cookie_budget(g, 0), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
	KUNIT_EXPECT_EQ(test, r.cookies, KNTS_MAX_COOKIES);
}

/*
 * The sockets taken back and fresh ones handed over on the same port while
 * a client floods them, as kntsd's restart does, each way there is
 * (directly, over netlink by id, all at once): no use after free, no lost
 * lock, and service resumes.
 */
static void glue_sockets_close_during_traffic(struct kunit *test)
{
	struct glue *g = test->priv;
	struct knts_client_reply r;
	unsigned long answered;
	unsigned int round, i;
	int len;

	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	len = request(g, 1);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, flood_start(test, g, len), 0);
	for (round = 0; round < 3; round++) {
		msleep(50);
		srv_close(test, g, round);
		/* Requests now find no socket: turned away by the stack. */
		usleep_range(5000, 10000);
		KUNIT_ASSERT_EQ(test, srv_open_all(test, g), 0);
	}
	/* The flood is answered on the fresh sockets. */
	answered = READ_ONCE(g->flood->answered);
	for (i = 0; i < 200 && READ_ONCE(g->flood->answered) == answered; i++)
		usleep_range(10000, 20000);
	KUNIT_EXPECT_GT(test, READ_ONCE(g->flood->answered), answered);
	flood_stop(g);
	kunit_info(test, "flood: %lu requests, %lu answered\n",
		   g->flood->sent, g->flood->answered);

	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 1), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
}

/*
 * What is no NTP client request is left on the socket for its reader
 * (kntsd, which counts and drops control messages): a 12-byte mode 6
 * (control) message over IPv4 and a 48-byte mode 4 (server) packet over
 * IPv6 wait in the server socket's queue as they were sent, unanswered,
 * each counted as passed up, neither as dropped.
 */
static void glue_non_ntp_passed_up(struct kunit *test)
{
	/* NTPv2 control message, read variables, sequence 1, no data. */
	static const u8 control[12] = { 2 << 3 | 6, 2, 0, 1 };
	struct glue *g = test->priv;
	u64 up = counter(KNTS_STAT_PASSED_UP);
	u64 rx = counter(KNTS_STAT_RX_PACKETS);
	u64 dropped = counter(KNTS_STAT_RX_DROPPED);
	u8 server[48] = { 4 << 3 | 4, 2 };
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		const u8 *msg = i ? server : control;
		int len = i ? sizeof(server) : sizeof(control);

		KUNIT_ASSERT_EQ(test, udp_open(g, families[i], 1), 0);
		KUNIT_ASSERT_EQ(test, udp_send(g, msg, len), len);
		n = sock_recv(g->ssock[i], g->reply, BUF_LEN, 0);
		KUNIT_EXPECT_EQ(test, n, len);
		if (n == len)
			KUNIT_EXPECT_EQ(test, memcmp(g->reply, msg, len), 0);
		/* Nothing else on the socket; no reply to the client. */
		KUNIT_EXPECT_EQ(test, sock_recv(g->ssock[i], g->reply, BUF_LEN,
						MSG_DONTWAIT), -EAGAIN);
		KUNIT_EXPECT_EQ(test, udp_recv(g, g->reply, BUF_LEN), -EAGAIN);
		KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_PASSED_UP), up + i + 1);
		udp_close(g);
	}
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_RX_PACKETS), rx + 2);
	KUNIT_EXPECT_EQ(test, counter(KNTS_STAT_RX_DROPPED), dropped);
}

/* A kernel socket with a file, as one behind a descriptor has. */
static struct socket *file_sock(struct kunit *test, int family, int type,
				int proto)
{
	struct socket *sock;
	struct file *file;

	if (sock_create_kern(&init_net, family, type, proto, &sock))
		return NULL;
	file = sock_alloc_file(sock, 0, NULL);
	return IS_ERR(file) ? NULL : sock;
}

/*
 * Hands @sock (with a file reference, which the server takes over on
 * success) to the server; takes it back at once if it was taken.
 * Returns the errno of knts_sock_attach().
 */
static int attach_err(struct glue *g, struct socket *sock)
{
	struct netlink_ext_ack extack = {};
	struct knts_sock_info si;
	int err = knts_sock_attach(g->srv, sock, &si, &extack);

	if (err) {
		/* Refused: the reference is still ours, and a reason given. */
		fput(sock->file);
		return extack._msg ? err : -ENOMSG;
	}
	knts_sock_detach(g->srv, si.id, NULL);
	return 0;
}

/*
 * The server takes what it can serve only, saying why not: a bound,
 * unconnected UDP socket that nothing (knts, a tunnel) serves already;
 * what it refuses stays the caller's and changes nothing.
 */
static void glue_socket_attach_checks(struct kunit *test)
{
	struct glue *g = test->priv;
	struct knts_client_reply r;
	struct sockaddr_storage ss;
	unsigned int n, ours;
	struct socket *s;
	int len;

	/* Served already: the test's own. */
	get_file(g->ssock[0]->file);
	KUNIT_EXPECT_EQ(test, attach_err(g, g->ssock[0]), -EBUSY);
	/* Not bound. */
	s = file_sock(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, attach_err(g, s), -EDESTADDRREQ);
	/* Not UDP. */
	s = file_sock(test, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, attach_err(g, s), -EPROTONOSUPPORT);
	/* Connected: it would hear one peer only. */
	s = file_sock(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	KUNIT_ASSERT_NOT_NULL(test, s);
	len = loopback(&ss, AF_INET, g->port);
	if (kernel_connect(s, (struct sockaddr *)&ss, len, 0)) {
		fput(s->file);
		KUNIT_FAIL(test, "connect");
	} else {
		KUNIT_EXPECT_EQ(test, attach_err(g, s), -EISCONN);
	}

	/* The test's sockets are served as before, and they only. */
	KUNIT_EXPECT_EQ(test, nl_socket_get(g, &n, &ours), 0);
	KUNIT_EXPECT_EQ(test, ours, 2u);
	KUNIT_EXPECT_EQ(test, n, 2u);
	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET6, 1), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
}

static struct kunit_case glue_cases[] = {
	KUNIT_CASE(glue_nts_both_families),
	KUNIT_CASE(glue_nts_aead30),
	KUNIT_CASE(glue_key_replace_during_traffic),
	KUNIT_CASE(glue_ratelimit),
	KUNIT_CASE(glue_cookie_budget),
	KUNIT_CASE(glue_sockets_close_during_traffic),
	KUNIT_CASE(glue_non_ntp_passed_up),
	KUNIT_CASE(glue_socket_attach_checks),
	{}
};

static struct kunit_suite glue_suite = {
	.name = "knts_glue",
	.suite_init = glue_suite_init,
	.init = glue_init,
	.exit = glue_exit,
	.test_cases = glue_cases,
};

kunit_test_suite(glue_suite);

/*
 * For scripts/uml-check.sh, which boots this test kernel with a userspace
 * and asks kmemleak for reports afterwards: writing 1 to
 * /sys/module/knts_test/parameters/kmemleak_canary leaks one object on
 * purpose.  That report must appear, or the check could not have seen a
 * leak of knts's either.
 */
#define CANARY_LEN	96

static noinline int knts_kmemleak_canary_set(const char *val,
					     const struct kernel_param *kp)
{
	bool on;
	u8 *p;
	int err;

	err = kstrtobool(val, &on);
	if (err || !on)
		return err;
	p = kmalloc(CANARY_LEN, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	memset(p, 0xc5, CANARY_LEN);
	barrier_data(p);
	return 0;	/* p is dropped: the leak */
}

static const struct kernel_param_ops canary_ops = {
	.set = knts_kmemleak_canary_set,
};

module_param_cb(kmemleak_canary, &canary_ops, NULL, 0200);
