// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the NTS request parser (a table of good and bad packets), the
 * whole server exchange on the kernel backend for every master key and
 * session AEAD (15 and 30 each), the nonce rules of each session AEAD, and
 * the property that a reply is never longer than its request, with fewer
 * cookies when the sealing key's are longer.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "cookie_vectors.h"
#include "cookie30_vectors.h"
#include "nts_client.h"
#include "kmod/siv_kernel.h"
#include "test_util.h"

#define BUF_LEN 2048
#define TX_TS 0xeb1f2a3b4c5d6e7fULL
#define KEY_ID 0x1f21a13e

/* How a test request is made. */
struct req_opts {
	unsigned int uid_len;
	unsigned int placeholders;
	unsigned int inner_placeholders;
	unsigned int nonce_len;
	unsigned int extra_pad;
	unsigned int unknown_len;	/* an unknown EF before the cookie */
};

/* One AEAD instance of either algorithm, with its own scratch. */
struct side {
	struct knts_siv siv;
	struct knts_aes128 kgk, mek;
	struct knts_aead a;
};

/*
 * A session's two ends: the master key (and one of the other AEAD), the
 * client's C2S and S2C, the server's instance; the session's keys, its
 * cookie (the request's), and what the server opens from it.
 */
struct nts_ctx {
	struct side master, other, c2s, s2c, srv;
	u16 master_alg, alg;
	const u8 *keys;
	unsigned int keys_len;
	u8 *cookie;
	unsigned int cookie_len;
	u8 *opened;
	u8 *req, *reply;
};

static int side_key(struct side *s, u16 alg, const u8 *key, bool long_lived)
{
	bool simd;
	int err;

	s->a = (struct knts_aead){
		.alg = alg, .siv = &s->siv, .kgk = &s->kgk, .mek = &s->mek,
	};
	if (alg == KNTS_AEAD_AES_SIV_CMAC_256 && long_lived)
		return knts_siv_setkey_long(&s->siv, key, KNTS_SIV_KEY_LEN);
	simd = knts_siv_begin();
	err = knts_aead_setkey(&s->a, key, knts_aead_key_len(alg), simd);
	knts_siv_end(simd);
	return err;
}

/* The master key of an AEAD: vector 0's (15) or a cookie30 vector's (30). */
static const u8 *master_key(u16 alg)
{
	return alg == KNTS_AEAD_AES_SIV_CMAC_256 ? cookie_vectors[0].master :
	       cookie30_vectors[2].master;
}

/*
 * Keys the context for a master key of @master_alg and a session of @alg:
 * the session's keys are vector 0's 64 bytes or a cookie30 vector's 32,
 * the cookie is vector 0's for AEAD 15 on both, else sealed here.
 */
