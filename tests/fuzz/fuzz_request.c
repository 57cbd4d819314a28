// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the server's whole path for one datagram, as kmod/receive.c
 * takes it, in userspace: knts_ntp_parse(), then for a plain request its
 * reply and RATE kiss-o'-death, for an NTS request the key lookup (two
 * keys, AEAD 15 and AEAD 30, fuzz_common.h), knts_cookie_open() into a
 * buffer of its own, knts_nts_verify() with the C2S of the session's AEAD
 * (which the cookie's keys tell), and the reply (knts_nts_reply_begin/seal
 * into a buffer of exactly the request's length, its cookies under the
 * "current" key, which the poll byte's low bit picks, or under the key that
 * opened the cookie when the current key's would be longer) or the NTSN
 * NAK.  Every reply must fit in the request's length and be accepted by
 * the client side (knts_client_reply()) with cookies that open.  An AEAD 30
 * session's request with a nonce other than 12 bytes is never answered,
 * nor an AEAD 15 session's with less than 16 bytes of nonce and padding.
 *
 * The fuzzer cannot forge an authenticator, so each input is also served a
 * second time "resealed": a valid cookie of the cookie field's length (100,
 * 68, 96 or 64 bytes: each kind of master key and session) put in it and
 * the authenticator's ciphertext area sealed with that session's C2S over
 * the request as it is.  That request must verify (or be refused as
 * malformed inside, or NAKed for a nonce AES-128-GCM-SIV cannot take),
 * which takes the fuzzer into the decrypted fields and the reply.
 */
#include "fuzz_common.h"

/* How a request was made: by the fuzzer, resealed, or resealed to fail. */
enum pass { FUZZED, RESEALED, RESEALED_NAK };

static struct fuzz_masters m;
static struct knts_aead_ctx c2s[2], srv, s2c;

static void init(void)
{
	static int done;

	if (done)
		return;
	fuzz_masters_init(&m);
	fuzz_session(&c2s[0], fuzz_c2s_key(64), 64);
	fuzz_session(&c2s[1], fuzz_c2s_key(32), 32);
	FUZZ_CHECK(knts_aead_ctx_init(&srv) == 0);
	fuzz_session(&s2c, fuzz_s2c_key(64), 64);
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
	FUZZ_CHECK(req->ct_len >= KNTS_AEAD_TAG_LEN &&
		   inside(pkt, len, req->ct, req->ct_len));
	FUZZ_CHECK(req->ct >= req->nonce + req->nonce_len);
	/* RFC 8915 5.6, as far as the parser can tell: 12 at least. */
	FUZZ_CHECK(req->nonce_area >= KNTS_GCMSIV_NONCE_LEN &&
		   req->nonce_area >= req->nonce_len);
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
					     &s2c.a, &cr) == 0);
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

/*
 * A verified request: the reply, and the client's view of it.  @opener is
 * the master key that opened the cookie, @keys its @klen bytes.
 */
static void reply(const struct knts_req *req, struct knts_aead_ctx *opener,
		  const u8 *keys, unsigned int klen)
{
	u16 alg = (u16)knts_session_alg(klen);
	struct knts_aead_ctx *cur;
	struct knts_client_reply cr;
	u8 back[KNTS_COOKIE_KEYS_LEN];
	struct knts_resp r;
	unsigned int n, i, clen;
	u8 *out = malloc(req->len);

	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(req->cookies_wanted >= 1 &&
		   req->cookies_wanted <= KNTS_MAX_COOKIES);
	/* The current key, unless its cookies would be longer (receive.c). */
	cur = req->pkt[KNTS_NTP_OFF_POLL] & 1 ? &m.m30 : &m.m15;
	if (knts_cookie_len(cur->a.alg, klen) > req->cookie_len)
		cur = opener;
	clen = knts_cookie_len(cur->a.alg, klen);
	n = knts_nts_reply_cookies(req, cur->a.alg, klen);
	/* A request with a cookie this long has room for one back. */
	FUZZ_CHECK(n >= 1 && n <= req->cookies_wanted);
	FUZZ_CHECK(knts_nts_reply_begin(&r, out, req, &fuzz_tp, FUZZ_RX_TS,
					&cur->a, fuzz_master_id(cur->a.alg),
					keys, klen, false) == 0);
	/* RFC 8915 5.7: never longer than the request. */
	if (r.len > req->len)
		abort();
	FUZZ_CHECK(r.buf == out && r.cookies == n);
	FUZZ_CHECK(r.nonce_len == knts_aead_nonce_len(alg));
	FUZZ_CHECK(r.pt_len == n * (KNTS_EF_HDR_LEN + clen));
	FUZZ_CHECK(r.ct_off + KNTS_AEAD_TAG_LEN + r.pt_len <= r.len);
	FUZZ_CHECK(knts_nts_reply_seal(&r, &srv.a, keys + klen / 2,
				       FUZZ_T3_TS, false) == 0);

	FUZZ_CHECK(knts_aead_ctx_setkey(&s2c, alg, keys + klen / 2, klen / 2,
					false) == 0);
	FUZZ_CHECK(knts_client_reply(out, r.len, req->uid, req->uid_len,
				     get_unaligned_be64(req->pkt +
							KNTS_NTP_OFF_TX_TS),
				     &s2c.a, &cr) == 0);
	FUZZ_CHECK(!cr.nak && cr.cookies == n);
	FUZZ_CHECK(cr.rx_ts == FUZZ_RX_TS && cr.tx_ts == FUZZ_T3_TS);
	for (i = 0; i < cr.cookies; i++) {
		FUZZ_CHECK(cr.cookie_len[i] == clen);
		FUZZ_CHECK(knts_cookie_key_id(cr.cookie[i]) ==
			   fuzz_master_id(cur->a.alg));
		FUZZ_CHECK(knts_cookie_open(&cur->a, false, cr.cookie[i], clen,
					    back) == (int)klen);
		FUZZ_CHECK(!memcmp(back, keys, klen));
	}
	/* Back to the fixed S2C for the NAK checks. */
	FUZZ_CHECK(knts_aead_ctx_setkey(&s2c, KNTS_AEAD_AES_SIV_CMAC_256,
					fuzz_s2c_key(64), KNTS_SIV_KEY_LEN,
					false) == 0);
	free(out);
}

