// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the protocol core (core/siv.c, gcmsiv.c, aead.c, cookie.c,
 * nts.c, nts_client.c) compiled for userspace on the OpenSSL backend:
 * RFC 5297 known answers, pyca/cryptography's answers around block
 * boundaries (core/siv_lengths.h, shared with KUnit), agreement with
 * OpenSSL's own AES-SIV, tamper detection; AES-128-GCM-SIV: RFC 8452's
 * POLYVAL example and its Appendix C.1 vectors with pyca/cryptography's
 * answers for other lengths (core/gcmsiv_vectors.h, shared with KUnit), in
 * place and out of place, and tamper detection; the AEAD interface over
 * both; cookies: the checked-in AEAD 15 vectors (core/cookie_vectors.h)
 * and pyca's cookies in chrony's layout under AEAD 30 and AEAD 15 master
 * keys with both sessions' keys (core/cookie30_vectors.h), opened,
 * resealed byte for byte and tampered with; and whole client/server
 * exchanges for every master key and session AEAD, with the nonce rules
 * of each and fewer cookies when the sealing key's are longer.
 */
#include <openssl/evp.h>
#include <stdlib.h>

#include "core/nts_client.h"
#include "core/cookie_vectors.h"
#include "core/cookie30_vectors.h"
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

/* A master key as a server holds one: long-lived, either AEAD. */
static int master_ctx(struct knts_aead_ctx *c, u16 alg, const u8 *key)
{
	if (knts_aead_ctx_init(c))
		return -1;
	return knts_aead_ctx_setkey(c, alg, key, knts_aead_key_len(alg), true);
}

/* The AEAD interface (core/aead.c) on its own, and the length rules. */
static void aead_interface(void)
{
	const struct gcmsiv_vector *gv = &gcmsiv_vectors[10];
	const struct siv_len_vector *sv = &siv_len_vectors[6];
	u8 buf[64 + KNTS_AEAD_TAG_LEN], out[64], nonce16[16], ad[32];
	static const u8 key32[32] = { 1, 2, 3 };
	struct knts_aead_ctx c;
	unsigned int j;

	EXPECT(knts_aead_key_len(15) == 32 && knts_aead_key_len(30) == 16);
	EXPECT(knts_aead_key_len(16) == 0 && knts_aead_key_len(0) == 0);
	EXPECT(knts_aead_nonce_len(15) == 16 && knts_aead_nonce_len(30) == 12);
	EXPECT(knts_aead_pt_off(15) == 16 && knts_aead_pt_off(30) == 0);
	EXPECT(knts_session_alg(64) == 15 && knts_session_alg(32) == 30);
	EXPECT(knts_session_alg(48) == 0 && knts_session_alg(0) == 0);
	EXPECT(knts_cookie_len(15, 64) == 100 && knts_cookie_len(15, 32) == 68);
	EXPECT(knts_cookie_len(30, 64) == 96 && knts_cookie_len(30, 32) == 64);
	EXPECT(knts_cookie_keys_off(15) == 36);
	EXPECT(knts_cookie_keys_off(30) == 16);
	EXPECT(KNTS_COOKIE_MAX_LEN == 100 && KNTS_COOKIE_KEYS_LEN == 64);

	EXPECT(knts_aead_ctx_init(&c) == 0);
	/* AEAD 30 through the handle: RFC 8452's answer, tag last. */
	EXPECT(gv->pt_len == 32 && gv->ad_len == 1);
	EXPECT(knts_aead_ctx_setkey(&c, 30, gv->key, 16, false) == 0);
	memcpy(buf, gv->pt, gv->pt_len);
	EXPECT(knts_aead_seal(&c.a, false, gv->nonce, 12, gv->ad, gv->ad_len,
			      buf, gv->pt_len) == 0);
	EXPECT(!memcmp(buf, gv->out, gv->pt_len + KNTS_AEAD_TAG_LEN));
	EXPECT(knts_aead_open(&c.a, false, gv->nonce, 12, gv->ad, gv->ad_len,
			      buf, out, gv->pt_len + KNTS_AEAD_TAG_LEN) == 0);
	EXPECT(!memcmp(out, gv->pt, gv->pt_len));
	/*
	 * A nonce AES-128-GCM-SIV cannot take: sealing refuses it, opening
	 * fails as a forgery does (a NAK), even when its first 12 bytes
	 * are the right ones, and wipes the output.
	 */
	memcpy(nonce16, gv->nonce, 12);
	memset(nonce16 + 12, 0, 4);
	memcpy(buf, gv->pt, gv->pt_len);
	EXPECT(knts_aead_seal(&c.a, false, nonce16, 16, gv->ad, gv->ad_len,
			      buf, gv->pt_len) == -EINVAL);
	memset(out, 0x77, sizeof(out));
	EXPECT(knts_aead_open(&c.a, false, nonce16, 16, gv->ad, gv->ad_len,
			      gv->out, out, gv->pt_len + KNTS_AEAD_TAG_LEN) ==
	       -EBADMSG);
	EXPECT(all_zero(out, gv->pt_len));
	EXPECT(knts_aead_open(&c.a, false, nonce16, 11, gv->ad, gv->ad_len,
			      gv->out, out, gv->pt_len + KNTS_AEAD_TAG_LEN) ==
	       -EBADMSG);
	EXPECT(knts_aead_open(&c.a, false, gv->nonce, 12, gv->ad, gv->ad_len,
			      gv->out, out, KNTS_AEAD_TAG_LEN - 1) == -EINVAL);
	/* Each algorithm's key length, and no other algorithm. */
	EXPECT(knts_aead_ctx_setkey(&c, 30, key32, 32, false) == -EINVAL);
	EXPECT(knts_aead_ctx_setkey(&c, 15, key32, 16, false) == -EINVAL);
	EXPECT(knts_aead_ctx_setkey(&c, 15, key32, 16, true) == -EINVAL);
	EXPECT(knts_aead_ctx_setkey(&c, 16, key32, 32, false) == -EINVAL);
	EXPECT(knts_aead_ctx_setkey(&c, 0, key32, 0, false) == -EINVAL);

	/* AEAD 15 through the handle: S2V over the AD, then the nonce. */
	EXPECT(sv->len == 32);
	for (j = 0; j < sv->len; j++) {
		ad[j] = (u8)(j * 31 + 7);
		buf[KNTS_AEAD_TAG_LEN + j] = (u8)(j * 13 + 5);
	}
	EXPECT(knts_aead_ctx_setkey(&c, 15, siv_len_key, 32, false) == 0);
	EXPECT(knts_aead_seal(&c.a, false, siv_len_nonce, 16, ad, sv->len,
			      buf, sv->len) == 0);
	EXPECT(!memcmp(buf, sv->out, KNTS_AEAD_TAG_LEN + sv->len));
	EXPECT(knts_aead_open(&c.a, false, siv_len_nonce, 16, ad, sv->len,
			      buf, buf + KNTS_AEAD_TAG_LEN,
			      KNTS_AEAD_TAG_LEN + sv->len) == 0);
	for (j = 0; j < sv->len; j++)
		EXPECT(buf[KNTS_AEAD_TAG_LEN + j] == (u8)(j * 13 + 5));

	/* An algorithm knts does not implement does nothing. */
	c.a.alg = 16;
	EXPECT(knts_aead_seal(&c.a, false, siv_len_nonce, 16, NULL, 0, buf,
			      0) == -EINVAL);
	EXPECT(knts_aead_open(&c.a, false, siv_len_nonce, 16, NULL, 0, buf,
			      out, KNTS_AEAD_TAG_LEN) == -EINVAL);
	knts_aead_ctx_uninit(&c);
}

