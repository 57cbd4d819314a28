// SPDX-License-Identifier: GPL-2.0
/*
 * knts: NTS cookies, compatible with chrony's NTS-KE server.
 *
 * The master key (one of four slots, chrony's model) seals the session keys
 * C2S || S2C under a fresh random nonce with empty associated data; the key
 * id in front selects the slot.  The AEAD of the session is implied by the
 * keys' length: 64 bytes of plaintext is AEAD 15, 32 is AEAD 30.
 */

#include "cookie.h"

/**
 * knts_cookie_seal() - seal session keys into a cookie, in place
 * @master: the master key, keyed
 * @key_id: its id
 * @cookie: knts_cookie_len() bytes, C2S || S2C at knts_cookie_keys_off();
 *	linear memory (not the stack in the kernel)
 * @keys_len: length of C2S || S2C, 64 or 32
 *
 * Draws the nonce and opens its own section.
 *
 * Return: 0 or a negative errno.
 */
int knts_cookie_seal(const struct knts_aead *master, u32 key_id, u8 *cookie,
		     unsigned int keys_len)
{
	u8 nonce[KNTS_AEAD_MAX_NONCE_LEN];
	bool simd;
	int err;

	knts_random_bytes(nonce, knts_aead_nonce_len(master->alg));
	simd = knts_siv_begin();
	err = knts_cookie_seal_nonce(master, key_id, cookie, keys_len, nonce,
				     simd);
	knts_siv_end(simd);
	return err;
}

/**
 * knts_cookie_seal_nonce() - knts_cookie_seal() with a nonce from the caller
 * @master: the master key, keyed
 * @key_id: its id
 * @cookie: as for knts_cookie_seal()
 * @keys_len: as for knts_cookie_seal()
 * @nonce: knts_aead_nonce_len() fresh random bytes, never used before
 *	under @master
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * For a caller that draws the random bytes of several cookies at once and
 * holds one section for them.
 *
 * Return: 0, -EINVAL for a length no session has, or a negative errno from
 * the cipher.
 */
int knts_cookie_seal_nonce(const struct knts_aead *master, u32 key_id,
			   u8 *cookie, unsigned int keys_len, const u8 *nonce,
			   bool simd)
{
	unsigned int nlen = knts_aead_nonce_len(master->alg);

	if (!knts_session_alg(keys_len))
		return -EINVAL;
	put_unaligned_be32(key_id, cookie);
	memcpy(cookie + 4, nonce, nlen);
	return knts_aead_seal(master, simd, cookie + 4, nlen, NULL, 0,
			      cookie + 4 + nlen, keys_len);
}

/**
 * knts_cookie_open() - open a cookie
 * @master: the master key named by the cookie's key id, keyed
 * @simd: the token of the caller's section (knts_siv_begin())
 * @cookie: the cookie, not written to
 * @len: its length
 * @keys: out: C2S || S2C, up to %KNTS_COOKIE_KEYS_LEN bytes, not
 *	overlapping @cookie; wiped on failure
 *
 * Return: the length of C2S || S2C (64: an AEAD 15 session, 32: AEAD 30);
 * -EMSGSIZE when @len is not that of a cookie under @master; -EBADMSG when
 * it does not decrypt (forged, or another master key); or another negative
 * errno.
 */
int knts_cookie_open(const struct knts_aead *master, bool simd,
		     const u8 *cookie, unsigned int len, u8 *keys)
{
	unsigned int nlen = knts_aead_nonce_len(master->alg), klen;
	int err;

	klen = len - min(len, 4 + nlen + KNTS_AEAD_TAG_LEN);
	if (!knts_session_alg(klen) || len != knts_cookie_len(master->alg, klen)) {
		knts_wipe(keys, KNTS_COOKIE_KEYS_LEN);
		return -EMSGSIZE;
	}
	err = knts_aead_open(master, simd, cookie + 4, nlen, NULL, 0,
			     cookie + 4 + nlen, keys, len - 4 - nlen);
	return err ? err : (int)klen;
}