static void nts_setup(struct kunit *test, struct nts_ctx *c, u16 master_alg,
		      u16 alg)
{
	unsigned int klen = alg == KNTS_AEAD_AES_SIV_CMAC_256 ? 64 : 32;
	u16 other = master_alg == KNTS_AEAD_AES_SIV_CMAC_256 ?
		    KNTS_AEAD_AES_128_GCM_SIV : KNTS_AEAD_AES_SIV_CMAC_256;

	c->master_alg = master_alg;
	c->alg = alg;
	c->keys_len = klen;
	c->keys = klen == 64 ? cookie_vectors[0].keys :
		  cookie30_vectors[2].keys;
	c->cookie_len = knts_cookie_len(master_alg, klen);
	KUNIT_ASSERT_EQ(test, side_key(&c->master, master_alg,
				       master_key(master_alg), true), 0);
	KUNIT_ASSERT_EQ(test, side_key(&c->other, other, master_key(other),
				       true), 0);
	KUNIT_ASSERT_EQ(test, side_key(&c->c2s, alg, c->keys, false), 0);
	KUNIT_ASSERT_EQ(test, side_key(&c->s2c, alg, c->keys + klen / 2,
				       false), 0);
	if (master_alg == KNTS_AEAD_AES_SIV_CMAC_256 && klen == 64) {
		memcpy(c->cookie, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
		return;
	}
	memcpy(c->cookie + knts_cookie_keys_off(master_alg), c->keys, klen);
	KUNIT_ASSERT_EQ(test, knts_cookie_seal(&c->master.a, KEY_ID, c->cookie,
					       klen), 0);
}

static int nts_ctx_init(struct kunit *test)
{
	struct nts_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->req = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	c->reply = kunit_kzalloc(test, BUF_LEN, GFP_KERNEL);
	c->cookie = kunit_kzalloc(test, KNTS_COOKIE_MAX_LEN, GFP_KERNEL);
	c->opened = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	if (!c->req || !c->reply || !c->cookie || !c->opened ||
	    knts_siv_init(&c->master.siv) || knts_siv_init(&c->other.siv) ||
	    knts_siv_init(&c->c2s.siv) || knts_siv_init(&c->s2c.siv) ||
	    knts_siv_init(&c->srv.siv))
		return -ENOMEM;
	c->srv.a = (struct knts_aead){
		.siv = &c->srv.siv, .kgk = &c->srv.kgk, .mek = &c->srv.mek,
	};
	test->priv = c;
	nts_setup(test, c, KNTS_AEAD_AES_SIV_CMAC_256,
		  KNTS_AEAD_AES_SIV_CMAC_256);
	return 0;
}

static void nts_ctx_exit(struct kunit *test)
{
	struct nts_ctx *c = test->priv;

	if (!c)
		return;
	knts_siv_uninit(&c->master.siv);
	knts_siv_uninit(&c->other.siv);
	knts_siv_uninit(&c->c2s.siv);
	knts_siv_uninit(&c->s2c.siv);
	knts_siv_uninit(&c->srv.siv);
}

static unsigned int put_ef(u8 *p, u16 type, unsigned int body_len, u8 fill)
{
	put_unaligned_be16(type, p);
	put_unaligned_be16(KNTS_EF_HDR_LEN + body_len, p + 2);
	memset(p + KNTS_EF_HDR_LEN, fill, body_len);
	return KNTS_EF_HDR_LEN + body_len;
}

/*
 * A request as a client would send it, authenticated with C2S.  An AEAD 30
 * session's nonce other than 12 bytes: sealed over its first 12 (what a
 * server that ignored the length would check), or not at all when shorter.
 */
static unsigned int build_req(struct nts_ctx *c, const struct req_opts *o)
{
	unsigned int off, i, pt_len, alen, pt_off = knts_aead_pt_off(c->alg);
	u8 *p = c->req, *ct, *nonce;
	bool simd;

	memset(p, 0, KNTS_NTP_HDR_LEN);
	p[0] = 4 << 3 | 3;
	p[KNTS_NTP_OFF_POLL] = 6;
	put_unaligned_be64(TX_TS, p + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	off += put_ef(p + off, KNTS_EF_UNIQUE_ID, o->uid_len, 0xa5);
	if (o->unknown_len)
		off += put_ef(p + off, 0x7777, o->unknown_len, 0x3c);
	put_unaligned_be16(KNTS_EF_COOKIE, p + off);
	put_unaligned_be16(KNTS_EF_HDR_LEN + c->cookie_len, p + off + 2);
	memcpy(p + off + KNTS_EF_HDR_LEN, c->cookie, c->cookie_len);
	off += KNTS_EF_HDR_LEN + c->cookie_len;
	for (i = 0; i < o->placeholders; i++)
		off += put_ef(p + off, KNTS_EF_PLACEHOLDER, c->cookie_len, 0);

	pt_len = o->inner_placeholders * (KNTS_EF_HDR_LEN + c->cookie_len);
	alen = KNTS_EF_HDR_LEN + 4 + knts_pad4(o->nonce_len) +
	       knts_pad4(KNTS_AEAD_TAG_LEN + pt_len) + o->extra_pad;
	put_unaligned_be16(KNTS_EF_AUTH, p + off);
	put_unaligned_be16(alen, p + off + 2);
	put_unaligned_be16(o->nonce_len, p + off + 4);
	put_unaligned_be16(KNTS_AEAD_TAG_LEN + pt_len, p + off + 6);
	memset(p + off + 8, 0, alen - KNTS_EF_HDR_LEN - 4);
	nonce = p + off + 8;
	memset(nonce, 0x5a, o->nonce_len);
	ct = nonce + knts_pad4(o->nonce_len);
	for (i = 0; i < o->inner_placeholders; i++)
		put_ef(ct + pt_off + i * (KNTS_EF_HDR_LEN + c->cookie_len),
		       KNTS_EF_PLACEHOLDER, c->cookie_len, 0);
	simd = knts_siv_begin();
	if (c->alg == KNTS_AEAD_AES_SIV_CMAC_256 ||
	    o->nonce_len == KNTS_GCMSIV_NONCE_LEN)
		knts_aead_seal(&c->c2s.a, simd, nonce, o->nonce_len, p, off, ct,
			       pt_len);
	else if (o->nonce_len > KNTS_GCMSIV_NONCE_LEN)
		knts_gcmsiv_seal(&c->c2s.kgk, &c->c2s.mek, simd, nonce, p, off,
				 ct, pt_len);
	knts_siv_end(simd);
	return off + alen;
}

static const struct req_opts base_opts = {
	.uid_len = 32, .placeholders = 1, .nonce_len = 16,
};

/*
 * What the server does with a request: parse, open the cookie under the
 * master key, verify with the session's AEAD, reply with fresh cookies
 * under @rm (the master key when NULL).
 */
static int serve_with(struct kunit *test, struct nts_ctx *c, unsigned int len,
		      struct knts_resp *r, struct side *rm)
{
	static const struct knts_time_params tp = {
		.leap = 0, .stratum = 2, .precision = -20, .refid = 0x7f000001,
	};
	struct knts_req req;
	unsigned int klen;
	bool simd;
	int err;

	err = knts_ntp_parse(c->req, len, &req);
	if (err)
		return err;
	KUNIT_ASSERT_TRUE(test, req.nts);
	rm = rm ?: &c->master;
	simd = knts_siv_begin();
	err = knts_cookie_open(&c->master.a, simd, req.cookie, req.cookie_len,
			       c->opened);
	knts_siv_end(simd);
	KUNIT_ASSERT_GT_MSG(test, err, 0, "the cookie did not open");
	klen = err;
	c->srv.a.alg = knts_session_alg(klen);
	/* One section for the rest, as the module's receive path. */
	simd = knts_siv_begin();
	err = knts_aead_setkey(&c->srv.a, c->opened, klen / 2, simd);
	if (!err)
		err = knts_nts_verify(&req, &c->srv.a, simd);
	if (!err)
		err = knts_nts_reply_begin(r, c->reply, &req, &tp, 111, &rm->a,
					   knts_cookie_key_id(req.cookie),
					   c->opened, klen, simd);
	if (!err)
		err = knts_nts_reply_seal(r, &c->srv.a, c->opened + klen / 2,
					  222, simd);
	knts_siv_end(simd);
	return err;
}

static int serve(struct kunit *test, struct nts_ctx *c, unsigned int len,
		 struct knts_resp *r)
{
	return serve_with(test, c, len, r, NULL);
}

/* Cookies of @cr: each @len bytes, opening under @m to the session's keys. */
static void expect_cookies(struct kunit *test, struct nts_ctx *c,
			   const struct knts_client_reply *cr, struct side *m,
			   unsigned int len)
{
	unsigned int i;
	bool simd;

	for (i = 0; i < cr->cookies; i++) {
		KUNIT_ASSERT_EQ(test, cr->cookie_len[i], len);
		memset(c->opened, 0, KNTS_COOKIE_KEYS_LEN);
		simd = knts_siv_begin();
		KUNIT_EXPECT_EQ(test, knts_cookie_open(&m->a, simd, cr->cookie[i],
						       len, c->opened),
				(int)c->keys_len);
		knts_siv_end(simd);
		KNTS_EXPECT_MEMEQ(test, c->opened, c->keys, c->keys_len);
	}
}

/* The master key and session AEADs of an exchange. */
struct combo {
	const char *name;
	u16 master, alg;
};

static const struct combo combos[] = {
	{ "master 15 session 15", 15, 15 },
	{ "master 15 session 30", 15, 30 },
	{ "master 30 session 15", 30, 15 },
	{ "master 30 session 30", 30, 30 },
};

static void combo_desc(const struct combo *cb, char *desc)
{
	strscpy(desc, cb->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(combo, combos, combo_desc);

static void knts_nts_exchange(struct kunit *test)
{
	const struct combo *cb = test->param_value;
	struct nts_ctx *c = test->priv;
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 9 };
	struct knts_client_reply cr;
	unsigned int nlen;
	struct knts_resp r;
	u8 uid[32];
	int len;

	nts_setup(test, c, cb->master, cb->alg);
	nlen = knts_aead_nonce_len(cb->alg);
	memset(uid, 0x42, sizeof(uid));
	len = knts_client_request(c->req, BUF_LEN, uid, sizeof(uid), c->cookie,
				  c->cookie_len, 2, &c->c2s.a, nonce, TX_TS);
	/* The session AEAD's nonce, without padding. */
	KUNIT_ASSERT_EQ(test, len, 48 + 36 + 3 * (4 + c->cookie_len) + 8 +
			nlen + 16);
	KUNIT_ASSERT_EQ(test, serve(test, c, len, &r), 0);
	KUNIT_EXPECT_EQ(test, r.len, (unsigned int)len);
	KUNIT_EXPECT_EQ(test, r.nonce_len, nlen);
	KUNIT_EXPECT_EQ(test, r.cookies, 3u);
	KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, r.len, uid,
						sizeof(uid), TX_TS, &c->s2c.a,
						&cr), 0);
	KUNIT_EXPECT_FALSE(test, cr.nak);
	KUNIT_EXPECT_EQ(test, cr.stratum, 2);
	KUNIT_EXPECT_EQ(test, cr.rx_ts, 111ull);
	KUNIT_EXPECT_EQ(test, cr.tx_ts, 222ull);
	KUNIT_ASSERT_EQ(test, cr.cookies, 3u);
	/* Fresh cookies carry the same session keys under the master key. */
	expect_cookies(test, c, &cr, &c->master, c->cookie_len);
	/* A reply tampered in the header fails the client's check. */
	KUNIT_ASSERT_EQ(test, serve(test, c, len, &r), 0);
	c->reply[KNTS_NTP_OFF_STRATUM] = 1;
	KUNIT_EXPECT_EQ(test, knts_client_reply(c->reply, r.len, uid,
						sizeof(uid), TX_TS, &c->s2c.a,
						&cr), -EPERM);
	/* Another session's C2S: a NAK. */
	len = knts_client_request(c->req, BUF_LEN, uid, sizeof(uid), c->cookie,
				  c->cookie_len, 0, &c->s2c.a, nonce, TX_TS);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);
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
	/*
	 * 12 bytes of nonce and padding at least: AEAD 30's nonce, which
	 * chrony sends unpadded; the session's AEAD decides the rest
	 * (knts_nts_verify()).
	 */
	{ "12-byte nonce without padding", m_none,
	  { .uid_len = 32, .nonce_len = 12 }, 0, true },
	{ "12-byte nonce with padding", m_none,
	  { .uid_len = 32, .nonce_len = 12, .extra_pad = 4 }, 0, true },
	{ "8-byte nonce with 4 padding", m_none,
	  { .uid_len = 32, .nonce_len = 8, .extra_pad = 4 }, 0, true },
	{ "8-byte nonce without padding", m_none,
	  { .uid_len = 32, .nonce_len = 8 }, -EBADMSG },
	{ "4-byte nonce with 4 padding", m_none,
	  { .uid_len = 32, .nonce_len = 4, .extra_pad = 4 }, -EBADMSG },
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

/*
 * The nonce rules: an AEAD 15 session's nonce and padding make up 16 bytes
 * (else the request is dropped: -EINVAL); an AEAD 30 session's nonce is 12
 * bytes, padded or not, and any other length is a NAK (-EBADMSG), even
 * when its first 12 bytes would verify.
 */
static void knts_nts_nonce_rules(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct req_opts o = base_opts;
	struct knts_resp r;
	unsigned int len;

	nts_setup(test, c, KNTS_AEAD_AES_128_GCM_SIV,
		  KNTS_AEAD_AES_SIV_CMAC_256);
	o.nonce_len = 12;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EINVAL);
	o.extra_pad = 4;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), 0);
	o.nonce_len = 1;
	o.extra_pad = 12;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), 0);
	o.extra_pad = 8;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EINVAL);

	nts_setup(test, c, KNTS_AEAD_AES_SIV_CMAC_256,
		  KNTS_AEAD_AES_128_GCM_SIV);
	o = base_opts;
	o.nonce_len = 12;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), 0);
	KUNIT_EXPECT_EQ(test, r.nonce_len, 12u);
	o.extra_pad = 8;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), 0);
	o.nonce_len = 16;
	o.extra_pad = 0;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);
	o.nonce_len = 24;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);
	o.nonce_len = 8;
	o.extra_pad = 4;
	len = build_req(c, &o);
	KUNIT_EXPECT_EQ(test, serve(test, c, len, &r), -EBADMSG);
}

