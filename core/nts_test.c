// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the NTS request parser (a table of good and bad packets), the
 * whole server exchange on the kernel backend, and the property that a
 * reply is never longer than its request.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "cookie_vectors.h"
#include "nts_client.h"
#include "kmod/siv_kernel.h"
#include "test_util.h"

#define BUF_LEN 2048
#define TX_TS 0xeb1f2a3b4c5d6e7fULL

/* How a test request is made. */
struct req_opts {
	unsigned int uid_len;
	unsigned int placeholders;
	unsigned int inner_placeholders;
	unsigned int nonce_len;
	unsigned int extra_pad;
	unsigned int unknown_len;	/* an unknown EF before the cookie */
};

struct nts_ctx {
	struct knts_siv master, c2s, s2c, srv;
	u8 *req, *reply, *cookie;
};

static int nts_ctx_init(struct kunit *test)
{
	struct nts_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->req = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	c->reply = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	c->cookie = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	if (!c->req || !c->reply || !c->cookie ||
	    knts_siv_init(&c->master) || knts_siv_init(&c->c2s) ||
	    knts_siv_init(&c->s2c) || knts_siv_init(&c->srv))
		return -ENOMEM;
	if (knts_siv_setkey(&c->master, cookie_vectors[0].master,
			    KNTS_SIV_KEY_LEN) ||
	    knts_siv_setkey(&c->c2s, cookie_vectors[0].keys,
			    KNTS_SESSION_KEY_LEN) ||
	    knts_siv_setkey(&c->s2c, cookie_vectors[0].keys +
			    KNTS_SESSION_KEY_LEN, KNTS_SESSION_KEY_LEN))
		return -EINVAL;
	test->priv = c;
	return 0;
}

static void nts_ctx_exit(struct kunit *test)
{
	struct nts_ctx *c = test->priv;

	if (!c)
		return;
	knts_siv_uninit(&c->master);
	knts_siv_uninit(&c->c2s);
	knts_siv_uninit(&c->s2c);
	knts_siv_uninit(&c->srv);
}

static unsigned int put_ef(u8 *p, u16 type, unsigned int body_len, u8 fill)
{
	put_unaligned_be16(type, p);
	put_unaligned_be16(KNTS_EF_HDR_LEN + body_len, p + 2);
	memset(p + KNTS_EF_HDR_LEN, fill, body_len);
	return KNTS_EF_HDR_LEN + body_len;
}