/* Cookies sealed by mkcookie (master AEAD 15, AEAD 15 sessions). */
static void cookie_vectors_open(void)
{
	u8 cookie[KNTS_COOKIE_LEN + 4], keys[KNTS_COOKIE_KEYS_LEN];
	struct knts_aead_ctx m[ARRAY_SIZE(cookie_vectors)];
	unsigned int i, j;

	EXPECT(KNTS_COOKIE_LEN == 100);
	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++)
		EXPECT(master_ctx(&m[i], 15, cookie_vectors[i].master) == 0);

	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++) {
		for (j = 0; j < ARRAY_SIZE(cookie_vectors); j++) {
			memcpy(cookie, cookie_vectors[i].cookie,
			       KNTS_COOKIE_LEN);
			memset(keys, 0xee, sizeof(keys));
			if (i == j) {
				EXPECT(knts_cookie_open(&m[j].a, false, cookie,
							KNTS_COOKIE_LEN,
							keys) == 64);
				EXPECT(!memcmp(keys, cookie_vectors[i].keys,
					       KNTS_COOKIE_KEYS_LEN));
				/* The cookie itself is not written to. */
				EXPECT(!memcmp(cookie, cookie_vectors[i].cookie,
					       KNTS_COOKIE_LEN));
			} else {
				/* Another master key: refused and wiped. */
				EXPECT(knts_cookie_open(&m[j].a, false, cookie,
							KNTS_COOKIE_LEN,
							keys) == -EBADMSG);
				EXPECT(all_zero(keys, KNTS_COOKIE_KEYS_LEN));
			}
		}
		/* The key id is not authenticated, the nonce and body are. */
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[0] ^= 0xff;
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, KNTS_COOKIE_LEN,
					keys) == 64);
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[4] ^= 1;
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, KNTS_COOKIE_LEN,
					keys) == -EBADMSG);
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		cookie[KNTS_COOKIE_LEN - 1] ^= 1;
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, KNTS_COOKIE_LEN,
					keys) == -EBADMSG);
		/* Under an AEAD 15 key, 100 and 68 bytes are cookies. */
		memcpy(cookie, cookie_vectors[i].cookie, KNTS_COOKIE_LEN);
		memset(keys, 0xee, sizeof(keys));
		EXPECT(knts_cookie_open(&m[i].a, false, cookie,
					KNTS_COOKIE_LEN - 4, keys) ==
		       -EMSGSIZE);
		EXPECT(all_zero(keys, KNTS_COOKIE_KEYS_LEN));
		EXPECT(knts_cookie_open(&m[i].a, false, cookie,
					KNTS_COOKIE_LEN + 4, keys) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, 96, keys) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, 64, keys) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, 0, keys) ==
		       -EMSGSIZE);
		EXPECT(knts_cookie_open(&m[i].a, false, cookie, 68, keys) ==
		       -EBADMSG);
	}
	for (i = 0; i < ARRAY_SIZE(cookie_vectors); i++)
		knts_aead_ctx_uninit(&m[i]);
}

