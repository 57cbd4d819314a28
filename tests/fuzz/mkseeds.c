// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz targets, built with the protocol core
 * itself and the keys of fuzz_common.h:
 *
 *   mkseeds DIR    DIR/fuzz_request/  valid NTS requests (placeholders,
 *                                     nonce lengths with padding, unknown
 *                                     EFs, encrypted placeholders) for
 *                                     every master key and session AEAD
 *                                     (cookies of 100, 68, 96, 64 bytes),
 *                                     AEAD 30 requests with a 16-byte nonce
 *                                     and AEAD 15 ones without padding, a
 *                                     cookie under an unknown key, a bad
 *                                     tag, plain NTP and keyed NTP
 *                  DIR/fuzz_cookie/   the vectors' cookies, each kind of
 *                                     cookie under the fuzz keys, a fresh
 *                                     one, cut ones
 *                  DIR/fuzz_reply/    NTS replies of both sessions' AEADs,
 *                                     an NTSN NAK, RATE, plain
 *
 * Fresh cookie nonces and reply nonces are random: a second run writes
 * other bytes of the same shape.
 */
#include <sys/stat.h>

#include "fuzz_common.h"

#define BUF_LEN 2048

static const char *dir;
static unsigned int written;
static struct fuzz_masters m;
static struct knts_aead_ctx c2s[2], srv;

static void put(const char *target, const char *name, const u8 *p,
		unsigned int len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(p, 1, len, f) == len);
	FUZZ_CHECK(fclose(f) == 0);
	written++;
}

/*
 * How a request is made (as the KUnit suite's build_req()): the master
 * key's AEAD and the session's (15 when 0), and the nonce (the session
 * AEAD's length when 0).
 */
struct req_opts {
	unsigned int uid_len;
	unsigned int placeholders;
	unsigned int inner_placeholders;
	unsigned int nonce_len;
	unsigned int extra_pad;
	unsigned int unknown_len;	/* an unknown EF before the cookie */
	const u8 *cookie;		/* instead of the session's */
	u16 master, alg;
};

static unsigned int put_ef(u8 *p, u16 type, unsigned int body_len,
			   const u8 *body, u8 fill)
{
	put_unaligned_be16(type, p);
	put_unaligned_be16(KNTS_EF_HDR_LEN + body_len, p + 2);
	if (body)
		memcpy(p + KNTS_EF_HDR_LEN, body, body_len);
	else
		memset(p + KNTS_EF_HDR_LEN, fill, body_len);
	return KNTS_EF_HDR_LEN + body_len;
}

