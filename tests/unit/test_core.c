// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the protocol core (core/siv.c, cookie.c, nts.c,
 * nts_client.c) compiled for userspace on the OpenSSL backend: RFC 5297
 * known answers, pyca/cryptography's answers around block boundaries
 * (core/siv_lengths.h, shared with KUnit), agreement with OpenSSL's own
 * AES-SIV, tamper detection, the
 * checked-in cookie vectors, and whole client/server exchanges; and
 * AES-128-GCM-SIV (core/gcmsiv.c): RFC 8452's POLYVAL example and its
 * Appendix C.1 vectors with pyca/cryptography's answers for other lengths
 * (core/gcmsiv_vectors.h, shared with KUnit), in place and out of place, and
 * tamper detection.
 */
#include <openssl/evp.h>
#include <stdlib.h>

#include "core/nts_client.h"
#include "core/cookie_vectors.h"
#include "core/gcmsiv_vectors.h"
#include "core/siv_lengths.h"
#include "lib/siv_openssl.h"
#include "unit.h"

#define BUF_LEN 2048
#define TX_TS 0xeb1f2a3b4c5d6e7fULL
#define RX_TS 0xeb1f2a3b00000111ULL
#define T3_TS 0xeb1f2a3b00000222ULL

static const struct knts_time_params tp = {
	.leap = 0, .stratum = 2, .precision = -20, .refid = 0x7f000001,
	.root_delay = 0x10, .root_disp = 0x20, .ref_time = 0xeb1f2a3a00000000ULL,
};

/* Hex string to bytes; returns the length. */
static size_t unhex(const char *s, u8 *out)
{
	size_t n = 0;

	while (s[0] && s[1]) {
		unsigned int b;

		if (s[0] == ' ') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &b) != 1)
			abort();
		out[n++] = (u8)b;
		s += 2;
	}
	return n;
}