/* The first vector of cookie30_vectors of a kind (or its second). */
static const struct cookie30_vector *vec30(u16 master_alg,
					   unsigned int keys_len,
					   unsigned int second)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cookie30_vectors); i++)
		if (cookie30_vectors[i].master_alg == master_alg &&
		    cookie30_vectors[i].keys_len == keys_len && !second--)
			return &cookie30_vectors[i];
	abort();
}

/* Both AEADs of master key, both of session: seal, open, fresh nonces. */
static void cookie_seal_open(void)
{
	static const u16 algs[] = { 15, 30 };
	static const unsigned int klens[] = { 64, 32 };
	u8 cookie[KNTS_COOKIE_MAX_LEN + 8], again[KNTS_COOKIE_MAX_LEN];
	u8 keys[KNTS_COOKIE_KEYS_LEN];
	unsigned int a, k, len, off;
	struct knts_aead_ctx m;

	for (a = 0; a < ARRAY_SIZE(algs); a++) {
		for (k = 0; k < ARRAY_SIZE(klens); k++) {
			const struct cookie30_vector *v =
				vec30(algs[a], klens[k], 0);

			len = knts_cookie_len(algs[a], klens[k]);
			off = knts_cookie_keys_off(algs[a]);
			EXPECT(len == v->cookie_len);
			EXPECT(master_ctx(&m, algs[a], v->master) == 0);
			memset(cookie, 0xcc, sizeof(cookie));
			memcpy(cookie + off, v->keys, klens[k]);
			EXPECT(knts_cookie_seal(&m.a, 0x12345679, cookie,
						klens[k]) == 0);
			EXPECT(knts_cookie_key_id(cookie) == 0x12345679);
			/* Exactly its length is written. */
			EXPECT(cookie[len] == 0xcc);
			/* The session keys are not in the clear. */
			EXPECT(memcmp(cookie + off, v->keys, klens[k]) != 0);
			memcpy(again, cookie, len);
			EXPECT(knts_cookie_open(&m.a, false, cookie, len,
						keys) == (int)klens[k]);
			EXPECT(!memcmp(keys, v->keys, klens[k]));

			/* A fresh nonce every time: two seals differ. */
			memcpy(cookie + off, v->keys, klens[k]);
			EXPECT(knts_cookie_seal(&m.a, 0x12345679, cookie,
						klens[k]) == 0);
			EXPECT(memcmp(cookie + 4, again + 4,
				      knts_aead_nonce_len(algs[a])) != 0);
			EXPECT(memcmp(cookie + 4, again + 4, len - 4) != 0);

			/* A length no session has is refused. */
			EXPECT(knts_cookie_seal(&m.a, 1, cookie, 48) ==
			       -EINVAL);
			EXPECT(knts_cookie_seal(&m.a, 1, cookie, 0) ==
			       -EINVAL);
			knts_aead_ctx_uninit(&m);
		}
	}
}

/* A vector's master key, long-lived or keyed as a session's. */
static int vec30_master(struct knts_aead_ctx *m,
			const struct cookie30_vector *v, bool lived)
{
	if (knts_aead_ctx_init(m))
		return -1;
	return knts_aead_ctx_setkey(m, v->master_alg, v->master,
				    knts_aead_key_len(v->master_alg), lived);
}

/* pyca's cookies (core/cookie30_vectors.h) open to their keys. */
static void cookie30_vectors_open(void)
{
	u8 cookie[KNTS_COOKIE_MAX_LEN], keys[KNTS_COOKIE_KEYS_LEN];
	unsigned int i, lived, bad = 0;
	struct knts_aead_ctx m;
	int ret;

	EXPECT(ARRAY_SIZE(cookie30_vectors) == 8);
	for (i = 0; i < ARRAY_SIZE(cookie30_vectors); i++) {
		const struct cookie30_vector *v = &cookie30_vectors[i];

		EXPECT(v->cookie_len ==
		       knts_cookie_len(v->master_alg, v->keys_len));
		/* A master key, and an AEAD 15 key set as a session's. */
		for (lived = 0; lived < 2; lived++) {
			EXPECT(vec30_master(&m, v, lived) == 0);
			memcpy(cookie, v->cookie, v->cookie_len);
			memset(keys, 0xee, sizeof(keys));
			ret = knts_cookie_open(&m.a, false, cookie,
					       v->cookie_len, keys);
			if (ret != (int)v->keys_len ||
			    memcmp(keys, v->keys, v->keys_len) ||
			    memcmp(cookie, v->cookie, v->cookie_len) ||
			    knts_session_alg((unsigned int)ret) !=
			    (v->keys_len == 64 ? 15u : 30u)) {
				fprintf(stderr, "  %s: open gave %d\n", v->name,
					ret);
				bad++;
			}
			knts_aead_ctx_uninit(&m);
		}
	}
	EXPECT(bad == 0);
}