/* A request as a client would send it, authenticated with C2S. */
static unsigned int build_req(struct nts_ctx *c, const struct req_opts *o)
{
	struct knts_siv_vec ad[2];
	unsigned int off, i, pt_len, alen;
	u8 *p = c->req, *ct;

	memset(p, 0, KNTS_NTP_HDR_LEN);
	p[0] = 4 << 3 | 3;
	p[KNTS_NTP_OFF_POLL] = 6;
	put_unaligned_be64(TX_TS, p + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	off += put_ef(p + off, KNTS_EF_UNIQUE_ID, o->uid_len, 0xa5);
	if (o->unknown_len)
		off += put_ef(p + off, 0x7777, o->unknown_len, 0x3c);
	put_unaligned_be16(KNTS_EF_COOKIE, p + off);
	put_unaligned_be16(KNTS_EF_HDR_LEN + KNTS_COOKIE_LEN, p + off + 2);
	memcpy(p + off + KNTS_EF_HDR_LEN, cookie_vectors[0].cookie,
	       KNTS_COOKIE_LEN);
	off += KNTS_EF_HDR_LEN + KNTS_COOKIE_LEN;
	for (i = 0; i < o->placeholders; i++)
		off += put_ef(p + off, KNTS_EF_PLACEHOLDER, KNTS_COOKIE_LEN, 0);

	pt_len = o->inner_placeholders * (KNTS_EF_HDR_LEN + KNTS_COOKIE_LEN);
	alen = KNTS_EF_HDR_LEN + 4 + knts_pad4(o->nonce_len) +
	       knts_pad4(KNTS_SIV_TAG_LEN + pt_len) + o->extra_pad;
	ad[0].data = p;
	ad[0].len = off;
	put_unaligned_be16(KNTS_EF_AUTH, p + off);
	put_unaligned_be16(alen, p + off + 2);
	put_unaligned_be16(o->nonce_len, p + off + 4);
	put_unaligned_be16(KNTS_SIV_TAG_LEN + pt_len, p + off + 6);
	memset(p + off + 8, 0, alen - KNTS_EF_HDR_LEN - 4);
	memset(p + off + 8, 0x5a, o->nonce_len);
	ad[1].data = p + off + 8;
	ad[1].len = o->nonce_len;
	ct = p + off + 8 + knts_pad4(o->nonce_len);
	for (i = 0; i < o->inner_placeholders; i++)
		put_ef(ct + KNTS_SIV_TAG_LEN +
		       i * (KNTS_EF_HDR_LEN + KNTS_COOKIE_LEN),
		       KNTS_EF_PLACEHOLDER, KNTS_COOKIE_LEN, 0);
	knts_siv_encrypt(&c->c2s, ad, 2, ct, pt_len);
	return off + alen;
}

static const struct req_opts base_opts = {
	.uid_len = 32, .placeholders = 1, .nonce_len = 16,
};

/* What the server does with a request: parse, open, verify, reply. */
static int serve(struct kunit *test, struct nts_ctx *c, unsigned int len,
		 struct knts_resp *r)
{
	static const struct knts_time_params tp = {
		.leap = 0, .stratum = 2, .precision = -20, .refid = 0x7f000001,
	};
	struct knts_req req;
	const u8 *keys = c->cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	bool simd;
	int err;

	err = knts_ntp_parse(c->req, len, &req);
	if (err)
		return err;
	KUNIT_ASSERT_TRUE(test, req.nts);
	KUNIT_ASSERT_EQ(test, req.cookie_len, (unsigned int)KNTS_COOKIE_LEN);
	memcpy(c->cookie, req.cookie, KNTS_COOKIE_LEN);
	KUNIT_ASSERT_EQ(test, knts_cookie_open(&c->master, c->cookie,
					       KNTS_COOKIE_LEN), 0);
	KUNIT_ASSERT_EQ(test, knts_siv_setkey(&c->srv, keys,
					      KNTS_SESSION_KEY_LEN), 0);
	/* One section for the request, as the module's receive path. */
	simd = knts_siv_begin();
	err = knts_nts_verify(&req, &c->srv, simd);
	if (!err)
		err = knts_nts_reply_begin(r, c->reply, &req, &tp, 111,
					   &c->master,
					   knts_cookie_key_id(req.cookie), keys,
					   simd);
	if (!err)
		err = knts_nts_reply_seal(r, &c->srv,
					  keys + KNTS_SESSION_KEY_LEN, 222,
					  simd);
	knts_siv_end(simd);
	return err;
}

static void knts_nts_exchange(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct knts_client_reply cr;
	static const u8 nonce[KNTS_NONCE_LEN] = { 9 };
	u8 uid[32];
	struct knts_resp r;
	int len, i;

	memset(uid, 0x42, sizeof(uid));
	len = knts_client_request(c->req, BUF_LEN, uid, sizeof(uid),
				  cookie_vectors[0].cookie, KNTS_COOKIE_LEN, 2,
				  &c->c2s, nonce, TX_TS);
	KUNIT_ASSERT_EQ(test, len, 48 + 36 + 3 * 104 + 40);
	KUNIT_ASSERT_EQ(test, serve(test, c, len, &r), 0);
	KUNIT_EXPECT_EQ(test, r.len, (unsigned int)len);
	KUNIT_EXPECT_EQ(test, r.cookies, 3u);
	KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, r.len, uid,
						sizeof(uid), TX_TS, &c->s2c,
						&cr), 0);
	KUNIT_EXPECT_FALSE(test, cr.nak);
	KUNIT_EXPECT_EQ(test, cr.stratum, 2);
	KUNIT_EXPECT_EQ(test, cr.rx_ts, 111ull);
	KUNIT_EXPECT_EQ(test, cr.tx_ts, 222ull);
	KUNIT_ASSERT_EQ(test, cr.cookies, 3u);
	/* Fresh cookies carry the same session keys under the master key. */
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, cr.cookie_len[i],
				(unsigned int)KNTS_COOKIE_LEN);
		memcpy(c->cookie, cr.cookie[i], KNTS_COOKIE_LEN);
		KUNIT_ASSERT_EQ(test, knts_cookie_open(&c->master, c->cookie,
						       KNTS_COOKIE_LEN), 0);
		KNTS_EXPECT_MEMEQ(test, c->cookie + KNTS_COOKIE_HDR_LEN +
				  KNTS_SIV_TAG_LEN, cookie_vectors[0].keys,
				  KNTS_COOKIE_KEYS_LEN);
	}
	/* A reply tampered in the header fails the client's check. */
	KUNIT_ASSERT_EQ(test, serve(test, c, len, &r), 0);
	c->reply[KNTS_NTP_OFF_STRATUM] = 1;
	KUNIT_EXPECT_EQ(test, knts_client_reply(c->reply, r.len, uid,
						sizeof(uid), TX_TS, &c->s2c,
						&cr), -EPERM);
}