static int keyed(struct knts_siv *s, const u8 *key)
{
	return knts_siv_init(s) || knts_siv_setkey(s, key, KNTS_SIV_KEY_LEN);
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The lengths the kernel's batched AES must get right, on this backend. */
static void siv_lengths(void)
{
	static u8 ad[1100], pt[1100], buf[1200];
	struct knts_siv_vec v[2];
	struct knts_siv s;
	size_t i, j;

	EXPECT(keyed(&s, siv_len_key) == 0);
	for (i = 0; i < ARRAY_SIZE(siv_len_vectors); i++) {
		unsigned int len = siv_len_vectors[i].len;

		for (j = 0; j < len; j++) {
			ad[j] = (u8)(j * 31 + 7);
			pt[j] = (u8)(j * 13 + 5);
		}
		v[0].data = ad;
		v[0].len = len;
		v[1].data = siv_len_nonce;
		v[1].len = sizeof(siv_len_nonce);
		memcpy(buf + KNTS_SIV_TAG_LEN, pt, len);
		EXPECT(knts_siv_encrypt(&s, v, 2, buf, len) == 0);
		EXPECT(memcmp(buf, siv_len_vectors[i].out,
			      KNTS_SIV_TAG_LEN + len) == 0);
		EXPECT(knts_siv_decrypt(&s, v, 2, buf,
					KNTS_SIV_TAG_LEN + len) == 0);
		EXPECT(memcmp(buf + KNTS_SIV_TAG_LEN, pt, len) == 0);
	}
	knts_siv_uninit(&s);
}

/* RFC 5297 A.1: deterministic authenticated encryption, one AD. */
static void siv_rfc5297_a1(void)
{
	u8 key[32], ad[24], pt[14], want[30], buf[64];
	struct knts_siv s;
	struct knts_siv_vec v[1];
	size_t ptlen, wlen;

	unhex("fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0"
	      "f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff", key);
	unhex("10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627", ad);
	ptlen = unhex("11223344 55667788 99aabbcc ddee", pt);
	wlen = unhex("85632d07 c6e8f37f 950acd32 0a2ecc93"
		     "40c02b96 90c4dc04 daef7f6a fe5c", want);
	EXPECT(ptlen == 14 && wlen == 30);
	v[0].data = ad;
	v[0].len = sizeof(ad);

	EXPECT(keyed(&s, key) == 0);
	memcpy(buf + KNTS_SIV_TAG_LEN, pt, ptlen);
	EXPECT(knts_siv_encrypt(&s, v, 1, buf, ptlen) == 0);
	EXPECT(!memcmp(buf, want, wlen));
	EXPECT(knts_siv_decrypt(&s, v, 1, buf, wlen) == 0);
	EXPECT(!memcmp(buf + KNTS_SIV_TAG_LEN, pt, ptlen));
	knts_siv_uninit(&s);
}

/* RFC 5297 A.2: nonce-based, two ADs and the nonce. */
static void siv_rfc5297_a2(void)
{
	static const char pt[] =
		"this is some plaintext to encrypt using SIV-AES";
	u8 key[32], ad1[64], ad2[16], nonce[16], want[80], buf[96];
	struct knts_siv_vec v[3];
	struct knts_siv s;
	size_t ptlen = strlen(pt), wlen;

	unhex("7f7e7d7c7b7a79787776757473727170"
	      "404142434445464748494a4b4c4d4e4f", key);
	v[0].data = ad1;
	v[0].len = unhex("00112233445566778899aabbccddeeff"
			 "deaddadadeaddadaffeeddccbbaa9988"
			 "7766554433221100", ad1);
	v[1].data = ad2;
	v[1].len = unhex("102030405060708090a0", ad2);
	v[2].data = nonce;
	v[2].len = unhex("09f911029d74e35bd84156c5635688c0", nonce);
	wlen = unhex("7bdb6e3b432667eb06f4d14bff2fbd0f"
		     "cb900f2fddbe404326601965c889bf17"
		     "dba77ceb094fa663b7a3f748ba8af829"
		     "ea64ad544a272e9c485b62a3fd5c0d", want);
	EXPECT(v[0].len == 40 && v[1].len == 10 && v[2].len == 16);
	EXPECT(ptlen == 47 && wlen == 16 + 47);

	EXPECT(keyed(&s, key) == 0);
	memcpy(buf + KNTS_SIV_TAG_LEN, pt, ptlen);
	EXPECT(knts_siv_encrypt(&s, v, 3, buf, ptlen) == 0);
	EXPECT(!memcmp(buf, want, wlen));
	EXPECT(knts_siv_decrypt(&s, v, 3, buf, wlen) == 0);
	EXPECT(!memcmp(buf + KNTS_SIV_TAG_LEN, pt, ptlen));
	knts_siv_uninit(&s);
}

/* OpenSSL's own AES-SIV (EVP "AES-128-SIV"): ADs in order, tag, C. */
static int openssl_siv(const u8 *key, const struct knts_siv_vec *ad,
		       unsigned int nad, const u8 *pt, size_t ptlen, u8 *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-128-SIV", NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok = c && ctx && EVP_EncryptInit_ex2(ctx, c, key, NULL, NULL);
	unsigned int i;
	int n;

	for (i = 0; ok && i < nad; i++)
		ok = EVP_EncryptUpdate(ctx, NULL, &n, ad[i].data,
				       (int)ad[i].len);
	if (ok)
		ok = EVP_EncryptUpdate(ctx, out + KNTS_SIV_TAG_LEN, &n, pt,
				       (int)ptlen);
	if (ok)
		ok = EVP_EncryptFinal_ex(ctx, out + KNTS_SIV_TAG_LEN + ptlen,
					 &n);
	if (ok)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
					 KNTS_SIV_TAG_LEN, out);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok ? 0 : -1;
}

/*
 * Every S2V branch (short, one block, long) against OpenSSL.  OpenSSL 3's
 * SIV cannot seal an empty plaintext (EVP_EncryptFinal_ex fails), so that
 * case, the NTS request's empty authenticator, is left to the exchange
 * tests and the VM tests' independent Python client.
 */
