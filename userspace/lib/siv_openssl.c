// SPDX-License-Identifier: GPL-2.0
/*
 * AES-SIV primitives on OpenSSL 3: EVP_MAC "CMAC" over AES-128-CBC and
 * EVP AES-128-CTR.  Contexts are allocated once per instance and re-keyed
 * in place, so nothing is allocated per message.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "siv_openssl.h"

int knts_siv_init(struct knts_siv *s)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						 (char *)"AES-128-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_CIPHER *ctr = EVP_CIPHER_fetch(NULL, "AES-128-CTR", NULL);

	/*
	 * Fetch the algorithms and bind them to the contexts once: per
	 * message and per key only keys and IVs change, and OpenSSL 3's
	 * implicit fetches are not cheap.
	 */
	s->keyed = 0;
	s->cmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
	s->ctr = EVP_CIPHER_CTX_new();
	EVP_MAC_free(mac);
	if (!s->cmac || !s->ctr || !ctr ||
	    !EVP_MAC_CTX_set_params(s->cmac, params) ||
	    !EVP_EncryptInit_ex2(s->ctr, ctr, NULL, NULL, NULL)) {
		EVP_CIPHER_free(ctr);
		knts_siv_uninit(s);
		return -ENOMEM;
	}
	EVP_CIPHER_free(ctr);
	return 0;
}

void knts_siv_uninit(struct knts_siv *s)
{
	EVP_MAC_CTX_free(s->cmac);
	EVP_CIPHER_CTX_free(s->ctr);
	s->cmac = NULL;
	s->ctr = NULL;
	s->keyed = 0;
}

int knts_siv_setkey(struct knts_siv *s, const u8 *key, unsigned int len)
{
	if (len != KNTS_SIV_KEY_LEN)
		return -EINVAL;
	if (!EVP_MAC_init(s->cmac, key, len / 2, NULL) ||
	    !EVP_EncryptInit_ex2(s->ctr, NULL, key + len / 2, NULL, NULL))
		return -EIO;
	s->keyed = 1;
	return knts_siv_prepare(s, false, false);
}

/* Keys are set up by knts_siv_setkey() itself here. */
int knts_siv_ready(struct knts_siv *s, bool simd, bool ctr)
{
	(void)simd;
	(void)ctr;
	return s->keyed ? 0 : -ENOKEY;
}

/* OpenSSL picks its AES-NI code per call; no section to open. */
bool knts_siv_begin(void)
{
	return false;
}

void knts_siv_end(bool simd)
{
	(void)simd;
}

struct knts_siv_s2v *knts_siv_s2v(struct knts_siv *s)
{
	return &s->s2v;
}

int knts_siv_cmac(struct knts_siv *s, bool simd, const u8 *p, size_t len,
		  const u8 *d, u8 mac[KNTS_SIV_TAG_LEN])
{
	size_t head = d ? len - KNTS_SIV_TAG_LEN : len, out = 0, i;
	u8 t[KNTS_SIV_TAG_LEN];
	int ok;

	(void)simd;
	if (!s->keyed)
		return -ENOKEY;
	if (d && len < KNTS_SIV_TAG_LEN)
		return -EINVAL;
	/* A NULL key restarts the MAC with the key already set. */
	ok = EVP_MAC_init(s->cmac, NULL, 0, NULL) &&
	     (!head || EVP_MAC_update(s->cmac, p, head));
	if (ok && d) {
		/* P xorend D: D folded into the last 16 bytes. */
		for (i = 0; i < KNTS_SIV_TAG_LEN; i++)
			t[i] = p[head + i] ^ d[i];
		ok = EVP_MAC_update(s->cmac, t, sizeof(t));
		knts_wipe(t, sizeof(t));
	}
	if (!ok || !EVP_MAC_final(s->cmac, mac, &out, KNTS_SIV_TAG_LEN) ||
	    out != KNTS_SIV_TAG_LEN)
		return -EIO;
	return 0;
}

