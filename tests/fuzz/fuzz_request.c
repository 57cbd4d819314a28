// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the server's whole path for one datagram, as kmod/receive.c
 * takes it, in userspace: knts_ntp_parse(), then for a plain request its
 * reply and RATE kiss-o'-death, for an NTS request the key lookup (one key,
 * vector 0 of core/cookie_vectors.h), knts_cookie_open() on a copy of the
 * cookie, knts_nts_verify() with its C2S, and the reply
 * (knts_nts_reply_begin/seal into a buffer of exactly the request's length)
 * or the NTSN NAK.  Every reply must fit in the request's length and be
 * accepted by the client side (knts_client_reply()) with cookies that open.
 *
 * The fuzzer cannot forge an authenticator, so each input is also served a
 * second time "resealed": vector 0's cookie put in the cookie field and the
 * authenticator's ciphertext area encrypted with vector 0's C2S over the
 * request as it is.  That request must verify (or be refused as malformed
 * inside), which takes the fuzzer into the decrypted fields and the reply.
 */
#include "fuzz_common.h"

static struct knts_siv master, c2s, srv, s2c;

static void init(void)
{
	static int done;

	if (done)
		return;
	fuzz_keyed(&master, cookie_vectors[0].master);
	fuzz_keyed(&c2s, fuzz_c2s_key());
	FUZZ_CHECK(knts_siv_init(&srv) == 0);
	fuzz_keyed(&s2c, fuzz_s2c_key());
	done = 1;
}

/* [p, p + n) lies in [pkt, pkt + len). */
static int inside(const u8 *pkt, unsigned int len, const u8 *p,
		  unsigned int n)
{
	return p >= pkt && n <= len && (size_t)(p - pkt) <= len - n;
}

static void check_req(const u8 *pkt, unsigned int len,
		      const struct knts_req *req)
{
	FUZZ_CHECK(req->pkt == pkt && req->len == len);
	FUZZ_CHECK(len >= KNTS_NTP_HDR_LEN && len <= KNTS_NTP_MAX_LEN &&
		   len % 4 == 0);
	FUZZ_CHECK(req->version >= 1 && req->version <= 4);
	if (!req->nts) {
		FUZZ_CHECK(!req->uid && !req->cookie && !req->placeholders &&
			   !req->auth_off);
		return;
	}
	FUZZ_CHECK(req->uid && req->uid_len >= KNTS_UID_MIN_LEN &&
		   inside(pkt, len, req->uid, req->uid_len));
	FUZZ_CHECK(req->cookie && inside(pkt, len, req->cookie,
					 req->cookie_len));
	FUZZ_CHECK(req->cookie_len >= KNTS_EF_MIN_LEN - KNTS_EF_HDR_LEN);
	FUZZ_CHECK(req->auth_off >= KNTS_NTP_HDR_LEN && req->auth_off < len);
	FUZZ_CHECK(req->nonce_len > 0 &&
		   inside(pkt, len, req->nonce, req->nonce_len));
	FUZZ_CHECK(req->nonce == pkt + req->auth_off + KNTS_EF_HDR_LEN + 4);
	FUZZ_CHECK(req->ct_len >= KNTS_SIV_TAG_LEN &&
		   inside(pkt, len, req->ct, req->ct_len));
	FUZZ_CHECK(req->ct >= req->nonce + req->nonce_len);
	/* Everything before the authenticator, the AD, is before it. */
	FUZZ_CHECK(req->uid + req->uid_len <= pkt + req->auth_off);
	FUZZ_CHECK(req->cookie + req->cookie_len <= pkt + req->auth_off);
}

/* A kiss-o'-death into a buffer of exactly the request's length. */
static void kod(const struct knts_req *req, u32 kiss)
{
	struct knts_client_reply cr;
	u8 *out = malloc(req->len);
	unsigned int n;

	FUZZ_CHECK(out != NULL);
	n = knts_ntp_build_kod(out, req, &fuzz_tp, kiss, FUZZ_RX_TS,
			       FUZZ_T3_TS);
	FUZZ_CHECK(n <= req->len);
	FUZZ_CHECK(n == KNTS_NTP_HDR_LEN +
		   (req->uid ? KNTS_EF_HDR_LEN + req->uid_len : 0));
	if (req->uid && kiss == KNTS_KISS_NTSN) {
		/* The client that sent it takes it as a NAK. */
		FUZZ_CHECK(knts_client_reply(out, n, req->uid, req->uid_len,
					     get_unaligned_be64(req->pkt +
						KNTS_NTP_OFF_TX_TS),
					     &s2c, &cr) == 0);
		FUZZ_CHECK(cr.nak && cr.cookies == 0);
	}
	free(out);
}

static void plain(const struct knts_req *req)
{
	u8 *out = malloc(KNTS_NTP_HDR_LEN);
	unsigned int n;

	FUZZ_CHECK(out != NULL);
	n = knts_ntp_build_plain(out, req, &fuzz_tp, FUZZ_RX_TS, FUZZ_T3_TS);
	FUZZ_CHECK(n == KNTS_NTP_HDR_LEN && n <= req->len);
	FUZZ_CHECK((out[0] & 7) == KNTS_NTP_MODE_SERVER);
	free(out);
}

/* A verified request: the reply, and the client's view of it. */
static void reply(const struct knts_req *req, const u8 *keys)
{
	struct knts_client_reply cr;
	u8 cookie[KNTS_COOKIE_LEN];
	const u8 *ck = cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	struct knts_resp r;
	unsigned int n, i;
	u8 *out = malloc(req->len);

	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(req->cookies_wanted >= 1 &&
		   req->cookies_wanted <= KNTS_MAX_COOKIES);
	n = knts_nts_reply_cookies(req);
	/* A request with a 100-byte cookie always has room for one back. */
	FUZZ_CHECK(n >= 1 && n <= req->cookies_wanted);
	FUZZ_CHECK(knts_nts_reply_begin(&r, out, req, &fuzz_tp, FUZZ_RX_TS,
					&master, fuzz_key_id(), keys, false) == 0);
	/* RFC 8915 5.7: never longer than the request. */
	if (r.len > req->len)
		abort();
	FUZZ_CHECK(r.buf == out && r.cookies == n);
	FUZZ_CHECK(r.ct_off + KNTS_SIV_TAG_LEN + r.pt_len <= r.len);
	FUZZ_CHECK(knts_nts_reply_seal(&r, &srv, keys + KNTS_SESSION_KEY_LEN,
				       FUZZ_T3_TS, false) == 0);

	FUZZ_CHECK(knts_siv_setkey(&s2c, keys + KNTS_SESSION_KEY_LEN,
				   KNTS_SESSION_KEY_LEN) == 0);
	FUZZ_CHECK(knts_client_reply(out, r.len, req->uid, req->uid_len,
				     get_unaligned_be64(req->pkt +
							KNTS_NTP_OFF_TX_TS),
				     &s2c, &cr) == 0);
	FUZZ_CHECK(!cr.nak && cr.cookies == n);
	FUZZ_CHECK(cr.rx_ts == FUZZ_RX_TS && cr.tx_ts == FUZZ_T3_TS);
	for (i = 0; i < cr.cookies; i++) {
		FUZZ_CHECK(cr.cookie_len[i] == KNTS_COOKIE_LEN);
		memcpy(cookie, cr.cookie[i], KNTS_COOKIE_LEN);
		FUZZ_CHECK(knts_cookie_key_id(cookie) == fuzz_key_id());
		FUZZ_CHECK(knts_cookie_open(&master, cookie,
					    KNTS_COOKIE_LEN) == 0);
		FUZZ_CHECK(!memcmp(ck, keys, KNTS_COOKIE_KEYS_LEN));
	}
	/* Back to the fixed S2C for the NAK checks. */
	FUZZ_CHECK(knts_siv_setkey(&s2c, fuzz_s2c_key(),
				   KNTS_SESSION_KEY_LEN) == 0);
	free(out);
}

static void serve_nts(struct knts_req *req, int resealed)
{
	u8 *cookie, *keys;
	int err;

	/* knts_nts_open(): the key by id, the cookie's length, its tag. */
	if (knts_cookie_key_id(req->cookie) != fuzz_key_id() ||
	    req->cookie_len != KNTS_COOKIE_LEN) {
		FUZZ_CHECK(!resealed);
		kod(req, KNTS_KISS_NTSN);
		return;
	}
	cookie = fuzz_dup(req->cookie, KNTS_COOKIE_LEN);
	keys = cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	err = knts_cookie_open(&master, cookie, KNTS_COOKIE_LEN);
	FUZZ_CHECK(err == 0 || err == -EBADMSG);
	if (err) {
		FUZZ_CHECK(!resealed);
		kod(req, KNTS_KISS_NTSN);
		free(cookie);
		return;
	}
	FUZZ_CHECK(knts_siv_setkey(&srv, keys, KNTS_SESSION_KEY_LEN) == 0);
	err = knts_nts_verify(req, &srv, false);
	FUZZ_CHECK(err == 0 || err == -EBADMSG || err == -EINVAL);
	if (err == -EBADMSG) {
		/* What we sealed must verify: the AD is what we think. */
		FUZZ_CHECK(!resealed);
		kod(req, KNTS_KISS_NTSN);
	} else if (!err) {
		reply(req, keys);
	}
	free(cookie);
}

/* The second pass: a valid cookie, the authenticator sealed with C2S. */
static void serve_resealed(const u8 *data, size_t size, int want)
{
	struct knts_siv_vec ad[2];
	struct knts_req req;
	u8 *pkt = fuzz_dup(data, size);

	FUZZ_CHECK(knts_ntp_parse(pkt, (unsigned int)size, &req) == want);
	if (want || !req.nts || req.cookie_len != KNTS_COOKIE_LEN)
		goto out;
	memcpy(pkt + (req.cookie - pkt), cookie_vectors[0].cookie,
	       KNTS_COOKIE_LEN);
	ad[0].data = pkt;
	ad[0].len = req.auth_off;
	ad[1].data = req.nonce;
	ad[1].len = req.nonce_len;
	FUZZ_CHECK(knts_siv_encrypt(&c2s, ad, 2, req.ct,
				    req.ct_len - KNTS_SIV_TAG_LEN) == 0);
	serve_nts(&req, 1);
out:
	free(pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct knts_req req;
	u8 *pkt;
	int err;

	if (size > 4 * KNTS_NTP_MAX_LEN)
		return -1;
	init();
	pkt = fuzz_dup(data, size);
	err = knts_ntp_parse(pkt, (unsigned int)size, &req);
	FUZZ_CHECK(err == 0 || err == -EMSGSIZE || err == -EPROTO ||
		   err == -EBADMSG);
	if (!err) {
		check_req(pkt, (unsigned int)size, &req);
		/* Rate limited: RATE, whatever the request. */
		kod(&req, KNTS_KISS_RATE);
		if (req.nts)
			serve_nts(&req, 0);
		else
			plain(&req);
	}
	free(pkt);
	serve_resealed(data, size, err);
	return 0;
}