static void siv_matches_openssl(void)
{
	u8 key[32], ads[4][40], pt[70], mine[96], theirs[96];
	struct knts_siv_vec v[4];
	struct knts_siv s;
	unsigned int nad, i, mismatches = 0, errors = 0;
	size_t ptlen;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (u8)(i * 11 + 3);
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (u8)(i * 7 + 1);
	for (i = 0; i < 4; i++) {
		memset(ads[i], 0x30 + i, sizeof(ads[i]));
		v[i].data = ads[i];
		v[i].len = i == 1 ? 0 : 5 + 9 * i;	/* an empty AD too */
	}
	EXPECT(keyed(&s, key) == 0);
	for (nad = 1; nad <= 4; nad++) {
		for (ptlen = 1; ptlen <= sizeof(pt); ptlen++) {
			memcpy(mine + KNTS_SIV_TAG_LEN, pt, ptlen);
			if (knts_siv_encrypt(&s, v, nad, mine, ptlen) ||
			    openssl_siv(key, v, nad, pt, ptlen, theirs)) {
				errors++;
				continue;
			}
			if (memcmp(mine, theirs, KNTS_SIV_TAG_LEN + ptlen))
				mismatches++;
			if (knts_siv_decrypt(&s, v, nad, mine,
					     KNTS_SIV_TAG_LEN + ptlen) ||
			    memcmp(mine + KNTS_SIV_TAG_LEN, pt, ptlen))
				mismatches++;
		}
	}
	EXPECT(errors == 0);
	EXPECT(mismatches == 0);
	knts_siv_uninit(&s);
}

static void siv_tamper(void)
{
	u8 key[32], ad[20], buf[16 + 40];
	struct knts_siv_vec v[2] = {
		{ ad, 12 }, { ad + 12, 8 },
	};
	struct knts_siv s;
	unsigned int i;
	int bad = 0;

	memset(key, 0x5c, sizeof(key));
	memset(ad, 0xa1, sizeof(ad));
	EXPECT(keyed(&s, key) == 0);

	/* Every single bit flip in V || C is caught; C is wiped. */
	for (i = 0; i < sizeof(buf) * 8; i++) {
		memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
		if (knts_siv_encrypt(&s, v, 2, buf, 40))
			bad++;
		buf[i / 8] ^= (u8)(1 << (i % 8));
		if (knts_siv_decrypt(&s, v, 2, buf, sizeof(buf)) != -EBADMSG ||
		    !all_zero(buf + KNTS_SIV_TAG_LEN, 40))
			bad++;
	}
	EXPECT(bad == 0);

	/* A changed AD or nonce, a dropped or added component. */
	memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 40) == 0);
	ad[3] ^= 1;
	EXPECT(knts_siv_decrypt(&s, v, 2, buf, sizeof(buf)) == -EBADMSG);
	ad[3] ^= 1;
	memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 40) == 0);
	ad[15] ^= 0x80;
	EXPECT(knts_siv_decrypt(&s, v, 2, buf, sizeof(buf)) == -EBADMSG);
	ad[15] ^= 0x80;
	memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 40) == 0);
	EXPECT(knts_siv_decrypt(&s, v, 1, buf, sizeof(buf)) == -EBADMSG);
	memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 40) == 0);
	/* Truncated: the tag no longer covers what is left. */
	EXPECT(knts_siv_decrypt(&s, v, 2, buf, sizeof(buf) - 4) == -EBADMSG);
	memset(buf + KNTS_SIV_TAG_LEN, 0x77, 40);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 40) == 0);
	EXPECT(knts_siv_decrypt(&s, v, 2, buf, sizeof(buf)) == 0);

	/* Argument checks. */
	EXPECT(knts_siv_decrypt(&s, v, 2, buf, KNTS_SIV_TAG_LEN - 1) ==
	       -EINVAL);
	EXPECT(knts_siv_encrypt(&s, v, KNTS_SIV_MAX_AD + 1, buf, 4) ==
	       -EINVAL);
	EXPECT(knts_siv_setkey(&s, key, 16) == -EINVAL);
	knts_siv_uninit(&s);

	/* An instance that was never keyed refuses to work. */
	EXPECT(knts_siv_init(&s) == 0);
	EXPECT(knts_siv_encrypt(&s, v, 2, buf, 4) < 0);
	knts_siv_uninit(&s);
}

static void gcmsiv_polyval(void)
{
	struct knts_polyval p;
	u64 s[2] = { 0, 0 };
	u8 out[16];

	knts_polyval_setkey(&p, polyval_h);
	knts_polyval_update(&p, s, polyval_x, sizeof(polyval_x));
	put_unaligned_le64(s[0], out);
	put_unaligned_le64(s[1], out + 8);
	EXPECT(memcmp(out, polyval_out, 16) == 0);
}

