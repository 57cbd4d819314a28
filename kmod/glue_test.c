// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the kernel glue under the UML build's sanitizers (KASAN, UBSAN,
 * lockdep, PROVE_RCU).  Real UDP requests go over UML's loopback to the
 * sockets knts opened at boot, through the receive path, the key table, the
 * rate limiter and the counters; the netlink commands are driven through a
 * generic netlink socket as kntsd drives them, keys replaced while requests
 * keep coming; and the sockets are closed and reopened with requests in
 * flight, as rmmod does.  Master keys and sessions of both AEADs (15 and 30)
 * go through the same path, the fresh cookies under the current key unless
 * its cookies would be longer than the request's.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
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

/*
 * One client: a UDP socket on loopback, the master keys it mints cookies
 * with (the server's, AEAD 15 and AEAD 30), its session and buffers.
 */
struct glue {
	struct socket *udp;
	struct sockaddr_storage to;
	int to_len;
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

/* From ::1, or from 127.0.0.@host (each a rate limiter bucket of its own). */
static int udp_open(struct glue *g, int family, u8 host)
{
	struct sockaddr_storage me = {};
	int err, len;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP,
			       &g->udp);
	if (err)
		return err;
	memset(&g->to, 0, sizeof(g->to));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&me;
		struct sockaddr_in *t = (struct sockaddr_in *)&g->to;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*t = *a;
		t->sin_port = htons(knts_srv.port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + host);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&me;
		struct sockaddr_in6 *t = (struct sockaddr_in6 *)&g->to;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		*t = *a;
		t->sin6_port = htons(knts_srv.port);
		len = sizeof(*a);
	}
	g->to_len = len;
	g->udp->sk->sk_rcvtimeo = HZ / 2;
	return kernel_bind(g->udp, (struct sockaddr *)&me, len);
}

static void udp_close(struct glue *g)
{
	if (g->udp)
		sock_release(g->udp);
	g->udp = NULL;
}

static int udp_send(struct glue *g, const u8 *buf, unsigned int len)
{
	struct msghdr msg = { .msg_name = &g->to, .msg_namelen = g->to_len };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(g->udp, &msg, &iov, 1, len);
}

/* Return: the datagram's length, or -EAGAIN when none came in time. */
static int udp_recv(struct glue *g, u8 *buf, unsigned int cap)
{
	struct msghdr msg = {};
	struct kvec iov = { .iov_base = buf, .iov_len = cap };

	return kernel_recvmsg(g->udp, &msg, &iov, 1, cap, 0);
}

/* --- NTS requests as a client makes them --- */

static u64 counter(enum knts_stat s)
{
	u64 sum[__KNTS_STAT_MAX];

	knts_stats_sum(&knts_srv, sum);
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
	test->priv = g;
	KUNIT_ASSERT_EQ(test, side_key(&g->master, KNTS_AEAD_AES_SIV_CMAC_256,
				       secret), 0);
	KUNIT_ASSERT_EQ(test, side_key(&g->master30, KNTS_AEAD_AES_128_GCM_SIV,
				       secret30), 0);
	KUNIT_ASSERT_EQ(test, nl_open(g), 0);
	KUNIT_ASSERT_EQ(test, nl_resolve(g), 0);
	KUNIT_ASSERT_EQ(test, nl_key_set(g, KEY_ID, secret, true), 0);
	KUNIT_ASSERT_EQ(test, nl_time_set(g, 2), 0);
	return 0;
}

static void glue_exit(struct kunit *test)
{
	struct glue *g = test->priv;

	/* What a test may have changed, as the module's defaults. */
	knts_test_set_ratelimit(0, 8);
	knts_test_set_cookie_budget(50000);
	if (!g)
		return;
	udp_close(g);
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

/* NTS over IPv4 and IPv6: verified replies, counted, cookies that open. */
static void glue_nts_both_families(struct kunit *test)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct glue *g = test->priv;
	struct knts_client_reply r;
	u64 auth = counter(KNTS_STAT_AUTH_REPLIES);
	unsigned int i;

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
 * The rate limiter on the real path, switched on at run time as an admin
 * writing the module parameters does: NTS and plain requests from one
 * source share a bucket; a burst is served, the rest dropped and counted.
 */
static void glue_ratelimit(struct kunit *test)
{
	struct glue *g = test->priv;
	u64 dropped = counter(KNTS_STAT_DROP_RATELIMIT);
	struct knts_client_reply r;
	u8 plain[48] = { 4 << 3 | 3 };
	unsigned int i, got = 0;

	knts_test_set_ratelimit(1, 4);
	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 2), 0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
	for (i = 0; i < 11; i++)
		KUNIT_EXPECT_EQ(test, udp_send(g, plain, sizeof(plain)), 48);
	while (udp_recv(g, g->reply, BUF_LEN) > 0)
		got++;
	knts_test_set_ratelimit(0, 8);
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
	knts_test_set_cookie_budget(1);
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

	knts_test_set_cookie_budget(0);
	KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
	KUNIT_EXPECT_EQ(test, exchange(test, g, &r), 1);
	KUNIT_EXPECT_EQ(test, r.cookies, KNTS_MAX_COOKIES);
}

/*
 * The sockets closed with requests in flight and opened again, as rmmod
 * and modprobe do: no use after free, no lost lock, and service resumes.
 */
static void glue_sockets_close_during_traffic(struct kunit *test)
{
	struct glue *g = test->priv;
	struct knts_client_reply r;
	unsigned int round, i;
	int len;

	KUNIT_ASSERT_EQ(test, udp_open(g, AF_INET, 1), 0);
	for (round = 0; round < 3; round++) {
		KUNIT_ASSERT_EQ(test, session(g, &g->master, KEY_ID), 0);
		len = request(g, 1);
		KUNIT_ASSERT_GT(test, len, 0);
		for (i = 0; i < 16; i++)
			KUNIT_EXPECT_EQ(test, udp_send(g, g->req, len), len);
		knts_socket_uninit(&knts_srv);
		KUNIT_ASSERT_EQ(test, knts_socket_init(&knts_srv, knts_srv.port), 0);
		while (udp_recv(g, g->reply, BUF_LEN) > 0)
			;
	}
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