/* Sealed with the vector's nonce, the same bytes as pyca's. */
static void cookie30_vectors_seal(void)
{
	u8 cookie[KNTS_COOKIE_MAX_LEN + 8];
	unsigned int i, lived, bad = 0;
	struct knts_aead_ctx m;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cookie30_vectors); i++) {
		const struct cookie30_vector *v = &cookie30_vectors[i];

		for (lived = 0; lived < 2; lived++) {
			EXPECT(vec30_master(&m, v, lived) == 0);
			memset(cookie, 0xcc, sizeof(cookie));
			memcpy(cookie + knts_cookie_keys_off(v->master_alg),
			       v->keys, v->keys_len);
			ret = knts_cookie_seal_nonce(&m.a,
						     knts_cookie_key_id(v->cookie),
						     cookie, v->keys_len,
						     v->nonce, false);
			if (ret || memcmp(cookie, v->cookie, v->cookie_len) ||
			    cookie[v->cookie_len] != 0xcc) {
				fprintf(stderr, "  %s: seal gave %d\n", v->name,
					ret);
				bad++;
			}
			knts_aead_ctx_uninit(&m);
		}
	}
	EXPECT(bad == 0);
}

/* Tampering, lengths and keys: each fails with its own error. */
static void cookie30_rejects(void)
{
	u8 cookie[KNTS_COOKIE_MAX_LEN + 8], keys[KNTS_COOKIE_KEYS_LEN];
	struct knts_aead_ctx m, other, cross;
	unsigned int i, b, len, wiped, bad = 0;
	int ret, want;

	for (i = 0; i < ARRAY_SIZE(cookie30_vectors); i++) {
		const struct cookie30_vector *v = &cookie30_vectors[i];
		/* The other key of the same kind, and one of the other AEAD. */
		const struct cookie30_vector *o = &cookie30_vectors[i ^ 1];
		const struct cookie30_vector *x =
			vec30(v->master_alg == 15 ? 30 : 15, v->keys_len, 0);

		EXPECT(o->master_alg == v->master_alg &&
		       memcmp(o->master, v->master, 16));
		EXPECT(master_ctx(&m, v->master_alg, v->master) == 0);
		EXPECT(master_ctx(&other, o->master_alg, o->master) == 0);
		EXPECT(master_ctx(&cross, x->master_alg, x->master) == 0);

		/* Another master key of the same AEAD: the tag fails. */
		memset(keys, 0xee, sizeof(keys));
		EXPECT(knts_cookie_open(&other.a, false, v->cookie,
					v->cookie_len, keys) == -EBADMSG);
		EXPECT(all_zero(keys, v->keys_len));
		/* A master key of the other AEAD: never its lengths. */
		EXPECT(knts_cookie_open(&cross.a, false, v->cookie,
					v->cookie_len, keys) == -EMSGSIZE);

		/* Any bit after the key id: the tag fails, keys wiped. */
		for (b = 4 * 8; b < v->cookie_len * 8; b++) {
			memcpy(cookie, v->cookie, v->cookie_len);
			cookie[b / 8] ^= (u8)(1 << (b % 8));
			memset(keys, 0xee, sizeof(keys));
			if (knts_cookie_open(&m.a, false, cookie, v->cookie_len,
					     keys) != -EBADMSG ||
			    !all_zero(keys, v->keys_len))
				bad++;
		}
		/* The key id is not covered: it only picks the key. */
		memcpy(cookie, v->cookie, v->cookie_len);
		cookie[3] ^= 4;
		EXPECT(knts_cookie_open(&m.a, false, cookie, v->cookie_len,
					keys) == (int)v->keys_len);

		/*
		 * Every length: only this master's two cookie lengths get
		 * to the tag (which fails for the one that is not this
		 * cookie's: a cut or stretched cookie), the rest are not
		 * cookies.  What could have been written is wiped: all of
		 * @keys, or the plaintext's length after the tag failed.
		 */
		memset(cookie, 0, sizeof(cookie));
		memcpy(cookie, v->cookie, v->cookie_len);
		for (len = 0; len < sizeof(cookie); len++) {
			wiped = sizeof(keys);
			if (len == v->cookie_len) {
				want = (int)v->keys_len;
				wiped = 0;
			} else if (len == knts_cookie_len(v->master_alg, 64) ||
				   len == knts_cookie_len(v->master_alg, 32)) {
				want = -EBADMSG;
				wiped = len - knts_cookie_len(v->master_alg, 0);
			} else {
				want = -EMSGSIZE;
			}
			memset(keys, 0xee, sizeof(keys));
			ret = knts_cookie_open(&m.a, false, cookie, len, keys);
			if (ret != want || !all_zero(keys, wiped)) {
				fprintf(stderr, "  %s: length %u gave %d\n",
					v->name, len, ret);
				bad++;
			}
		}
		/* Sealing wants a session's length of keys. */
		EXPECT(knts_cookie_seal_nonce(&m.a, 1, cookie, 16, v->nonce,
					      false) == -EINVAL);
		knts_aead_ctx_uninit(&m);
		knts_aead_ctx_uninit(&other);
		knts_aead_ctx_uninit(&cross);
	}
	EXPECT(bad == 0);
}