static void gcmsiv_known_answers(void)
{
	struct knts_aes128 kgk, mek;
	unsigned int i, bad = 0;
	u8 *buf, *pt;

	EXPECT(knts_aes128_init(&kgk) == 0 && knts_aes128_init(&mek) == 0);
	for (i = 0; i < ARRAY_SIZE(gcmsiv_vectors); i++) {
		const struct gcmsiv_vector *v = &gcmsiv_vectors[i];
		size_t len = v->pt_len + KNTS_GCMSIV_TAG_LEN;

		/* Exactly the message's size, so that ASan sees an overrun. */
		buf = malloc(len);
		pt = malloc(v->pt_len ?: 1);
		if (!buf || !pt)
			abort();
		memcpy(buf, v->pt, v->pt_len);
		if (knts_aes128_setkey(&kgk, v->key, false) ||
		    knts_gcmsiv_seal(&kgk, &mek, false, v->nonce, v->ad,
				     v->ad_len, buf, v->pt_len) ||
		    memcmp(buf, v->out, len)) {
			fprintf(stderr, "  seal: %s\n", v->name);
			bad++;
		}
		if (knts_gcmsiv_open(&kgk, &mek, false, v->nonce, v->ad,
				     v->ad_len, v->out, pt, len) ||
		    memcmp(pt, v->pt, v->pt_len)) {
			fprintf(stderr, "  open: %s\n", v->name);
			bad++;
		}
		if (knts_gcmsiv_open(&kgk, &mek, false, v->nonce, v->ad,
				     v->ad_len, buf, buf, len) ||
		    memcmp(buf, v->pt, v->pt_len)) {
			fprintf(stderr, "  open in place: %s\n", v->name);
			bad++;
		}
		free(buf);
		free(pt);
	}
	EXPECT(bad == 0);
	knts_aes128_uninit(&kgk);
	knts_aes128_uninit(&mek);
}

static void gcmsiv_tamper(void)
{
	const struct gcmsiv_vector *v = &gcmsiv_vectors[10];
	struct knts_aes128 kgk, mek;
	u8 buf[64 + KNTS_GCMSIV_TAG_LEN], ad[1];
	size_t len = v->pt_len + KNTS_GCMSIV_TAG_LEN, i;
	int bad = 0;

	EXPECT(v->pt_len == 32 && v->ad_len == 1);
	EXPECT(knts_aes128_init(&kgk) == 0 && knts_aes128_init(&mek) == 0);
	EXPECT(knts_aes128_setkey(&kgk, v->key, false) == 0);
	/* Every single bit flip is caught, and the output wiped. */
	for (i = 0; i < len * 8; i++) {
		memcpy(buf, v->out, len);
		buf[i / 8] ^= (u8)(1 << (i % 8));
		if (knts_gcmsiv_open(&kgk, &mek, false, v->nonce, v->ad,
				     v->ad_len, buf, buf, len) != -EBADMSG ||
		    !all_zero(buf, v->pt_len))
			bad++;
	}
	EXPECT(bad == 0);
	/* Another associated data, nonce, or a truncation. */
	memcpy(buf, v->out, len);
	ad[0] = v->ad[0] ^ 1;
	EXPECT(knts_gcmsiv_open(&kgk, &mek, false, v->nonce, ad, 1, buf, buf,
				len) == -EBADMSG);
	memcpy(buf, v->out, len);
	EXPECT(knts_gcmsiv_open(&kgk, &mek, false, gcmsiv_lnonce, v->ad, 1,
				buf, buf, len) == -EBADMSG);
	memcpy(buf, v->out, len);
	EXPECT(knts_gcmsiv_open(&kgk, &mek, false, v->nonce, v->ad, 1, buf,
				buf, len - 1) == -EBADMSG);
	EXPECT(knts_gcmsiv_open(&kgk, &mek, false, v->nonce, v->ad, 1, buf,
				buf, KNTS_GCMSIV_TAG_LEN - 1) == -EINVAL);
	knts_aes128_uninit(&kgk);
	knts_aes128_uninit(&mek);
}