static unsigned int build_req(u8 *p, const struct req_opts *o)
{
	u16 alg = o->alg ?: KNTS_AEAD_AES_SIV_CMAC_256;
	u16 master = o->master ?: KNTS_AEAD_AES_SIV_CMAC_256;
	unsigned int klen = alg == KNTS_AEAD_AES_SIV_CMAC_256 ? 64 : 32;
	unsigned int nlen = o->nonce_len ?: knts_aead_nonce_len(alg);
	unsigned int off, i, pt_len, alen, clen, pt_off;
	struct knts_aead_ctx *c = &c2s[klen == 64 ? 0 : 1];
	u8 uid[128], cookie[KNTS_COOKIE_MAX_LEN], *ct;

	fuzz_uid(uid);
	for (i = FUZZ_UID_LEN; i < sizeof(uid); i++)
		uid[i] = (u8)i;
	clen = fuzz_cookie(&m, master, klen, cookie);
	if (o->cookie)
		memcpy(cookie, o->cookie, clen);
	memset(p, 0, KNTS_NTP_HDR_LEN);
	p[0] = 4 << 3 | 3;
	p[KNTS_NTP_OFF_POLL] = 6;
	put_unaligned_be64(FUZZ_TX_TS, p + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	off += put_ef(p + off, KNTS_EF_UNIQUE_ID, o->uid_len, uid, 0);
	if (o->unknown_len)
		off += put_ef(p + off, 0x7777, o->unknown_len, NULL, 0x3c);
	off += put_ef(p + off, KNTS_EF_COOKIE, clen, cookie, 0);
	for (i = 0; i < o->placeholders; i++)
		off += put_ef(p + off, KNTS_EF_PLACEHOLDER, clen, NULL, 0);

	pt_len = o->inner_placeholders * (KNTS_EF_HDR_LEN + clen);
	alen = KNTS_EF_HDR_LEN + 4 + knts_pad4(nlen) +
	       knts_pad4(KNTS_AEAD_TAG_LEN + pt_len) + o->extra_pad;
	put_unaligned_be16(KNTS_EF_AUTH, p + off);
	put_unaligned_be16(alen, p + off + 2);
	put_unaligned_be16(nlen, p + off + 4);
	put_unaligned_be16(KNTS_AEAD_TAG_LEN + pt_len, p + off + 6);
	memset(p + off + 8, 0, alen - KNTS_EF_HDR_LEN - 4);
	memset(p + off + 8, 0x5a, nlen);
	ct = p + off + 8 + knts_pad4(nlen);
	pt_off = knts_aead_pt_off(alg);
	for (i = 0; i < o->inner_placeholders; i++)
		put_ef(ct + pt_off + i * (KNTS_EF_HDR_LEN + clen),
		       KNTS_EF_PLACEHOLDER, clen, NULL, 0);
	/*
	 * AES-128-GCM-SIV takes 12 bytes of nonce only: a longer one is
	 * sealed over its first 12 (what a server ignoring the length
	 * would check), a shorter one keeps a zero tag.
	 */
	if (alg == KNTS_AEAD_AES_128_GCM_SIV && nlen > KNTS_GCMSIV_NONCE_LEN)
		FUZZ_CHECK(knts_gcmsiv_seal(&c->kgk, &c->mek, false,
					    p + off + 8, p, off, ct,
					    pt_len) == 0);
	else if (alg != KNTS_AEAD_AES_128_GCM_SIV ||
		 nlen == KNTS_GCMSIV_NONCE_LEN)
		FUZZ_CHECK(knts_aead_seal(&c->a, false, p + off + 8, nlen, p,
					  off, ct, pt_len) == 0);
	return off + alen;
}

/* Serves a request as the server does; returns the reply's length. */
static unsigned int serve(u8 *req_pkt, unsigned int len, u8 *out)
{
	u8 keys[KNTS_COOKIE_KEYS_LEN];
	struct knts_aead_ctx *master;
	struct knts_resp r;
	struct knts_req req;
	unsigned int klen;
	int ret;

	FUZZ_CHECK(knts_ntp_parse(req_pkt, len, &req) == 0 && req.nts);
	master = fuzz_master(&m, knts_cookie_key_id(req.cookie));
	FUZZ_CHECK(master != NULL);
	ret = knts_cookie_open(&master->a, false, req.cookie, req.cookie_len,
			       keys);
	FUZZ_CHECK(ret == 64 || ret == 32);
	klen = (unsigned int)ret;
	FUZZ_CHECK(knts_aead_ctx_setkey(&srv, (u16)knts_session_alg(klen),
					keys, klen / 2, false) == 0);
	FUZZ_CHECK(knts_nts_verify(&req, &srv.a, false) == 0);
	FUZZ_CHECK(knts_nts_reply_begin(&r, out, &req, &fuzz_tp, FUZZ_RX_TS,
					&master->a,
					knts_cookie_key_id(req.cookie), keys,
					klen, false) == 0);
	FUZZ_CHECK(knts_nts_reply_seal(&r, &srv.a, keys + klen / 2,
				       FUZZ_T3_TS, false) == 0);
	return r.len;
}

static void request_seeds(void)
{
	static const struct {
		const char *name;
		struct req_opts o;
	} reqs[] = {
		{ "nts-ph0", { .uid_len = 32 } },
		{ "nts-ph1", { .uid_len = 32, .placeholders = 1 } },
		{ "nts-ph2", { .uid_len = 32, .placeholders = 2 } },
		{ "nts-ph7", { .uid_len = 32, .placeholders = 7 } },
		{ "nts-uid64", { .uid_len = 64, .placeholders = 1 } },
		{ "nts-nonce12-pad", { .uid_len = 32, .nonce_len = 12,
				       .extra_pad = 4 } },
		{ "nts-nonce12-nopad", { .uid_len = 32, .nonce_len = 12 } },
		{ "nts-nonce1-pad", { .uid_len = 32, .nonce_len = 1,
				      .extra_pad = 12 } },
		{ "nts-nonce32", { .uid_len = 32, .nonce_len = 32 } },
		{ "nts-pad-long", { .uid_len = 32, .extra_pad = 200 } },
		{ "nts-unknown-ef", { .uid_len = 32, .placeholders = 1,
				      .unknown_len = 24 } },
		{ "nts-inner-ph2", { .uid_len = 32, .placeholders = 1,
				     .inner_placeholders = 2 } },
		{ "nts-other-key", { .uid_len = 32, .cookie = cv_cookie1 } },
		/* AEAD 15 sessions under the AEAD 30 key: 96-byte cookies. */
		{ "m30-s15-ph1", { .uid_len = 32, .placeholders = 1,
				   .master = 30 } },
		{ "m30-s15-inner-ph2", { .uid_len = 32, .placeholders = 1,
					 .inner_placeholders = 2,
					 .master = 30 } },
		/* AEAD 30 sessions: 64 and 68-byte cookies, 12-byte nonces. */
		{ "m30-s30-ph0", { .uid_len = 32, .master = 30, .alg = 30 } },
		{ "m30-s30-ph3", { .uid_len = 32, .placeholders = 3,
				   .master = 30, .alg = 30 } },
		{ "m30-s30-inner-ph1", { .uid_len = 32, .placeholders = 1,
					 .inner_placeholders = 1,
					 .master = 30, .alg = 30 } },
		{ "m30-s30-pad", { .uid_len = 32, .extra_pad = 8,
				   .unknown_len = 16, .master = 30,
				   .alg = 30 } },
		{ "m30-s30-nonce16", { .uid_len = 32, .nonce_len = 16,
				       .master = 30, .alg = 30 } },
		{ "m30-s30-nonce8-pad", { .uid_len = 32, .nonce_len = 8,
					  .extra_pad = 4, .master = 30,
					  .alg = 30 } },
		{ "m15-s30-ph1", { .uid_len = 32, .placeholders = 1,
				   .alg = 30 } },
		{ "m15-s30-ph7", { .uid_len = 64, .placeholders = 7,
				   .alg = 30 } },
		{ "m30-other-key", { .uid_len = 32, .master = 30, .alg = 30,
				     .cookie = cv30_cookie3 } },
	};
	u8 p[BUF_LEN], cookie[KNTS_COOKIE_MAX_LEN];
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		len = build_req(p, &reqs[i].o);
		put("fuzz_request", reqs[i].name, p, len);
	}
	/* The same from the client side's builder. */
	{
		static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 7, 7, 7 };
		u8 uid[FUZZ_UID_LEN];
		int n;

		fuzz_uid(uid);
		n = knts_client_request(p, sizeof(p), uid, sizeof(uid),
					cookie_vectors[0].cookie,
					KNTS_COOKIE_LEN, 3, &c2s[0].a, nonce,
					FUZZ_TX_TS);
		FUZZ_CHECK(n > 0);
		put("fuzz_request", "client-ph3", p, (unsigned int)n);
		/* A flipped tag: a NAK. */
		p[n - 1] ^= 1;
		put("fuzz_request", "nts-bad-tag", p, (unsigned int)n);

		len = fuzz_cookie(&m, KNTS_AEAD_AES_128_GCM_SIV, 32, cookie);
		n = knts_client_request(p, sizeof(p), uid, sizeof(uid), cookie,
					len, 1, &c2s[1].a, nonce, FUZZ_TX_TS);
		FUZZ_CHECK(n > 0);
		put("fuzz_request", "client30-ph1", p, (unsigned int)n);
		/* A flipped tag: a NAK. */
		p[n - 1] ^= 1;
		put("fuzz_request", "client30-bad-tag", p, (unsigned int)n);
	}

	/* Plain NTPv4 and v3, v4 with an unknown EF, keyed NTP (a MAC). */
	memset(p, 0, 96);
	p[0] = 4 << 3 | 3;
	put_unaligned_be64(FUZZ_TX_TS, p + KNTS_NTP_OFF_TX_TS);
	put("fuzz_request", "plain-v4", p, KNTS_NTP_HDR_LEN);
	put_ef(p + KNTS_NTP_HDR_LEN, 0x2005, 24, NULL, 0x11);
	put("fuzz_request", "plain-v4-ef", p, KNTS_NTP_HDR_LEN + 28);
	memset(p + KNTS_NTP_HDR_LEN, 0, 28);
	put_unaligned_be32(1, p + KNTS_NTP_HDR_LEN);
	put("fuzz_request", "keyed-mac", p, KNTS_NTP_HDR_LEN + 20);
	p[0] = 3 << 3 | 3;
	put("fuzz_request", "plain-v3", p, KNTS_NTP_HDR_LEN);
}