/* The AEADs of a session's two sides: master key and session. */
struct combo {
	u16 master, alg;
};

static const struct combo combos[] = {
	{ 15, 15 }, { 15, 30 }, { 30, 15 }, { 30, 30 },
};

/*
 * The two sides of one session: the master key (and another one, of the
 * other AEAD), the client's C2S and S2C, the server's instance, the
 * client's cookie and the session keys (a vector of cookie30_vectors).
 */
struct session {
	struct knts_aead_ctx master, other, c2s, s2c, srv;
	u16 master_alg, alg;
	const u8 *keys;
	unsigned int keys_len;
	const u8 *cookie;
	unsigned int cookie_len;
	u8 opened[KNTS_COOKIE_KEYS_LEN];
	u8 uid[64];
	u8 *req, *reply;
};

static int session_init(struct session *c, u16 master_alg, u16 alg)
{
	unsigned int klen = alg == 15 ? 64 : 32, i;
	const struct cookie30_vector *v = vec30(master_alg, klen, 0);
	const struct cookie30_vector *o =
		vec30(master_alg == 15 ? 30 : 15, klen, 1);

	memset(c, 0, sizeof(*c));
	c->master_alg = master_alg;
	c->alg = alg;
	c->keys = v->keys;
	c->keys_len = klen;
	c->cookie = v->cookie;
	c->cookie_len = v->cookie_len;
	for (i = 0; i < sizeof(c->uid); i++)
		c->uid[i] = (u8)(0x40 + i);
	c->req = calloc(1, BUF_LEN);
	c->reply = calloc(1, BUF_LEN);
	if (!c->req || !c->reply ||
	    master_ctx(&c->master, master_alg, v->master) ||
	    master_ctx(&c->other, o->master_alg, o->master) ||
	    knts_aead_ctx_init(&c->c2s) || knts_aead_ctx_init(&c->s2c) ||
	    knts_aead_ctx_init(&c->srv) ||
	    knts_aead_ctx_setkey(&c->c2s, alg, c->keys, klen / 2, false) ||
	    knts_aead_ctx_setkey(&c->s2c, alg, c->keys + klen / 2, klen / 2,
				 false))
		return -1;
	return 0;
}

static void session_uninit(struct session *c)
{
	knts_aead_ctx_uninit(&c->master);
	knts_aead_ctx_uninit(&c->other);
	knts_aead_ctx_uninit(&c->c2s);
	knts_aead_ctx_uninit(&c->s2c);
	knts_aead_ctx_uninit(&c->srv);
	free(c->req);
	free(c->reply);
}

/* The client's request with the session's cookie. */
static int client_request(struct session *c, unsigned int uid_len,
			  unsigned int placeholders, const u8 *nonce)
{
	return knts_client_request(c->req, BUF_LEN, c->uid, uid_len, c->cookie,
				   c->cookie_len, placeholders, &c->c2s.a,
				   nonce, TX_TS);
}

/*
 * What the server does with a request of len bytes in c->req, as
 * kmod/receive.c does: parse, open the cookie under c->master, verify with
 * the session's AEAD, then build and seal the reply, its fresh cookies
 * under @rm (c->master when NULL), into a buffer of exactly the request's
 * length.  Returns 0 with the reply in c->reply and *r filled, or the
 * first error.
 */
static int serve_with(struct session *c, unsigned int len, struct knts_req *req,
		      struct knts_resp *r, struct knts_aead_ctx *rm)
{
	unsigned int klen;
	int err;

	err = knts_ntp_parse(c->req, len, req);
	if (err)
		return err;
	if (!req->nts)
		return -EPROTO;
	err = knts_cookie_open(&c->master.a, false, req->cookie,
			       req->cookie_len, c->opened);
	if (err < 0)
		return err;
	klen = (unsigned int)err;
	err = knts_aead_ctx_setkey(&c->srv, (u16)knts_session_alg(klen),
				   c->opened, klen / 2, false);
	if (!err)
		err = knts_nts_verify(req, &c->srv.a, false);
	if (err)
		return err;
	/* Exactly the request's length, so that ASan sees any overrun. */
	free(c->reply);
	c->reply = malloc(req->len);
	if (!c->reply)
		return -ENOMEM;
	rm = rm ?: &c->master;
	err = knts_nts_reply_begin(r, c->reply, req, &tp, RX_TS, &rm->a,
				   knts_cookie_key_id(req->cookie), c->opened,
				   klen, false);
	if (err)
		return err;
	return knts_nts_reply_seal(r, &c->srv.a, c->opened + klen / 2, T3_TS,
				   false);
}

static int serve(struct session *c, unsigned int len, struct knts_req *req,
		 struct knts_resp *r)
{
	return serve_with(c, len, req, r, NULL);
}

/*
 * Checks a client's view of a reply; returns the cookies that open under
 * @m to the session's keys, each of exactly @len bytes.
 */
static unsigned int check_cookies(struct session *c,
				  const struct knts_client_reply *cr,
				  struct knts_aead_ctx *m, unsigned int len)
{
	u8 keys[KNTS_COOKIE_KEYS_LEN];
	unsigned int i, good = 0;