int knts_siv_ctr(struct knts_siv *s, bool simd,
		 const u8 iv[KNTS_SIV_TAG_LEN], const u8 *src, u8 *dst,
		 size_t len)
{
	int out = 0;

	(void)simd;
	if (!s->keyed)
		return -ENOKEY;
	if (!len)
		return 0;
	if (len > 0x7fffffff ||
	    !EVP_EncryptInit_ex2(s->ctr, NULL, NULL, iv, NULL) ||
	    !EVP_EncryptUpdate(s->ctr, dst, &out, src, (int)len) ||
	    (size_t)out != len)
		return -EIO;
	return 0;
}

int knts_aes128_init(struct knts_aes128 *k)
{
	EVP_CIPHER *ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);

	k->ecb = EVP_CIPHER_CTX_new();
	if (!ecb || !k->ecb || !EVP_EncryptInit_ex2(k->ecb, ecb, NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(k->ecb, 0)) {
		EVP_CIPHER_free(ecb);
		knts_aes128_uninit(k);
		return -ENOMEM;
	}
	EVP_CIPHER_free(ecb);
	return 0;
}

void knts_aes128_uninit(struct knts_aes128 *k)
{
	EVP_CIPHER_CTX_free(k->ecb);
	k->ecb = NULL;
}

int knts_aes128_setkey(struct knts_aes128 *k, const u8 key[16], bool simd)
{
	(void)simd;
	if (!k->ecb || !EVP_EncryptInit_ex2(k->ecb, NULL, key, NULL, NULL))
		return -EIO;
	return 0;
}

int knts_aes128_encrypt(struct knts_aes128 *k, u8 out[16], const u8 in[16],
			bool simd)
{
	int n = 0;

	(void)simd;
	if (!k->ecb || !EVP_EncryptUpdate(k->ecb, out, &n, in, 16) || n != 16)
		return -EIO;
	return 0;
}

/**
 * knts_aead_ctx_init() - an instance for either AEAD, unkeyed
 * @c: instance
 *
 * Returns 0 or -ENOMEM (then nothing is left to free).
 */
int knts_aead_ctx_init(struct knts_aead_ctx *c)
{
	memset(c, 0, sizeof(*c));
	if (knts_siv_init(&c->siv) || knts_aes128_init(&c->kgk) ||
	    knts_aes128_init(&c->mek)) {
		knts_aead_ctx_uninit(c);
		return -ENOMEM;
	}
	c->a = (struct knts_aead){ .alg = KNTS_AEAD_AES_SIV_CMAC_256,
				   .siv = &c->siv, .kgk = &c->kgk,
				   .mek = &c->mek };
	return 0;
}

/**
 * knts_aead_ctx_uninit() - free an instance (zeroed or initialised)
 * @c: instance
 */
void knts_aead_ctx_uninit(struct knts_aead_ctx *c)
{
	knts_siv_uninit(&c->siv);
	knts_aes128_uninit(&c->kgk);
	knts_aes128_uninit(&c->mek);
	c->a.alg = 0;
}

/**
 * knts_aead_ctx_setkey() - key an instance for an algorithm
 * @c: instance, initialised
 * @alg: 15 or 30
 * @key: the key
 * @len: its length, knts_aead_key_len(@alg)
 * @long_lived: a master key: AES-SIV derives all it needs now
 *
 * Returns 0 or a negative errno; on error the instance is unkeyed.
 */
int knts_aead_ctx_setkey(struct knts_aead_ctx *c, u16 alg, const u8 *key,
			 unsigned int len, bool long_lived)
{
	int err;

	c->a.alg = alg;
	if (alg == KNTS_AEAD_AES_SIV_CMAC_256 && long_lived)
		err = len == KNTS_SIV_KEY_LEN ?
		      knts_siv_setkey_long(&c->siv, key, len) : -EINVAL;
	else
		err = knts_aead_setkey(&c->a, key, len, false);
	if (err)
		c->a.alg = 0;
	return err;
}
