// SPDX-License-Identifier: GPL-2.0
/*
 * knts: AEAD 15 and AEAD 30 behind one interface (aead.h).
 *
 * RFC 8915 uses an AEAD with one associated-data string and a nonce: for
 * AES-SIV the two are S2V's components in that order (an empty string is
 * still a component, as in cookies), for AES-128-GCM-SIV they are its AD and
 * its nonce, which must be 12 bytes.
 */

#include "aead.h"

/**
 * knts_aead_setkey() - key an instance
 * @a: the handle, its @siv or @kgk to key
 * @key: the key
 * @len: its length, knts_aead_key_len(@a->alg)
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * For a session's short-lived key: an AES-SIV key derives what it needs in
 * the operations that follow (knts_siv_setkey()); master keys are keyed
 * once with knts_siv_setkey_long() or knts_aes128_setkey().
 *
 * Return: 0 or -EINVAL (unknown algorithm, wrong length).
 */
int knts_aead_setkey(const struct knts_aead *a, const u8 *key,
		     unsigned int len, bool simd)
{
	if (!len || len != knts_aead_key_len(a->alg))
		return -EINVAL;
	if (a->alg == KNTS_AEAD_AES_SIV_CMAC_256)
		return knts_siv_setkey(a->siv, key, len);
	return knts_aes128_setkey(a->kgk, key, simd);
}

/**
 * knts_aead_seal() - seal in place, inside the caller's section
 * @a: a keyed handle
 * @simd: the token of the caller's section (knts_siv_begin())
 * @nonce: the nonce
 * @nlen: its length (12 for AEAD 30)
 * @ad: associated data, may be NULL when @adlen is 0
 * @adlen: its length
 * @buf: @ptlen + %KNTS_AEAD_TAG_LEN bytes, the plaintext at
 *	@buf + knts_aead_pt_off(); becomes the sealed output
 * @ptlen: plaintext length
 *
 * Return: 0 or a negative errno (-EINVAL for a nonce the algorithm cannot
 * take).
 */
int knts_aead_seal(const struct knts_aead *a, bool simd, const u8 *nonce,
		   unsigned int nlen, const u8 *ad, size_t adlen, u8 *buf,
		   size_t ptlen)
{
	struct knts_siv_vec v[2] = {
		{ .data = ad, .len = adlen },
		{ .data = nonce, .len = nlen },
	};

	switch (a->alg) {
	case KNTS_AEAD_AES_SIV_CMAC_256:
		return knts_siv_seal(a->siv, simd, v, ARRAY_SIZE(v), buf,
				     ptlen);
	case KNTS_AEAD_AES_128_GCM_SIV:
		if (nlen != KNTS_GCMSIV_NONCE_LEN)
			return -EINVAL;
		return knts_gcmsiv_seal(a->kgk, a->mek, simd, nonce, ad, adlen,
					buf, ptlen);
	default:
		return -EINVAL;
	}
}

/**
 * knts_aead_open() - open, inside the caller's section
 * @a: a keyed handle
 * @simd: the token of the caller's section (knts_siv_begin())
 * @nonce: the nonce
 * @nlen: its length
 * @ad: associated data, may be NULL when @adlen is 0
 * @adlen: its length
 * @in: the sealed output, @len bytes; not written to unless @out lies in it
 * @out: the plaintext, @len - %KNTS_AEAD_TAG_LEN bytes: @in +
 *	knts_aead_pt_off() (in place) or a buffer not overlapping @in; wiped
 *	on failure
 * @len: at least %KNTS_AEAD_TAG_LEN
 *
 * The tag is compared in constant time.
 *
 * Return: 0; -EBADMSG when it does not verify, which includes a nonce
 * AES-128-GCM-SIV cannot take (as chrony treats it: the request is NAKed);
 * -EINVAL for a length shorter than the tag or an unknown algorithm.
 */
int knts_aead_open(const struct knts_aead *a, bool simd, const u8 *nonce,
		   unsigned int nlen, const u8 *ad, size_t adlen,
		   const u8 *in, u8 *out, size_t len)
{
	struct knts_siv_vec v[2] = {
		{ .data = ad, .len = adlen },
		{ .data = nonce, .len = nlen },
	};

	if (len < KNTS_AEAD_TAG_LEN)
		return -EINVAL;
	switch (a->alg) {
	case KNTS_AEAD_AES_SIV_CMAC_256:
		return knts_siv_open(a->siv, simd, v, ARRAY_SIZE(v), in, out,
				     len);
	case KNTS_AEAD_AES_128_GCM_SIV:
		if (nlen != KNTS_GCMSIV_NONCE_LEN) {
			knts_wipe(out, len - KNTS_AEAD_TAG_LEN);
			return -EBADMSG;
		}
		return knts_gcmsiv_open(a->kgk, a->mek, simd, nonce, ad, adlen,
					in, out, len);
	default:
		return -EINVAL;
	}
}