static void cookie_seeds(void)
{
	static const struct {
		const char *name;
		u16 master;
		unsigned int klen;
	} kinds[] = {
		{ "m15-s15", 15, 64 }, { "m15-s30", 15, 32 },
		{ "m30-s15", 30, 64 }, { "m30-s30", 30, 32 },
	};
	u8 cookie[KNTS_COOKIE_MAX_LEN];
	char name[32];
	unsigned int i, len;

	put("fuzz_cookie", "vector0", cookie_vectors[0].cookie,
	    KNTS_COOKIE_LEN);
	put("fuzz_cookie", "vector1", cookie_vectors[1].cookie,
	    KNTS_COOKIE_LEN);
	for (i = 0; i < ARRAY_SIZE(cookie30_vectors); i += 2) {
		snprintf(name, sizeof(name), "vector30-%u", i);
		put("fuzz_cookie", name, cookie30_vectors[i].cookie,
		    cookie30_vectors[i].cookie_len);
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		len = fuzz_cookie(&m, kinds[i].master, kinds[i].klen, cookie);
		put("fuzz_cookie", kinds[i].name, cookie, len);
	}
	memcpy(cookie + knts_cookie_keys_off(15), cookie_vectors[2].keys,
	       KNTS_COOKIE_KEYS_LEN);
	FUZZ_CHECK(knts_cookie_seal(&m.m15.a, fuzz_key_id(), cookie,
				    KNTS_COOKIE_KEYS_LEN) == 0);
	put("fuzz_cookie", "fresh", cookie, KNTS_COOKIE_LEN);
	memcpy(cookie + knts_cookie_keys_off(30), cookie30_vectors[3].keys, 32);
	FUZZ_CHECK(knts_cookie_seal(&m.m30.a, fuzz_key30_id(), cookie,
				    32) == 0);
	put("fuzz_cookie", "fresh30", cookie, 64);
	put("fuzz_cookie", "short", cookie_vectors[0].cookie,
	    KNTS_COOKIE_LEN - 4);
	put("fuzz_cookie", "cut-100-to-96", cookie_vectors[0].cookie, 96);
	put("fuzz_cookie", "cut-96-to-68", cookie30_vectors[0].cookie, 68);
}

