// SPDX-License-Identifier: GPL-2.0
/*
 * knts: NTS cookies, compatible with chrony's NTS-KE server.
 *
 * The master key (one of four slots, chrony's model) seals the session keys
 * C2S || S2C under a fresh random nonce with empty associated data; the key
 * id in front selects the slot.  The AEAD of the session is implied by the
 * key length: 64 bytes of plaintext is AEAD 15.
 */

#include "cookie.h"

/**
 * knts_cookie_seal() - seal session keys into a cookie, in place
 * @master: the master key, keyed
 * @key_id: its id
 * @cookie: %KNTS_COOKIE_LEN bytes whose last %KNTS_COOKIE_KEYS_LEN hold
 *	C2S || S2C; linear memory (not the stack in the kernel)
 *
 * Return: 0 or a negative errno.
 */
int knts_cookie_seal(struct knts_siv *master, u32 key_id, u8 *cookie)
{
	u8 nonce[KNTS_COOKIE_NONCE_LEN];
	bool simd;
	int err;

	knts_random_bytes(nonce, sizeof(nonce));
	simd = knts_siv_begin();
	err = knts_cookie_seal_nonce(master, key_id, cookie, nonce, simd);
	knts_siv_end(simd);
	return err;
}

/**
 * knts_cookie_seal_nonce() - knts_cookie_seal() with a nonce from the caller
 * @master: the master key, keyed
 * @key_id: its id
 * @cookie: as for knts_cookie_seal()
 * @nonce: %KNTS_COOKIE_NONCE_LEN fresh random bytes, never used before
 *	under @master
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * For a caller that draws the random bytes of several cookies at once and
 * holds one section for them.
 *
 * Return: 0 or a negative errno.
 */
int knts_cookie_seal_nonce(struct knts_siv *master, u32 key_id, u8 *cookie,
			   const u8 *nonce, bool simd)
{
	struct knts_siv_vec ad[2] = {
		{ .data = NULL, .len = 0 },
		{ .data = cookie + 4, .len = KNTS_COOKIE_NONCE_LEN },
	};

	put_unaligned_be32(key_id, cookie);
	memcpy(cookie + 4, nonce, KNTS_COOKIE_NONCE_LEN);
	return knts_siv_seal(master, simd, ad, ARRAY_SIZE(ad),
			     cookie + KNTS_COOKIE_HDR_LEN, KNTS_COOKIE_KEYS_LEN);
}

/**
 * knts_cookie_open_keys() - open a cookie, into a separate buffer or in place
 * @master: the master key named by the cookie's key id, keyed
 * @simd: the token of the caller's section (knts_siv_begin())
 * @cookie: the cookie, not written to unless @keys lies in it
 * @len: its length
 * @keys: out: C2S || S2C, %KNTS_COOKIE_KEYS_LEN bytes: a buffer not
 *	overlapping @cookie, or the cookie's own plaintext area (@cookie +
 *	%KNTS_COOKIE_LEN - %KNTS_COOKIE_KEYS_LEN); wiped on failure
 *
 * Return: 0, -EMSGSIZE when the length is not that of an AEAD 15 cookie,
 * -EBADMSG when it does not decrypt (forged, or another master key), or
 * another negative errno.
 */
int knts_cookie_open_keys(struct knts_siv *master, bool simd,
			  const u8 *cookie, unsigned int len, u8 *keys)
{
	struct knts_siv_vec ad[2] = { { .data = NULL, .len = 0 } };

	if (len != KNTS_COOKIE_LEN) {
		knts_wipe(keys, KNTS_COOKIE_KEYS_LEN);
		return -EMSGSIZE;
	}
	ad[1].data = cookie + 4;
	ad[1].len = KNTS_COOKIE_NONCE_LEN;
	return knts_siv_open(master, simd, ad, ARRAY_SIZE(ad),
			     cookie + KNTS_COOKIE_HDR_LEN, keys,
			     len - KNTS_COOKIE_HDR_LEN);
}

/**
 * knts_cookie_open() - open a cookie in place
 * @master: the master key named by the cookie's key id, keyed
 * @cookie: the cookie; linear, writable memory (not the stack in the
 *	kernel); on success C2S || S2C are at @cookie + %KNTS_COOKIE_LEN -
 *	%KNTS_COOKIE_KEYS_LEN
 * @len: its length
 *
 * Return: as knts_cookie_open_keys().  The plaintext area is wiped on
 * failure.
 */
int knts_cookie_open(struct knts_siv *master, u8 *cookie, unsigned int len)
{
	bool simd;
	int err;

	/* Checked here: a short cookie has no plaintext area to wipe. */
	if (len != KNTS_COOKIE_LEN)
		return -EMSGSIZE;
	simd = knts_siv_begin();
	err = knts_cookie_open_keys(master, simd, cookie, len,
				    cookie + KNTS_COOKIE_LEN -
				    KNTS_COOKIE_KEYS_LEN);
	knts_siv_end(simd);
	return err;
}
