/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: NTS cookies in chrony's server format, byte for byte:
 *
 *   key_id (4, BE) || nonce || AEAD_master(AD "", nonce, C2S || S2C)
 *
 * The nonce is 16 bytes under an AEAD 15 master key and 12 under an AEAD 30
 * one; the session's keys are 32 bytes each (AEAD 15) or 16 (AEAD 30), so
 * a cookie is 100 or 68 bytes under an AEAD 15 master key, 96 or 64 under
 * an AEAD 30 one.  The session's AEAD is not written down: the plaintext's
 * length tells it.
 */
#ifndef _KNTS_COOKIE_H
#define _KNTS_COOKIE_H

#include "aead.h"

#define KNTS_SESSION_KEY_LEN	32	/* C2S and S2C, AEAD 15 */
#define KNTS_COOKIE_KEYS_LEN	(2 * KNTS_SESSION_KEY_LEN)
#define KNTS_COOKIE_NONCE_LEN	16	/* AEAD 15 master keys */
#define KNTS_COOKIE_HDR_LEN	(4 + KNTS_COOKIE_NONCE_LEN)
/* AEAD 15 master key, AEAD 15 session: 100 bytes, the longest. */
#define KNTS_COOKIE_LEN		(KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN + \
				 KNTS_COOKIE_KEYS_LEN)
#define KNTS_COOKIE_MAX_LEN	KNTS_COOKIE_LEN

/* The slot a key occupies: chrony's key_id % 4. */
#define KNTS_KEY_SLOTS		4

static inline u32 knts_cookie_key_id(const u8 *cookie)
{
	return get_unaligned_be32(cookie);
}

/**
 * knts_cookie_len() - length of a cookie
 * @master_alg: the master key's AEAD
 * @keys_len: C2S || S2C: 64 (AEAD 15 session) or 32 (AEAD 30)
 *
 * Return: the length.
 */
static inline unsigned int knts_cookie_len(unsigned int master_alg,
					   unsigned int keys_len)
{
	return 4 + knts_aead_nonce_len(master_alg) + KNTS_AEAD_TAG_LEN +
	       keys_len;
}

/**
 * knts_cookie_keys_off() - where C2S || S2C go in a cookie to seal
 * @master_alg: the master key's AEAD
 *
 * Return: the offset.
 */
static inline unsigned int knts_cookie_keys_off(unsigned int master_alg)
{
	return 4 + knts_aead_nonce_len(master_alg) +
	       knts_aead_pt_off(master_alg);
}

/**
 * knts_session_alg() - the session's AEAD, from the length of its keys
 * @keys_len: length of C2S || S2C
 *
 * Return: 15, 30, or 0 for a length no session has.
 */
static inline unsigned int knts_session_alg(unsigned int keys_len)
{
	if (keys_len == 2 * KNTS_SIV_KEY_LEN)
		return KNTS_AEAD_AES_SIV_CMAC_256;
	if (keys_len == 2 * KNTS_GCMSIV_KEY_LEN)
		return KNTS_AEAD_AES_128_GCM_SIV;
	return 0;
}

int knts_cookie_seal(const struct knts_aead *master, u32 key_id, u8 *cookie,
		     unsigned int keys_len);
int knts_cookie_seal_nonce(const struct knts_aead *master, u32 key_id,
			   u8 *cookie, unsigned int keys_len, const u8 *nonce,
			   bool simd);
int knts_cookie_open(const struct knts_aead *master, bool simd,
		     const u8 *cookie, unsigned int len, u8 *keys);

#endif /* _KNTS_COOKIE_H */
