// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz targets, built with the protocol core
 * itself and the keys of fuzz_common.h:
 *
 *   mkseeds DIR    DIR/fuzz_request/  valid NTS requests (placeholders,
 *                                     nonce lengths with padding, unknown
 *                                     EFs, encrypted placeholders), a
 *                                     cookie under an unknown key, a bad
 *                                     tag, plain NTP and keyed NTP
 *                  DIR/fuzz_cookie/   the vectors' cookies, a fresh one
 *                  DIR/fuzz_reply/    NTS replies, an NTSN NAK, RATE, plain
 *
 * Cookie nonces and reply nonces are random: a second run writes other
 * bytes of the same shape.
 */
#include <sys/stat.h>

#include "fuzz_common.h"

#define BUF_LEN 2048

static const char *dir;
static unsigned int written;
static struct knts_siv master, c2s, s2c, srv;

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

/* How a request is made (as the KUnit suite's build_req()). */
struct req_opts {
	unsigned int uid_len;
	unsigned int placeholders;
	unsigned int inner_placeholders;
	unsigned int nonce_len;
	unsigned int extra_pad;
	unsigned int unknown_len;	/* an unknown EF before the cookie */
	const u8 *cookie;
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
	struct knts_siv_vec ad[2];
	unsigned int off, i, pt_len, alen;
	u8 uid[128], *ct;

	fuzz_uid(uid);
	for (i = FUZZ_UID_LEN; i < sizeof(uid); i++)
		uid[i] = (u8)i;
	memset(p, 0, KNTS_NTP_HDR_LEN);
	p[0] = 4 << 3 | 3;
	p[KNTS_NTP_OFF_POLL] = 6;
	put_unaligned_be64(FUZZ_TX_TS, p + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	off += put_ef(p + off, KNTS_EF_UNIQUE_ID, o->uid_len, uid, 0);
	if (o->unknown_len)
		off += put_ef(p + off, 0x7777, o->unknown_len, NULL, 0x3c);
	off += put_ef(p + off, KNTS_EF_COOKIE, KNTS_COOKIE_LEN,
		      o->cookie ? o->cookie : cookie_vectors[0].cookie, 0);
	for (i = 0; i < o->placeholders; i++)
		off += put_ef(p + off, KNTS_EF_PLACEHOLDER, KNTS_COOKIE_LEN,
			      NULL, 0);

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
		       KNTS_EF_PLACEHOLDER, KNTS_COOKIE_LEN, NULL, 0);
	FUZZ_CHECK(knts_siv_encrypt(&c2s, ad, 2, ct, pt_len) == 0);
	return off + alen;
}

/* Serves a request as the server does; returns the reply's length. */
static unsigned int serve(u8 *req_pkt, unsigned int len, u8 *out)
{
	u8 cookie[KNTS_COOKIE_LEN];
	const u8 *keys = cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	struct knts_resp r;
	struct knts_req req;

	FUZZ_CHECK(knts_ntp_parse(req_pkt, len, &req) == 0 && req.nts);
	memcpy(cookie, req.cookie, KNTS_COOKIE_LEN);
	FUZZ_CHECK(knts_cookie_open(&master, cookie, KNTS_COOKIE_LEN) == 0);
	FUZZ_CHECK(knts_siv_setkey(&srv, keys, KNTS_SESSION_KEY_LEN) == 0);
	FUZZ_CHECK(knts_nts_verify(&req, &srv, false) == 0);
	FUZZ_CHECK(knts_nts_reply_begin(&r, out, &req, &fuzz_tp, FUZZ_RX_TS,
					&master, fuzz_key_id(), keys, false) == 0);
	FUZZ_CHECK(knts_nts_reply_seal(&r, &srv,
				       keys + KNTS_SESSION_KEY_LEN,
				       FUZZ_T3_TS, false) == 0);
	return r.len;
}