static void cookie_vectors_open(void)
{
	u8 cookie[KNTS_COOKIE_LEN + 4];
	const u8 *keys = cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	struct knts_siv m[ARRAY_SIZE(cookie_vectors)];
	unsigned int i, j;

	EXPECT(KNTS_COOKIE_LEN == 100);
	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++)
		EXPECT(keyed(&m[i], cookie_vectors[i].master) == 0);

	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++) {
		for (j = 0; j < ARRAY_SIZE(cookie_vectors); j++) {
			memcpy(cookie, cookie_vectors[i].cookie,
			       KNTS_COOKIE_LEN);
			if (i == j) {
				EXPECT(knts_cookie_open(&m[j], cookie,
							KNTS_COOKIE_LEN) == 0);
				EXPECT(!memcmp(keys, cookie_vectors[i].keys,
					       KNTS_COOKIE_KEYS_LEN));
			} else {
				/* Another master key: refused and wiped. */
				EXPECT(knts_cookie_open(&m[j], cookie,
							KNTS_COOKIE_LEN) ==
				       -EBADMSG);
				EXPECT(all_zero(keys, KNTS_COOKIE_KEYS_LEN));
			}
		}
		/* The key id is not authenticated, the nonce and body are. */
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[0] ^= 0xff;
		EXPECT(knts_cookie_open(&m[i], cookie, KNTS_COOKIE_LEN) == 0);
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[4] ^= 1;
		EXPECT(knts_cookie_open(&m[i], cookie, KNTS_COOKIE_LEN) ==
		       -EBADMSG);
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[KNTS_COOKIE_LEN - 1] ^= 1;
		EXPECT(knts_cookie_open(&m[i], cookie, KNTS_COOKIE_LEN) ==
		       -EBADMSG);
		/* Only AEAD 15's length is a cookie. */
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		EXPECT(knts_cookie_open(&m[i], cookie, KNTS_COOKIE_LEN - 4) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i], cookie, KNTS_COOKIE_LEN + 4) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i], cookie, 0) == -EMSGSIZE);
	}
	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++)
		knts_siv_uninit(&m[i]);
}

static void cookie_seal_open(void)
{
	u8 cookie[KNTS_COOKIE_LEN], again[KNTS_COOKIE_LEN];
	u8 *keys = cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	struct knts_siv m;

	EXPECT(keyed(&m, cookie_vectors[1].master) == 0);
	memcpy(keys, cookie_vectors[1].keys, KNTS_COOKIE_KEYS_LEN);
	EXPECT(knts_cookie_seal(&m, 0x12345679, cookie) == 0);
	EXPECT(knts_cookie_key_id(cookie) == 0x12345679);
	memcpy(again, cookie, sizeof(again));
	EXPECT(knts_cookie_open(&m, cookie, KNTS_COOKIE_LEN) == 0);
	EXPECT(!memcmp(keys, cookie_vectors[1].keys, KNTS_COOKIE_KEYS_LEN));

	/* A fresh nonce every time: two seals of the same keys differ. */
	memcpy(keys, cookie_vectors[1].keys, KNTS_COOKIE_KEYS_LEN);
	EXPECT(knts_cookie_seal(&m, 0x12345679, cookie) == 0);
	EXPECT(memcmp(cookie + 4, again + 4, KNTS_COOKIE_LEN - 4) != 0);
	knts_siv_uninit(&m);
}

/* The two sides of one session: master key, C2S, S2C, server's instance. */
struct session {
	struct knts_siv master, c2s, s2c, srv;
	u8 uid[64];
	u8 *req, *reply, *cookie;
};

static int session_init(struct session *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < sizeof(c->uid); i++)
		c->uid[i] = (u8)(0x40 + i);
	c->req = calloc(1, BUF_LEN);
	c->reply = calloc(1, BUF_LEN);
	c->cookie = calloc(1, KNTS_COOKIE_LEN);
	if (!c->req || !c->reply || !c->cookie ||
	    keyed(&c->master, cookie_vectors[0].master) ||
	    knts_siv_init(&c->c2s) || knts_siv_init(&c->s2c) ||
	    knts_siv_init(&c->srv) ||
	    knts_siv_setkey(&c->c2s, cookie_vectors[0].keys,
			    KNTS_SESSION_KEY_LEN) ||
	    knts_siv_setkey(&c->s2c, cookie_vectors[0].keys +
			    KNTS_SESSION_KEY_LEN, KNTS_SESSION_KEY_LEN))
		return -1;
	return 0;
}