/* Every truncation of a valid request is refused, never read past. */
static void knts_nts_truncations(struct kunit *test)
{
	struct nts_ctx *c = test->priv;
	struct req_opts o = base_opts;
	struct knts_req req;
	unsigned int i, len, cut;

	for (i = 0; i < ARRAY_SIZE(combos); i++) {
		nts_setup(test, c, combos[i].master, combos[i].alg);
		o.nonce_len = knts_aead_nonce_len(combos[i].alg);
		len = build_req(c, &o);
		for (cut = 0; cut < len; cut++)
			KUNIT_EXPECT_NE_MSG(test, knts_ntp_parse(c->req, cut,
								 &req) == 0 &&
					    req.nts, true,
					    "%s: accepted at %u bytes",
					    combos[i].name, cut);
	}
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
		const struct combo *cb = &combos[i % ARRAY_SIZE(combos)];
		struct req_opts o = {
			.uid_len = 32 + 4 * (prandom_u32_state(&rnd) % 25),
			.placeholders = prandom_u32_state(&rnd) % 10,
			.inner_placeholders = prandom_u32_state(&rnd) % 3,
			.nonce_len = 1 + prandom_u32_state(&rnd) % 40,
			.unknown_len = 12 + 4 * (prandom_u32_state(&rnd) % 4),
		};
		unsigned int len, want, need;
		int err;

		nts_setup(test, c, cb->master, cb->alg);
		if (prandom_u32_state(&rnd) % 2)
			o.unknown_len = 0;
		/* The nonce each AEAD takes: 12 bytes for AEAD 30. */
		if (cb->alg == KNTS_AEAD_AES_128_GCM_SIV)
			o.nonce_len = KNTS_GCMSIV_NONCE_LEN;
		need = knts_aead_nonce_len(cb->alg);
		if (knts_pad4(o.nonce_len) < need)
			o.extra_pad = need - knts_pad4(o.nonce_len);
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
			KUNIT_EXPECT_GT(test, r.ct_off + KNTS_AEAD_TAG_LEN +
					r.pt_len + KNTS_EF_HDR_LEN +
					c->cookie_len, len);
		KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, r.len, uid,
							o.uid_len, TX_TS,
							&c->s2c.a, &cr), 0);
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
						TX_TS, &c->s2c.a, &cr), 0);
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
	unsigned int bare30 = 48 + 36 + 4 + 4 + 12 + 16;
	struct knts_req req = {
		.pkt = c->req, .uid = c->req + 52, .uid_len = 32,
		.cookies_wanted = 3, .version = 4,
	};
	struct knts_resp r;

	/* Master AEAD 15, AEAD 15 session: 100-byte cookies. */
	req.len = bare + 3 * 104;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 3u);
	req.len = bare + 3 * 104 - 4;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 2u);
	req.len = bare + 104;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 1u);
	req.len = bare;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 0u);
	KUNIT_EXPECT_EQ(test, knts_nts_reply_begin(&r, c->reply, &req, &tp, 1,
						   &c->master.a, 1,
						   cookie_vectors[0].keys, 64,
						   false), 0);
	KUNIT_EXPECT_EQ(test, r.len, bare);
	req.len = bare - 4;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_begin(&r, c->reply, &req, &tp, 1,
						   &c->master.a, 1,
						   cookie_vectors[0].keys, 64,
						   false),
			-EMSGSIZE);
	/* No session has 48 bytes of keys. */
	req.len = bare + 3 * 104;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_begin(&r, c->reply, &req, &tp, 1,
						   &c->master.a, 1,
						   cookie_vectors[0].keys, 48,
						   false),
			-EINVAL);

	/* AEAD 30 session: a 12-byte nonce, 64 or 68-byte cookies. */
	req.len = bare30 + 3 * 68;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 30, 32), 3u);
	/* The AEAD 15 key's are 4 bytes longer: one fewer fits. */
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 32), 2u);
	req.len = bare30 + 3 * 72;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 32), 3u);
	req.len = bare30 + 3 * 68 - 4;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 30, 32), 2u);
	req.len = bare30;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 30, 32), 0u);
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 0u);
	/* An AEAD 15 session under an AEAD 30 key: 96-byte cookies. */
	req.len = bare + 3 * 100;
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 30, 64), 3u);
	KUNIT_EXPECT_EQ(test, knts_nts_reply_cookies(&req, 15, 64), 2u);
}