	for (i = 0; i < cr->cookies; i++) {
		if (cr->cookie_len[i] != len ||
		    knts_cookie_key_id(cr->cookie[i]) !=
		    knts_cookie_key_id(c->cookie))
			continue;
		if (knts_cookie_open(&m->a, false, cr->cookie[i], len, keys) ==
		    (int)c->keys_len &&
		    !memcmp(keys, c->keys, c->keys_len))
			good++;
	}
	return good;
}

/*
 * knts_client_request -> server -> knts_client_reply, for every master
 * key and session AEAD, 0..7 placeholders.
 */
static void nts_exchange(void)
{
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 9, 8, 7 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	unsigned int i, ph, want, uid_len, nlen, clen, bad = 0;
	int len;

	for (i = 0; i < ARRAY_SIZE(combos); i++) {
		EXPECT(session_init(&c, combos[i].master, combos[i].alg) == 0);
		nlen = knts_aead_nonce_len(c.alg);
		clen = c.cookie_len;
		for (uid_len = 32; uid_len <= 64; uid_len += 32) {
			for (ph = 0; ph <= 7; ph++) {
				unsigned int before = (unsigned int)unit_failed;

				unit_failed = 0;
				len = client_request(&c, uid_len, ph, nonce);
				/* The AEAD's nonce, without padding. */
				EXPECT(len == (int)(48 + 4 + uid_len + 8 +
						    (1 + ph) * (4 + clen) +
						    nlen + 16));
				if (len < 0)
					continue;
				EXPECT(get_unaligned_be16(c.req + len - 16 -
							  nlen - 4) == nlen);
				EXPECT(serve(&c, (unsigned int)len, &req,
					     &r) == 0);
				want = min(1 + ph,
					   (unsigned int)KNTS_MAX_COOKIES);
				EXPECT(req.placeholders == ph);
				EXPECT(req.nonce_len == nlen);
				EXPECT(req.cookies_wanted == want);
				EXPECT(r.cookies == want);
				/* RFC 8915 5.7: never longer; here as long. */
				EXPECT(r.len == (unsigned int)len);
				EXPECT(r.nonce_len == nlen);
				EXPECT(knts_client_reply(c.reply, r.len, c.uid,
							 uid_len, TX_TS,
							 &c.s2c.a, &cr) == 0);
				EXPECT(!cr.nak);
				EXPECT(cr.leap == 0 && cr.stratum == 2);
				EXPECT(cr.refid == 0x7f000001);
				EXPECT(cr.origin_ts == TX_TS);
				EXPECT(cr.rx_ts == RX_TS && cr.tx_ts == T3_TS);
				EXPECT(cr.cookies == want);
				/* Fresh cookies: the session's keys again. */
				EXPECT(check_cookies(&c, &cr, &c.master,
						     c.cookie_len) == want);
				if (unit_failed) {
					fprintf(stderr, "  master %u session %u "
						"uid %u placeholders %u\n",
						c.master_alg, c.alg, uid_len,
						ph);
					bad++;
				}
				unit_failed |= (int)before;
			}
		}
		session_uninit(&c);
	}
	EXPECT(bad == 0);
}

/* What the client refuses: tampering, another uid, another request. */
static void reply_checks(u16 master_alg, u16 alg)
{
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 1 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	u8 *copy;
	unsigned int i, bad = 0;
	int len;

	EXPECT(session_init(&c, master_alg, alg) == 0);
	len = client_request(&c, 32, 1, nonce);
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
		err = knts_client_reply(copy, r.len, c.uid, 32, TX_TS,
					&c.s2c.a, &cr);
		/* The zero padding after the ciphertext is not covered. */
		if (i >= r.ct_off + KNTS_AEAD_TAG_LEN + r.pt_len) {
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
	EXPECT(knts_client_reply(copy, r.len, c.uid + 1, 32, TX_TS, &c.s2c.a,
				 &cr) == -EBADMSG);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len, c.uid, 32, TX_TS + 1, &c.s2c.a,
				 &cr) == -EBADMSG);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len, c.uid, 32, TX_TS, &c.c2s.a,
				 &cr) == -EPERM);
	memcpy(copy, c.reply, r.len);
	EXPECT(knts_client_reply(copy, r.len - 4, c.uid, 32, TX_TS, &c.s2c.a,
				 &cr) == -EBADMSG);
	free(copy);

	/* A request with a changed header or a wrong C2S fails verify. */
	len = client_request(&c, 32, 0, nonce);
	c.req[KNTS_NTP_OFF_POLL] ^= 1;
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	len = knts_client_request(c.req, BUF_LEN, c.uid, 32, c.cookie,
				  c.cookie_len, 0, &c.s2c.a, nonce, TX_TS);
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	/* A cookie under another master key of its AEAD does not open. */
	c.cookie = vec30(master_alg, c.keys_len, 1)->cookie;
	len = client_request(&c, 32, 0, nonce);
	EXPECT(serve(&c, (unsigned int)len, &req, &r) == -EBADMSG);
	/* Too small a buffer, uid and cookie lengths the client refuses. */
	EXPECT(knts_client_request(c.req, 48 + 36 + 4 + c.cookie_len + 8 +
				   knts_aead_nonce_len(alg) + 15, c.uid, 32,
				   c.cookie, c.cookie_len, 0, &c.c2s.a, nonce,
				   TX_TS) == -EMSGSIZE);
	EXPECT(knts_client_request(c.req, 48 + 36 + 4 + c.cookie_len + 8 +
				   knts_aead_nonce_len(alg) + 16, c.uid, 32,
				   c.cookie, c.cookie_len, 0, &c.c2s.a, nonce,
				   TX_TS) > 0);
	EXPECT(knts_client_request(c.req, BUF_LEN, c.uid, 28, c.cookie,
				   c.cookie_len, 0, &c.c2s.a, nonce, TX_TS) ==
	       -EINVAL);
	EXPECT(knts_client_request(c.req, BUF_LEN, c.uid, 33, c.cookie,
				   c.cookie_len, 0, &c.c2s.a, nonce, TX_TS) ==
	       -EINVAL);
	session_uninit(&c);
}