static void serve_nts(struct knts_req *req, enum pass pass)
{
	u8 keys[KNTS_COOKIE_KEYS_LEN];
	struct knts_aead_ctx *master;
	unsigned int klen;
	u16 alg;
	int err;

	/* knts_nts_open(): the key by id, the cookie's length, its tag. */
	master = fuzz_master(&m, knts_cookie_key_id(req->cookie));
	if (!master) {
		FUZZ_CHECK(pass == FUZZED);
		kod(req, KNTS_KISS_NTSN);
		return;
	}
	err = knts_cookie_open(&master->a, false, req->cookie,
			       req->cookie_len, keys);
	FUZZ_CHECK(err == 64 || err == 32 || err == -EMSGSIZE ||
		   err == -EBADMSG);
	if (err < 0) {
		FUZZ_CHECK(pass == FUZZED);
		kod(req, KNTS_KISS_NTSN);
		return;
	}
	klen = (unsigned int)err;
	alg = (u16)knts_session_alg(klen);
	FUZZ_CHECK(req->cookie_len == knts_cookie_len(master->a.alg, klen));
	FUZZ_CHECK(knts_aead_ctx_setkey(&srv, alg, keys, klen / 2,
					false) == 0);
	err = knts_nts_verify(req, &srv.a, false);
	FUZZ_CHECK(err == 0 || err == -EBADMSG || err == -EINVAL);
	/* The nonce rules of each AEAD: a NAK, or a drop. */
	if (alg == KNTS_AEAD_AES_128_GCM_SIV &&
	    req->nonce_len != KNTS_GCMSIV_NONCE_LEN)
		FUZZ_CHECK(err == -EBADMSG);
	if (alg == KNTS_AEAD_AES_SIV_CMAC_256 &&
	    req->nonce_area < KNTS_NONCE_LEN)
		FUZZ_CHECK(err == -EINVAL);
	if (pass == RESEALED_NAK)
		FUZZ_CHECK(err == -EBADMSG);
	if (err == -EBADMSG) {
		/* What we sealed must verify: the AD is what we think. */
		FUZZ_CHECK(pass != RESEALED);
		kod(req, KNTS_KISS_NTSN);
	} else if (!err) {
		reply(req, master, keys, klen);
	}
	knts_wipe(keys, sizeof(keys));
}

/*
 * The second pass: a valid cookie of the field's length, the
 * authenticator sealed with the session's C2S.
 */
static void serve_resealed(const u8 *data, size_t size, int want)
{
	static const struct {
		u16 master;
		unsigned int klen;
	} kinds[] = { { 15, 64 }, { 15, 32 }, { 30, 64 }, { 30, 32 } };
	struct knts_aead_ctx *c;
	enum pass pass = RESEALED;
	struct knts_req req;
	u8 *pkt = fuzz_dup(data, size);
	unsigned int i;

	FUZZ_CHECK(knts_ntp_parse(pkt, (unsigned int)size, &req) == want);
	if (want || !req.nts)
		goto out;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (req.cookie_len == knts_cookie_len(kinds[i].master,
						      kinds[i].klen))
			break;
	if (i == ARRAY_SIZE(kinds))
		goto out;
	FUZZ_CHECK(fuzz_cookie(&m, kinds[i].master, kinds[i].klen,
			       pkt + (req.cookie - pkt)) == req.cookie_len);
	c = &c2s[kinds[i].klen == 64 ? 0 : 1];
	if (c->a.alg == KNTS_AEAD_AES_128_GCM_SIV &&
	    req.nonce_len != KNTS_GCMSIV_NONCE_LEN)
		pass = RESEALED_NAK;	/* AES-128-GCM-SIV cannot seal it */
	else
		FUZZ_CHECK(knts_aead_seal(&c->a, false, req.nonce,
					  req.nonce_len, pkt, req.auth_off,
					  req.ct, req.ct_len -
					  KNTS_AEAD_TAG_LEN) == 0);
	serve_nts(&req, pass);
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
			serve_nts(&req, FUZZED);
		else
			plain(&req);
	}
	free(pkt);
	serve_resealed(data, size, err);
	return 0;
}