static void session_uninit(struct session *c)
{
	knts_siv_uninit(&c->master);
	knts_siv_uninit(&c->c2s);
	knts_siv_uninit(&c->s2c);
	knts_siv_uninit(&c->srv);
	free(c->req);
	free(c->reply);
	free(c->cookie);
}

/*
 * What the server does with a request of len bytes in c->req, as
 * kmod/receive.c does: parse, open the cookie (a copy), verify, then build
 * and seal the reply into a buffer of exactly the request's length.
 * Returns 0 with the reply in c->reply and *r filled, or the first error.
 */
static int serve(struct session *c, unsigned int len, struct knts_req *req,
		 struct knts_resp *r)
{
	const u8 *keys = c->cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	int err;

	err = knts_ntp_parse(c->req, len, req);
	if (err)
		return err;
	if (!req->nts || req->cookie_len != KNTS_COOKIE_LEN)
		return -EPROTO;
	memcpy(c->cookie, req->cookie, KNTS_COOKIE_LEN);
	err = knts_cookie_open(&c->master, c->cookie, KNTS_COOKIE_LEN);
	if (err)
		return err;
	err = knts_siv_setkey(&c->srv, keys, KNTS_SESSION_KEY_LEN);
	if (!err)
		err = knts_nts_verify(req, &c->srv, false);
	if (err)
		return err;
	/* Exactly the request's length, so that ASan sees any overrun. */
	free(c->reply);
	c->reply = malloc(req->len);
	if (!c->reply)
		return -ENOMEM;
	err = knts_nts_reply_begin(r, c->reply, req, &tp, RX_TS, &c->master,
				   knts_cookie_key_id(req->cookie), keys, false);
	if (err)
		return err;
	return knts_nts_reply_seal(r, &c->srv, keys + KNTS_SESSION_KEY_LEN,
				   T3_TS, false);
}

/* Checks a client's view of a reply; returns the cookies that opened. */
static unsigned int check_cookies(struct session *c,
				  const struct knts_client_reply *cr)
{
	const u8 *keys = c->cookie + KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN;
	unsigned int i, good = 0;

	for (i = 0; i < cr->cookies; i++) {
		if (cr->cookie_len[i] != KNTS_COOKIE_LEN)
			continue;
		memcpy(c->cookie, cr->cookie[i], KNTS_COOKIE_LEN);
		if (knts_cookie_key_id(c->cookie) ==
		    knts_cookie_key_id(cookie_vectors[0].cookie) &&
		    !knts_cookie_open(&c->master, c->cookie, KNTS_COOKIE_LEN) &&
		    !memcmp(keys, cookie_vectors[0].keys, KNTS_COOKIE_KEYS_LEN))
			good++;
	}
	return good;
}