/* One row of the parser table: a change to the base request. */
struct parse_case {
	const char *name;
	void (*mutate)(u8 *p, unsigned int *len);
	struct req_opts opts;
	int want;
	bool nts;
};

#define AUTH_OFF (48 + 36 + 104 + 104)	/* in the base request */

static void m_none(u8 *p, unsigned int *len) { }
static void m_plain(u8 *p, unsigned int *len) { *len = 48; }
static void m_plain_v3(u8 *p, unsigned int *len) { *len = 48; p[0] = 3 << 3 | 3; }
static void m_v3_efs(u8 *p, unsigned int *len) { p[0] = 3 << 3 | 3; }
static void m_mode4(u8 *p, unsigned int *len) { p[0] = 4 << 3 | 4; }
static void m_mode0(u8 *p, unsigned int *len) { p[0] = 4 << 3 | 0; }
static void m_mode7(u8 *p, unsigned int *len) { p[0] = 4 << 3 | 7; }
static void m_version0(u8 *p, unsigned int *len) { p[0] = 0 << 3 | 3; }
static void m_version5(u8 *p, unsigned int *len) { p[0] = 5 << 3 | 3; }
static void m_short(u8 *p, unsigned int *len) { *len = 44; }
static void m_odd(u8 *p, unsigned int *len) { *len = 50; }
static void m_jumbo(u8 *p, unsigned int *len) { *len = KNTS_NTP_MAX_LEN + 4; }
static void m_uid_zero_len(u8 *p, unsigned int *len) { put_unaligned_be16(0, p + 50); }
static void m_uid_len_12(u8 *p, unsigned int *len) { put_unaligned_be16(12, p + 50); }
static void m_uid_len_odd(u8 *p, unsigned int *len) { put_unaligned_be16(34, p + 50); }
static void m_uid_overflow(u8 *p, unsigned int *len) { put_unaligned_be16(0xfffc, p + 50); }
static void m_no_uid(u8 *p, unsigned int *len) { put_unaligned_be16(0x7777, p + 48); }
static void m_uid_as_cookie(u8 *p, unsigned int *len)
{
	put_unaligned_be16(KNTS_EF_COOKIE, p + 48);
}

static void m_no_cookie(u8 *p, unsigned int *len) { put_unaligned_be16(0x7777, p + 84); }
static void m_no_auth(u8 *p, unsigned int *len) { put_unaligned_be16(0x7777, p + AUTH_OFF); }
static void m_placeholder_as_cookie(u8 *p, unsigned int *len)
{
	put_unaligned_be16(KNTS_EF_COOKIE, p + 48 + 36 + 104);
}

static void m_placeholder_short(u8 *p, unsigned int *len)
{
	/* Shorten the placeholder by 4 and the packet with it. */
	put_unaligned_be16(100, p + 48 + 36 + 104 + 2);
	memmove(p + AUTH_OFF - 4, p + AUTH_OFF, *len - AUTH_OFF);
	*len -= 4;
}