/*
 * A real exchange whose fresh cookies come from a master key of the other
 * AEAD: longer ones (AEAD 15 after AEAD 30) fit fewer in the reply, which
 * stays within the request's length; shorter ones all fit.
 */
static void knts_nts_reply_other_master(struct kunit *test)
{
	const struct combo *cb = test->param_value;
	struct nts_ctx *c = test->priv;
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 5 };
	struct knts_client_reply cr;
	unsigned int olen, want;
	struct knts_resp r;
	u8 uid[32];
	int len;

	nts_setup(test, c, cb->master, cb->alg);
	olen = knts_cookie_len(c->other.a.alg, c->keys_len);
	/* 3 placeholders, 4 cookies wanted. */
	memset(uid, 0x24, sizeof(uid));
	len = knts_client_request(c->req, BUF_LEN, uid, sizeof(uid), c->cookie,
				  c->cookie_len, 3, &c->c2s.a, nonce, TX_TS);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, serve_with(test, c, len, &r, &c->other), 0);
	KUNIT_EXPECT_LE(test, r.len, (unsigned int)len);
	want = olen > c->cookie_len ? 3 : 4;
	KUNIT_EXPECT_EQ(test, r.cookies, want);
	KUNIT_ASSERT_EQ(test, knts_client_reply(c->reply, r.len, uid,
						sizeof(uid), TX_TS, &c->s2c.a,
						&cr), 0);
	KUNIT_ASSERT_EQ(test, cr.cookies, want);
	expect_cookies(test, c, &cr, &c->other, olen);
}

static struct kunit_case knts_nts_cases[] = {
	KUNIT_CASE(knts_nts_reply_cookie_budget),
	KUNIT_CASE_PARAM(knts_nts_exchange, combo_gen_params),
	KUNIT_CASE_PARAM(knts_nts_reply_other_master, combo_gen_params),
	KUNIT_CASE_PARAM(knts_nts_parse_table, parse_case_gen_params),
	KUNIT_CASE(knts_nts_verify_failures),
	KUNIT_CASE(knts_nts_nonce_rules),
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