/* knts_client_request -> server -> knts_client_reply, 0..7 placeholders. */
static void nts_exchange(void)
{
	static const u8 nonce[KNTS_NONCE_LEN] = { 9, 8, 7 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	unsigned int ph, want, uid_len;
	int len;

	EXPECT(session_init(&c) == 0);
	for (uid_len = 32; uid_len <= 64; uid_len += 32) {
		for (ph = 0; ph <= 7; ph++) {
			len = knts_client_request(c.req, BUF_LEN, c.uid,
						  uid_len,
						  cookie_vectors[0].cookie,
						  KNTS_COOKIE_LEN, ph, &c.c2s,
						  nonce, TX_TS);
			EXPECT(len == (int)(48 + 4 + uid_len +
					    (1 + ph) * 104 + 40));
			if (len < 0)
				continue;
			EXPECT(serve(&c, (unsigned int)len, &req, &r) == 0);
			want = min(1 + ph, (unsigned int)KNTS_MAX_COOKIES);
			EXPECT(req.placeholders == ph);
			EXPECT(req.cookies_wanted == want);
			EXPECT(r.cookies == want);
			/* RFC 8915 5.7: never longer; here exactly as long. */
			EXPECT(r.len == (unsigned int)len);
			EXPECT(knts_client_reply(c.reply, r.len, c.uid,
						 uid_len, TX_TS, &c.s2c,
						 &cr) == 0);
			EXPECT(!cr.nak);
			EXPECT(cr.leap == 0 && cr.stratum == 2);
			EXPECT(cr.refid == 0x7f000001);
			EXPECT(cr.origin_ts == TX_TS);
			EXPECT(cr.rx_ts == RX_TS && cr.tx_ts == T3_TS);
			EXPECT(cr.cookies == want);
			/* Fresh cookies: same session keys, vector 0's key. */
			EXPECT(check_cookies(&c, &cr) == want);
		}
	}
	session_uninit(&c);
}

/* What the client refuses: tampering, another uid, another request. */
static void nts_reply_checks(void)
{
	static const u8 nonce[KNTS_NONCE_LEN] = { 1 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	u8 *copy;
	unsigned int i, bad = 0;
	int len;

	EXPECT(session_init(&c) == 0);
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				  1, &c.c2s, nonce, TX_TS);
	EXPECT(len > 0);
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == 0);
	copy = malloc(r.len);
	EXPECT(copy != NULL);
	if (!copy)
		return;

	/* Any changed byte in the header, uid or authenticator is caught. */
	for (i = 0; i < r.len; i++) {
		int err;

		memcpy(copy, c.reply, r.len);
		copy[i] ^= 0x10;
		err = knts_client_reply(copy, r.len, c.uid, 32, TX_TS, &c.s2c,
					&cr);
		/* The zero padding after the ciphertext is not covered. */
		if (i >= r.auth_off + 8 + KNTS_NONCE_LEN + KNTS_SIV_TAG_LEN +
			 r.pt_len) {
			if (err)
				bad++;
		} else if (err == 0) {
			fprintf(stderr, "  byte %u changed, still accepted\n",
				i);
			bad++;
		}
	}
	EXPECT(bad == 0);

	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len, c.uid + 1, 32, TX_TS, &c.s2c,
				 &cr) == -EBADMSG);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len, c.uid, 32, TX_TS + 1, &c.s2c,
				 &cr) == -EBADMSG);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len, c.uid, 32, TX_TS, &c.c2s,
				 &cr) == -EPERM);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len - 4, c.uid, 32, TX_TS, &c.s2c,
				 &cr) == -EBADMSG);
	free(copy);

	/* A request with a changed header or a wrong C2S fails verify. */
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				  0, &c.c2s, nonce, TX_TS);
	c.req[KNTS_NTP_OFF_POLL] ^= 1;
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				  0, &c.s2c, nonce, TX_TS);
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	/* A cookie under another master key does not open. */
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[1].cookie, KNTS_COOKIE_LEN,
				  0, &c.c2s, nonce, TX_TS);
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	/* Too small a buffer, uid and cookie lengths the client refuses. */
	EXPECT(knts_client_request(c.req, 200, c.uid, 32,
				   cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				   0, &c.c2s, nonce, TX_TS) == -EMSGSIZE);
	EXPECT(knts_client_request(c.req, BUF_LEN, c.uid, 28,
				   cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				   0, &c.c2s, nonce, TX_TS) == -EINVAL);
	EXPECT(knts_client_request(c.req, BUF_LEN, c.uid, 33,
				   cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				   0, &c.c2s, nonce, TX_TS) == -EINVAL);
	session_uninit(&c);
}