static void nts_reply_checks(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(combos); i++)
		reply_checks(combos[i].master, combos[i].alg);
}

/*
 * A request with the session's cookie and an authenticator made here: a
 * nonce of @nlen bytes 0x5a, the tag, and @pad bytes of additional padding
 * (RFC 8915 5.6), sealed with C2S; an AEAD 30 session's over the first 12
 * bytes of a longer nonce, which is what a server that ignored the length
 * would check (a shorter one gets a zero tag).  Returns its length.
 */
static unsigned int raw_request(struct session *c, unsigned int nlen,
				unsigned int pad)
{
	unsigned int off = 0, alen = 8 + knts_pad4(nlen) + pad + 16;
	u8 *p = c->req, *ct;

	memset(p, 0, BUF_LEN);
	p[0] = 4 << 3 | 3;
	put_unaligned_be64(TX_TS, p + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	put_unaligned_be16(KNTS_EF_UNIQUE_ID, p + off);
	put_unaligned_be16(4 + 32, p + off + 2);
	memcpy(p + off + 4, c->uid, 32);
	off += 4 + 32;
	put_unaligned_be16(KNTS_EF_COOKIE, p + off);
	put_unaligned_be16(4 + c->cookie_len, p + off + 2);
	memcpy(p + off + 4, c->cookie, c->cookie_len);
	off += 4 + c->cookie_len;
	put_unaligned_be16(KNTS_EF_AUTH, p + off);
	put_unaligned_be16(alen, p + off + 2);
	put_unaligned_be16(nlen, p + off + 4);
	put_unaligned_be16(16, p + off + 6);
	memset(p + off + 8, 0x5a, nlen);
	ct = p + off + 8 + knts_pad4(nlen);
	if (c->alg == 30 && nlen >= 12)
		EXPECT(knts_gcmsiv_seal(&c->c2s.kgk, &c->c2s.mek, false,
					p + off + 8, p, off, ct, 0) == 0);
	else if (c->alg == 15)
		EXPECT(knts_aead_seal(&c->c2s.a, false, p + off + 8, nlen, p,
				      off, ct, 0) == 0);
	return off + alen;
}

/*
 * The nonce rules: N_REQ (16) of nonce and padding for an AEAD 15 session,
 * 12 for AEAD 30, whose nonce must be 12 bytes.
 */
static void nts_nonce_rules(void)
{
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	unsigned int len;

	/* AEAD 15: 16 bytes, or 12 and padding; 12 alone is dropped. */
	EXPECT(session_init(&c, 30, 15) == 0);
	len = raw_request(&c, 16, 0);
	EXPECT(serve(&c, len, &req, &r) == 0);
	len = raw_request(&c, 12, 4);
	EXPECT(serve(&c, len, &req, &r) == 0);
	EXPECT(req.nonce_len == 12 && req.nonce_area == 16);
	len = raw_request(&c, 12, 0);
	EXPECT(knts_ntp_parse(c.req, len, &req) == 0 && req.nts);
	EXPECT(req.nonce_area == 12);
	EXPECT(serve(&c, len, &req, &r) == -EINVAL);
	len = raw_request(&c, 8, 4);
	EXPECT(serve(&c, len, &req, &r) == -EINVAL);
	len = raw_request(&c, 8, 8);
	EXPECT(serve(&c, len, &req, &r) == 0);
	/* Less than 12 bytes of nonce and padding: not even parsed. */
	len = raw_request(&c, 4, 4);
	EXPECT(serve(&c, len, &req, &r) == -EBADMSG);
	EXPECT(knts_ntp_parse(c.req, len, &req) == -EBADMSG);
	session_uninit(&c);

	/* AEAD 30: 12 bytes, padded or not; any other length is a NAK. */
	EXPECT(session_init(&c, 15, 30) == 0);
	len = raw_request(&c, 12, 0);
	EXPECT(serve(&c, len, &req, &r) == 0);
	len = raw_request(&c, 12, 4);
	EXPECT(serve(&c, len, &req, &r) == 0);
	/* Its first 12 bytes verify: the length alone refuses it. */
	len = raw_request(&c, 16, 0);
	EXPECT(serve(&c, len, &req, &r) == -EBADMSG);
	len = raw_request(&c, 13, 0);
	EXPECT(serve(&c, len, &req, &r) == -EBADMSG);
	len = raw_request(&c, 8, 4);
	EXPECT(serve(&c, len, &req, &r) == -EBADMSG);
	session_uninit(&c);
}

/*
 * Fewer cookies when the master key that seals them makes them longer
 * than the request's (an AEAD 15 key after AEAD 30 cookies): the reply is
 * never longer than the request, and what it carries opens.
 */
static void nts_reply_cookie_budget(void)
{
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 4 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_resp r;
	struct knts_req req;
	unsigned int i, ph;
	int len;

	for (i = 0; i < ARRAY_SIZE(combos); i++) {
		unsigned int mine, longer, olen;

		if (combos[i].master != 30)
			continue;
		/* 64 -> 68 bytes, 96 -> 100: the AEAD 15 key's are longer. */
		EXPECT(session_init(&c, 30, combos[i].alg) == 0);
		olen = knts_cookie_len(15, c.keys_len);
		EXPECT(olen == c.cookie_len + 4);
		for (ph = 0; ph <= 7; ph++) {
			len = client_request(&c, 32, ph, nonce);
			EXPECT(len > 0);
			EXPECT(serve_with(&c, (unsigned int)len, &req, &r,
					  &c.other) == 0);
			mine = knts_nts_reply_cookies(&req, 30, c.keys_len);
			longer = knts_nts_reply_cookies(&req, 15, c.keys_len);
			EXPECT(mine == min(1 + ph, 8u));
			/* Four bytes more a cookie: one fewer fits. */
			EXPECT(longer == mine - 1);
			EXPECT(r.cookies == longer);
			EXPECT(r.len <= (unsigned int)len);
			EXPECT(knts_client_reply(c.reply, r.len, c.uid, 32,
						 TX_TS, &c.s2c.a, &cr) == 0);
			EXPECT(cr.cookies == longer);
			EXPECT(check_cookies(&c, &cr, &c.other, olen) ==
			       longer);
		}
		session_uninit(&c);
	}

	/* Shorter cookies (AEAD 30 after AEAD 15): all of them fit. */
	EXPECT(session_init(&c, 15, 30) == 0);
	len = client_request(&c, 32, 3, nonce);
	EXPECT(serve_with(&c, (unsigned int)len, &req, &r, &c.other) == 0);
	EXPECT(knts_nts_reply_cookies(&req, 30, 32) == 4);
	EXPECT(r.cookies == 4 && r.len == (unsigned int)len);
	EXPECT(knts_client_reply(c.reply, r.len, c.uid, 32, TX_TS, &c.s2c.a,
				 &cr) == 0);
	EXPECT(check_cookies(&c, &cr, &c.other, 64) == 4);
	session_uninit(&c);
}

/* An NTSN kiss-o'-death echoes the uid; the client reads it as a NAK. */
static void nts_nak(void)
{
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 2 };
	struct knts_client_reply cr;
	struct session c;
	struct knts_req req;
	unsigned int klen;
	u8 *out;
	int len;

	EXPECT(session_init(&c, 30, 30) == 0);
	len = client_request(&c, 32, 2, nonce);
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
	EXPECT(knts_client_reply(out, klen, c.uid, 32, TX_TS, &c.s2c.a,
				 &cr) == 0);
	EXPECT(cr.nak);
	EXPECT(cr.leap == KNTS_LEAP_UNSYNC && cr.stratum == 0);
	EXPECT(cr.refid == KNTS_KISS_NTSN);
	EXPECT(cr.cookies == 0);
	/* Not for another request's uid. */
	EXPECT(knts_client_reply(out, klen, c.uid + 4, 32, TX_TS, &c.s2c.a,
				 &cr) == -EBADMSG);

	/* RATE is no NAK: unauthenticated, so refused. */
	klen = knts_ntp_build_kod(out, &req, &tp, KNTS_KISS_RATE, RX_TS,
				  T3_TS);
	EXPECT(knts_client_reply(out, klen, c.uid, 32, TX_TS, &c.s2c.a,
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
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 3 };
	struct session c;
	struct knts_req req;
	unsigned int i, cut, accepted = 0;
	u8 *p;
	int len;

	for (i = 0; i < ARRAY_SIZE(combos); i++) {
		EXPECT(session_init(&c, combos[i].master, combos[i].alg) == 0);
		len = client_request(&c, 32, 1, nonce);
		EXPECT(len > 0);
		for (cut = 0; cut < (unsigned int)len; cut++) {
			p = malloc(cut ? cut : 1);
			memcpy(p, c.req, cut);
			if (knts_ntp_parse(p, cut, &req) == 0 && req.nts)
				accepted++;
			free(p);
		}
		session_uninit(&c);
	}
	EXPECT(accepted == 0);
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
	RUN(aead_interface);
	RUN(cookie_vectors_open);
	RUN(cookie_seal_open);
	RUN(cookie30_vectors_open);
	RUN(cookie30_vectors_seal);
	RUN(cookie30_rejects);
	RUN(nts_exchange);
	RUN(nts_reply_checks);
	RUN(nts_nonce_rules);
	RUN(nts_reply_cookie_budget);
	RUN(nts_nak);
	RUN(nts_truncations);
	return unit_any_failed;
}