static void m_ef_after_auth(u8 *p, unsigned int *len)
{
	put_unaligned_be16(0x7777, p + *len);
	put_unaligned_be16(28, p + *len + 2);
	memset(p + *len + 4, 0, 24);
	*len += 28;
}

static void m_mac_after_auth(u8 *p, unsigned int *len)
{
	memset(p + *len, 0, 20);
	*len += 20;
}

static void m_auth_nonce0(u8 *p, unsigned int *len) { put_unaligned_be16(0, p + AUTH_OFF + 4); }
static void m_auth_ct8(u8 *p, unsigned int *len) { put_unaligned_be16(8, p + AUTH_OFF + 6); }
static void m_auth_ct_overflow(u8 *p, unsigned int *len)
{
	put_unaligned_be16(400, p + AUTH_OFF + 6);
}

static void m_auth_nonce_overflow(u8 *p, unsigned int *len)
{
	put_unaligned_be16(30, p + AUTH_OFF + 4);
}

static void m_auth_bad_tag(u8 *p, unsigned int *len) { p[AUTH_OFF + 8 + 16] ^= 1; }
static void m_auth_bad_ad(u8 *p, unsigned int *len) { p[KNTS_NTP_OFF_POLL] ^= 1; }

static const struct parse_case parse_cases[] = {
	{ "valid NTS request", m_none, base_opts, 0, true },
	{ "plain NTPv4", m_plain, base_opts, 0, false },
	{ "plain NTPv3", m_plain_v3, base_opts, 0, false },
	{ "NTPv3 with extension fields", m_v3_efs, base_opts, -EBADMSG },
	{ "mode 4", m_mode4, base_opts, -EPROTO },
	{ "mode 0", m_mode0, base_opts, -EPROTO },
	{ "mode 7", m_mode7, base_opts, -EPROTO },
	{ "version 0", m_version0, base_opts, -EBADMSG },
	{ "version 5", m_version5, base_opts, -EBADMSG },
	{ "shorter than a header", m_short, base_opts, -EMSGSIZE },
	{ "length not a multiple of 4", m_odd, base_opts, -EMSGSIZE },
	{ "jumbo", m_jumbo, base_opts, -EMSGSIZE },
	{ "EF length 0", m_uid_zero_len, base_opts, -EBADMSG },
	{ "EF length 12", m_uid_len_12, base_opts, -EBADMSG },
	{ "EF length not a multiple of 4", m_uid_len_odd, base_opts, -EBADMSG },
	{ "EF length past the end", m_uid_overflow, base_opts, -EBADMSG },
	{ "no unique identifier", m_no_uid, base_opts, -EBADMSG },
	{ "two cookies", m_uid_as_cookie, base_opts, -EBADMSG },
	{ "placeholder as second cookie", m_placeholder_as_cookie, base_opts,
	  -EBADMSG },
	{ "no cookie", m_no_cookie, base_opts, -EBADMSG },
	{ "no authenticator", m_no_auth, base_opts, -EBADMSG },
	{ "placeholder shorter than the cookie", m_placeholder_short,
	  base_opts, -EBADMSG },
	{ "EF after the authenticator", m_ef_after_auth, base_opts, -EBADMSG },
	{ "MAC after the authenticator", m_mac_after_auth, base_opts,
	  -EBADMSG },
	{ "nonce length 0", m_auth_nonce0, base_opts, -EBADMSG },
	{ "ciphertext shorter than a tag", m_auth_ct8, base_opts, -EBADMSG },
	{ "ciphertext past the EF", m_auth_ct_overflow, base_opts, -EBADMSG },
	{ "nonce past the EF", m_auth_nonce_overflow, base_opts, -EBADMSG },
	{ "unique identifier of 28 bytes", m_none,
	  { .uid_len = 28, .nonce_len = 16 }, -EBADMSG },
	{ "unique identifier of 64 bytes", m_none,
	  { .uid_len = 64, .nonce_len = 16 }, 0, true },
	{ "unknown EF before the cookie", m_none,
	  { .uid_len = 32, .nonce_len = 16, .unknown_len = 20 }, 0, true },
	{ "12-byte nonce without padding", m_none,
	  { .uid_len = 32, .nonce_len = 12 }, -EBADMSG },
	{ "12-byte nonce with padding", m_none,
	  { .uid_len = 32, .nonce_len = 12, .extra_pad = 4 }, 0, true },
	{ "32-byte nonce", m_none,
	  { .uid_len = 32, .nonce_len = 32 }, 0, true },
	/* Parsed fine; the tag check is knts_nts_verify()'s. */
	{ "bad tag parses", m_auth_bad_tag, base_opts, 0, true },
	{ "changed header parses", m_auth_bad_ad, base_opts, 0, true },
};

