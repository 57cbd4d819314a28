// SPDX-License-Identifier: GPL-2.0
/*
 * knts: AES-SIV primitives on kernel crypto.
 *
 * There is no siv(aes) template in 6.1; like mac80211's fils_aead.c, knts
 * builds SIV from cmac(aes), a synchronous shash, and ctr(aes), a
 * synchronous skcipher.  Both pick the AES-NI cipher when it is loaded.
 * Requests live on the stack: nothing is allocated per call.
 */

#include <linux/scatterlist.h>

#include "siv_kernel.h"

/**
 * knts_siv_init() - allocate the transforms of one instance
 * @s: instance, zeroed
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int knts_siv_init(struct knts_siv *s)
{
	s->cmac = crypto_alloc_shash("cmac(aes)", 0, 0);
	if (IS_ERR(s->cmac)) {
		int err = PTR_ERR(s->cmac);

		s->cmac = NULL;
		return err;
	}
	s->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(s->ctr)) {
		int err = PTR_ERR(s->ctr);

		s->ctr = NULL;
		crypto_free_shash(s->cmac);
		s->cmac = NULL;
		return err;
	}
	return 0;
}

/**
 * knts_siv_uninit() - free the transforms (their key schedules are wiped)
 * @s: instance; may be partly initialised or zeroed
 */
void knts_siv_uninit(struct knts_siv *s)
{
	crypto_free_sync_skcipher(s->ctr);
	crypto_free_shash(s->cmac);
	s->ctr = NULL;
	s->cmac = NULL;
}

/**
 * knts_siv_setkey() - key both transforms
 * @s: instance
 * @key: K1 || K2
 * @len: %KNTS_SIV_KEY_LEN
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_setkey(struct knts_siv *s, const u8 *key, unsigned int len)
{
	int err;

	if (len != KNTS_SIV_KEY_LEN)
		return -EINVAL;
	err = crypto_shash_setkey(s->cmac, key, len / 2);
	if (!err)
		err = crypto_sync_skcipher_setkey(s->ctr, key + len / 2,
						  len / 2);
	if (!err)
		err = knts_siv_prepare(s, false);
	return err;
}

/**
 * knts_siv_s2v() - the instance's precomputed S2V values
 * @s: instance
 *
 * Return: them.
 */
struct knts_siv_s2v *knts_siv_s2v(struct knts_siv *s)
{
	return &s->s2v;
}

/**
 * knts_siv_cmac() - AES-CMAC with K1 over @a || @b
 * @s: instance
 * @a: first part
 * @alen: its length
 * @b: second part, may be NULL
 * @blen: its length
 * @mac: out
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_cmac(struct knts_siv *s, const u8 *a, size_t alen,
		  const u8 *b, size_t blen, u8 mac[KNTS_SIV_TAG_LEN])
{
	SHASH_DESC_ON_STACK(desc, s->cmac);
	int err;

	desc->tfm = s->cmac;
	err = crypto_shash_init(desc);
	if (!err && alen)
		err = crypto_shash_update(desc, a, alen);
	if (!err && blen)
		err = crypto_shash_update(desc, b, blen);
	if (!err)
		err = crypto_shash_final(desc, mac);
	shash_desc_zero(desc);
	return err;
}

/**
 * knts_siv_ctr() - AES-CTR with K2, in place
 * @s: instance
 * @iv: initial counter block
 * @buf: data; linear kernel memory (kmalloc or skb), never the stack
 * @len: length
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_ctr(struct knts_siv *s, const u8 iv[KNTS_SIV_TAG_LEN], u8 *buf,
		 size_t len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, s->ctr);
	u8 ivbuf[KNTS_SIV_TAG_LEN];
	struct scatterlist sg;
	int err;

	if (!len)
		return 0;
	memcpy(ivbuf, iv, sizeof(ivbuf));
	sg_init_one(&sg, buf, len);
	skcipher_request_set_sync_tfm(req, s->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, ivbuf);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return err;
}