/* An NTSN kiss-o'-death echoes the uid; the client reads it as a NAK. */
static void nts_nak(void)
{
	static const u8 nonce[KNTS_NONCE_LEN] = { 2 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_req req;
	unsigned int klen;
	u8 *out;
	int len;

	EXPECT(session_init(&c) == 0);
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[1].cookie, KNTS_COOKIE_LEN,
				  2, &c.c2s, nonce, TX_TS);
	EXPECT(len > 0);
	EXPECT(knts_ntp_parse(c.req, (unsigned int)len, &req) == 0);
	EXPECT(req.nts);
	out = malloc(req.len);
	EXPECT(out != NULL);
	if (!out)
		return;
	klen = knts_ntp_build_kod(out, &req, &tp, KNTS_KISS_NTSN, RX_TS,
				  T3_TS);
	EXPECT(klen == 48 + 4 + 32);
	EXPECT(klen <= req.len);
	EXPECT(knts_client_reply(out, klen, c.uid, 32, TX_TS, &c.s2c,
				 &cr) == 0);
	EXPECT(cr.nak);
	EXPECT(cr.leap == KNTS_LEAP_UNSYNC && cr.stratum == 0);
	EXPECT(cr.refid == KNTS_KISS_NTSN);
	EXPECT(cr.cookies == 0);
	/* Not for another request's uid. */
	EXPECT(knts_client_reply(out, klen, c.uid + 4, 32, TX_TS, &c.s2c,
				 &cr) == -EBADMSG);

	/* RATE is no NAK: unauthenticated, so refused. */
	klen = knts_ntp_build_kod(out, &req, &tp, KNTS_KISS_RATE, RX_TS,
				  T3_TS);
	EXPECT(knts_client_reply(out, klen, c.uid, 32, TX_TS, &c.s2c,
				 &cr) == -EPERM);
	EXPECT(!cr.nak);
	free(out);

	/* A plain request's KoD and reply are headers only. */
	memset(c.req, 0, KNTS_NTP_HDR_LEN);
	c.req[0] = 4 << 3 | 3;
	put_unaligned_be64(TX_TS, c.req + KNTS_NTP_OFF_TX_TS);
	EXPECT(knts_ntp_parse(c.req, KNTS_NTP_HDR_LEN, &req) == 0);
	EXPECT(!req.nts);
	out = malloc(KNTS_NTP_HDR_LEN);
	EXPECT(knts_ntp_build_kod(out, &req, &tp, KNTS_KISS_RATE, RX_TS,
				  T3_TS) == KNTS_NTP_HDR_LEN);
	EXPECT(out[0] == (KNTS_LEAP_UNSYNC << 6 | 4 << 3 | 4));
	EXPECT(knts_ntp_build_plain(out, &req, &tp, RX_TS, T3_TS) ==
	       KNTS_NTP_HDR_LEN);
	EXPECT(out[0] == (4 << 3 | 4) && out[1] == 2);
	EXPECT(get_unaligned_be64(out + KNTS_NTP_OFF_ORIGIN_TS) == TX_TS);
	EXPECT(get_unaligned_be64(out + KNTS_NTP_OFF_RX_TS) == RX_TS);
	EXPECT(get_unaligned_be64(out + KNTS_NTP_OFF_TX_TS) == T3_TS);
	free(out);
	session_uninit(&c);
}

/* No truncation of a valid request parses as NTS, none reads past it. */
static void nts_truncations(void)
{
	static const u8 nonce[KNTS_NONCE_LEN] = { 3 };
	struct session c;
	struct knts_req req;
	unsigned int cut, accepted = 0;
	u8 *p;
	int len;

	EXPECT(session_init(&c) == 0);
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32,
				  cookie_vectors[0].cookie, KNTS_COOKIE_LEN,
				  1, &c.c2s, nonce, TX_TS);
	EXPECT(len > 0);
	for (cut = 0; cut < (unsigned int)len; cut++) {
		p = malloc(cut ? cut : 1);
		memcpy(p, c.req, cut);
		if (knts_ntp_parse(p, cut, &req) == 0 && req.nts)
			accepted++;
		free(p);
	}
	EXPECT(accepted == 0);
	session_uninit(&c);
}

int main(void)
{
	unit_file = "core";
	RUN(siv_rfc5297_a1);
	RUN(siv_rfc5297_a2);
	RUN(siv_lengths);
	RUN(siv_matches_openssl);
	RUN(siv_tamper);
	RUN(gcmsiv_polyval);
	RUN(gcmsiv_known_answers);
	RUN(gcmsiv_tamper);
	RUN(cookie_vectors_open);
	RUN(cookie_seal_open);
	RUN(nts_exchange);
	RUN(nts_reply_checks);
	RUN(nts_nak);
	RUN(nts_truncations);
	return unit_any_failed;
}