static void parse_case_desc(const struct parse_case *pc, char *desc)
{
	strscpy(desc, pc->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse_case, parse_cases, parse_case_desc);

static void knts_nts_parse_table(struct kunit *test)
{
	const struct parse_case *pc = test->param_value;
	struct nts_ctx *c = test->priv;
	struct knts_req req;
	unsigned int len;

	len = build_req(c, &pc->opts);
	pc->mutate(c->req, &len);
	KUNIT_EXPECT_EQ(test, knts_ntp_parse(c->req, len, &req), pc->want);
	if (!pc->want)
		KUNIT_EXPECT_EQ(test, req.nts, pc->nts);
}

static void knts_nts_verify_failures(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct knts_resp r;
	unsigned int len;

	len = build_req(c, &base_opts);
	m_auth_bad_tag(c->req, &len);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);

	len = build_req(c, &base_opts);
	m_auth_bad_ad(c->req, &len);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);
}

/* Every truncation of a valid request is refused, never read past. */
static void knts_nts_truncations(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct knts_req req;
	unsigned int len, cut;

	len = build_req(c, &base_opts);
	for (cut = 0; cut < len; cut++)
		KUNIT_EXPECT_NE_MSG(test, knts_ntp_parse(c->req, cut, &req) == 0 &&
				    req.nts, true, "accepted at %u bytes", cut);
}

static void knts_nts_reply_never_larger(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct knts_client_reply cr;
	struct rnd_state rnd;
	unsigned int i, served = 0;
	struct knts_resp r;
	u8 uid[128];

	prandom_seed_state(&rnd, 5297);
	memset(uid, 0xa5, sizeof(uid));
	for (i = 0; i < 400; i++) {
		struct req_opts o = {
			.uid_len = 32 + 4 * (prandom_u32_state(&rnd) % 25),
			.placeholders = prandom_u32_state(&rnd) % 10,
			.inner_placeholders = prandom_u32_state(&rnd) % 3,
			.nonce_len = 1 + prandom_u32_state(&rnd) % 40,
			.unknown_len = 12 + 4 * (prandom_u32_state(&rnd) % 4),
		};
		unsigned int len, want;
		int err;

		if (prandom_u32_state(&rnd) % 2)
			o.unknown_len = 0;
		if (knts_pad4(o.nonce_len) < KNTS_NONCE_LEN)
			o.extra_pad = KNTS_NONCE_LEN - knts_pad4(o.nonce_len);
		o.extra_pad += 4 * (prandom_u32_state(&rnd) % 3);
		len = build_req(c, &o);
		err = serve(test, c, len, &r);
		if (len > KNTS_NTP_MAX_LEN) {
			KUNIT_EXPECT_EQ(test, err, -EMSGSIZE);
			continue;
		}
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "request %u", i);
		served++;
		KUNIT_EXPECT_LE(test, r.len, len);
		want = min(KNTS_MAX_COOKIES,
			   1 + o.placeholders + o.inner_placeholders);
		KUNIT_EXPECT_LE(test, r.cookies, want);
		/* Cookies are dropped only when they would not fit. */
		if (r.cookies < want)
			KUNIT_EXPECT_GT(test, r.ct_off + KNTS_SIV_TAG_LEN +
					r.pt_len + KNTS_EF_HDR_LEN +
					KNTS_COOKIE_LEN, len);
		KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, r.len, uid,
							o.uid_len, TX_TS,
							&c->s2c, &cr), 0);
		KUNIT_EXPECT_EQ(test, cr.cookies, r.cookies);
	}
	KUNIT_EXPECT_GT(test, served, 200u);
}