static void request_seeds(void)
{
	static const struct {
		const char *name;
		struct req_opts o;
	} reqs[] = {
		{ "nts-ph0", { .uid_len = 32, .nonce_len = 16 } },
		{ "nts-ph1", { .uid_len = 32, .placeholders = 1,
			       .nonce_len = 16 } },
		{ "nts-ph2", { .uid_len = 32, .placeholders = 2,
			       .nonce_len = 16 } },
		{ "nts-ph7", { .uid_len = 32, .placeholders = 7,
			       .nonce_len = 16 } },
		{ "nts-uid64", { .uid_len = 64, .placeholders = 1,
				 .nonce_len = 16 } },
		{ "nts-nonce12-pad", { .uid_len = 32, .nonce_len = 12,
				       .extra_pad = 4 } },
		{ "nts-nonce1-pad", { .uid_len = 32, .nonce_len = 1,
				      .extra_pad = 12 } },
		{ "nts-nonce32", { .uid_len = 32, .nonce_len = 32 } },
		{ "nts-pad-long", { .uid_len = 32, .nonce_len = 16,
				    .extra_pad = 200 } },
		{ "nts-unknown-ef", { .uid_len = 32, .placeholders = 1,
				      .nonce_len = 16, .unknown_len = 24 } },
		{ "nts-inner-ph2", { .uid_len = 32, .placeholders = 1,
				     .inner_placeholders = 2,
				     .nonce_len = 16 } },
		{ "nts-other-key", { .uid_len = 32, .nonce_len = 16,
				     .cookie = cv_cookie1 } },
	};
	u8 p[BUF_LEN];
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		len = build_req(p, &reqs[i].o);
		put("fuzz_request", reqs[i].name, p, len);
	}
	/* The same from the client side's builder. */
	{
		u8 uid[FUZZ_UID_LEN];
		static const u8 nonce[KNTS_NONCE_LEN] = { 7, 7, 7 };
		int n;

		fuzz_uid(uid);
		n = knts_client_request(p, sizeof(p), uid, sizeof(uid),
					cookie_vectors[0].cookie,
					KNTS_COOKIE_LEN, 3, &c2s, nonce,
					FUZZ_TX_TS);
		FUZZ_CHECK(n > 0);
		put("fuzz_request", "client-ph3", p, (unsigned int)n);
		/* A flipped tag: a NAK. */
		p[n - 1] ^= 1;
		put("fuzz_request", "nts-bad-tag", p, (unsigned int)n);
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
	u8 cookie[KNTS_COOKIE_LEN];

	put("fuzz_cookie", "vector0", cookie_vectors[0].cookie,
	    KNTS_COOKIE_LEN);
	put("fuzz_cookie", "vector1", cookie_vectors[1].cookie,
	    KNTS_COOKIE_LEN);
	memcpy(cookie + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN,
	       cookie_vectors[2].keys, KNTS_COOKIE_KEYS_LEN);
	FUZZ_CHECK(knts_cookie_seal(&master, fuzz_key_id(), cookie) == 0);
	put("fuzz_cookie", "fresh", cookie, KNTS_COOKIE_LEN);
	put("fuzz_cookie", "short", cookie_vectors[0].cookie,
	    KNTS_COOKIE_LEN - 4);
}

static void reply_seeds(void)
{
	static const struct {
		const char *name;
		struct req_opts o;
	} reqs[] = {
		{ "reply-1", { .uid_len = 32, .nonce_len = 16 } },
		{ "reply-3", { .uid_len = 32, .placeholders = 2,
			       .nonce_len = 16 } },
		{ "reply-8", { .uid_len = 32, .placeholders = 7,
			       .nonce_len = 16 } },
		{ "reply-padded", { .uid_len = 32, .nonce_len = 16,
				    .unknown_len = 40, .extra_pad = 8 } },
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
	fuzz_keyed(&master, cookie_vectors[0].master);
	fuzz_keyed(&c2s, fuzz_c2s_key());
	fuzz_keyed(&s2c, fuzz_s2c_key());
	FUZZ_CHECK(knts_siv_init(&srv) == 0);
	request_seeds();
	cookie_seeds();
	reply_seeds();
	printf("%u seeds in %s\n", written, dir);
	return 0;
}