static void reply_seeds(void)
{
	static const struct {
		const char *name;
		struct req_opts o;
	} reqs[] = {
		{ "reply-1", { .uid_len = 32 } },
		{ "reply-3", { .uid_len = 32, .placeholders = 2 } },
		{ "reply-8", { .uid_len = 32, .placeholders = 7 } },
		{ "reply-padded", { .uid_len = 32, .unknown_len = 40,
				    .extra_pad = 8 } },
		{ "reply-m30-s15-2", { .uid_len = 32, .placeholders = 1,
				       .master = 30 } },
		{ "reply-m30-s30-1", { .uid_len = 32, .master = 30,
				       .alg = 30 } },
		{ "reply-m30-s30-4", { .uid_len = 32, .placeholders = 3,
				       .master = 30, .alg = 30 } },
		{ "reply-m15-s30-8", { .uid_len = 32, .placeholders = 7,
				       .alg = 30 } },
		{ "reply-s30-padded", { .uid_len = 32, .unknown_len = 40,
					.extra_pad = 8, .master = 30,
					.alg = 30 } },
	};
	u8 p[BUF_LEN], out[BUF_LEN];
	struct knts_req req;
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		len = build_req(p, &reqs[i].o);
		len = serve(p, len, out);
		put("fuzz_reply", reqs[i].name, out, len);
	}
	len = build_req(p, &reqs[0].o);
	FUZZ_CHECK(knts_ntp_parse(p, len, &req) == 0);
	len = knts_ntp_build_kod(out, &req, &fuzz_tp, KNTS_KISS_NTSN,
				 FUZZ_RX_TS, FUZZ_T3_TS);
	put("fuzz_reply", "nak", out, len);
	len = knts_ntp_build_kod(out, &req, &fuzz_tp, KNTS_KISS_RATE,
				 FUZZ_RX_TS, FUZZ_T3_TS);
	put("fuzz_reply", "rate", out, len);
	len = knts_ntp_build_plain(out, &req, &fuzz_tp, FUZZ_RX_TS,
				   FUZZ_T3_TS);
	put("fuzz_reply", "plain", out, len);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	fuzz_masters_init(&m);
	fuzz_session(&c2s[0], fuzz_c2s_key(64), 64);
	fuzz_session(&c2s[1], fuzz_c2s_key(32), 32);
	FUZZ_CHECK(knts_aead_ctx_init(&srv) == 0);
	request_seeds();
	cookie_seeds();
	reply_seeds();
	printf("%u seeds in %s\n", written, dir);
	return 0;
}