static void knts_nts_nak_and_plain(struct kunit *test)
{
	static const struct knts_time_params tp = { .stratum = 3 };
	struct nts_ctx *c = test->priv;
	struct knts_client_reply cr;
	struct knts_req req;
	unsigned int len, n;
	u8 uid[32];

	memset(uid, 0xa5, sizeof(uid));
	len = build_req(c, &base_opts);
	KUNIT_ASSERT_EQ(test, knts_ntp_parse(c->req, len, &req), 0);
	n = knts_ntp_build_kod(c->reply, &req, &tp, KNTS_KISS_NTSN, 1, 2);
	KUNIT_EXPECT_EQ(test, n, 48u + 36u);
	KUNIT_EXPECT_LE(test, n, len);
	KUNIT_EXPECT_EQ(test, c->reply[1], 0);	/* stratum 0 */
	KUNIT_EXPECT_EQ(test, c->reply[0] >> 6, 3);
	KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, n, uid, sizeof(uid),
						TX_TS, &c->s2c, &cr), 0);
	KUNIT_EXPECT_TRUE(test, cr.nak);

	n = knts_ntp_build_plain(c->reply, &req, &tp, 1, 2);
	KUNIT_EXPECT_EQ(test, n, 48u);
	KUNIT_EXPECT_EQ(test, c->reply[0] & 7, 4);
	KUNIT_EXPECT_EQ(test, c->reply[1], 3);
	KUNIT_EXPECT_EQ(test, c->reply[KNTS_NTP_OFF_POLL], 6);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(c->reply + KNTS_NTP_OFF_ORIGIN_TS),
			TX_TS);
}

/* Fewer cookies when the request is too short to carry them all. */
static void knts_nts_reply_cookie_budget(struct kunit *test)
{
	static const struct knts_time_params tp = { .stratum = 2 };
	struct nts_ctx *c = test->priv;
	unsigned int bare = 48 + 36 + 4 + 4 + 16 + 16;
	struct knts_req req = {
		.pkt = c->req, .uid = c->req + 52, .uid_len = 32,
		.cookies_wanted = 3, .version = 4,
	};
	struct knts_resp r;

	req.len = bare + 3 * 104;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req), 3u);
	req.len = bare + 3 * 104 - 4;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req), 2u);
	req.len = bare + 104;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req), 1u);
	req.len = bare;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req), 0u);
	KUNIT_EXPECT_EQ(test, knts_nts_reply_begin(&r, c->reply, &req, &tp, 1,
						   &c->master, 1,
						   cookie_vectors[0].keys,
						   false), 0);
	KUNIT_EXPECT_EQ(test, r.len, bare);
	req.len = bare - 4;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_begin(&r, c->reply, &req, &tp, 1,
						   &c->master, 1,
						   cookie_vectors[0].keys,
						   false),
			-EMSGSIZE);
}

static struct kunit_case knts_nts_cases[] = {
	KUNIT_CASE(knts_nts_reply_cookie_budget),
	KUNIT_CASE(knts_nts_exchange),
	KUNIT_CASE_PARAM(knts_nts_parse_table, parse_case_gen_params),
	KUNIT_CASE(knts_nts_verify_failures),
	KUNIT_CASE(knts_nts_truncations),
	KUNIT_CASE(knts_nts_reply_never_larger),
	KUNIT_CASE(knts_nts_nak_and_plain),
	{}
};

static struct kunit_suite knts_nts_suite = {
	.name = "knts_nts",
	.init = nts_ctx_init,
	.exit = nts_ctx_exit,
	.test_cases = knts_nts_cases,
};

kunit_test_suite(knts_nts_suite);
