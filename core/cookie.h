/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: NTS cookies in chrony's server format, byte for byte:
 *   key_id (4, BE) || nonce (16) || AES-SIV-CMAC-256_master(AD "", nonce,
 *   C2S || S2C)
 */
#ifndef _KNTS_COOKIE_H
#define _KNTS_COOKIE_H

#include "siv.h"

#define KNTS_SESSION_KEY_LEN	32	/* C2S and S2C, AEAD 15 */
#define KNTS_COOKIE_KEYS_LEN	(2 * KNTS_SESSION_KEY_LEN)
#define KNTS_COOKIE_NONCE_LEN	16
#define KNTS_COOKIE_HDR_LEN	(4 + KNTS_COOKIE_NONCE_LEN)
#define KNTS_COOKIE_LEN		(KNTS_COOKIE_HDR_LEN + KNTS_SIV_TAG_LEN + \
				 KNTS_COOKIE_KEYS_LEN)	/* 100 */

/* The slot a key occupies: chrony's key_id % 4. */
#define KNTS_KEY_SLOTS		4

static inline u32 knts_cookie_key_id(const u8 *cookie)
{
	return get_unaligned_be32(cookie);
}

int knts_cookie_seal(struct knts_siv *master, u32 key_id, u8 *cookie);
int knts_cookie_seal_nonce(struct knts_siv *master, u32 key_id, u8 *cookie,
			   const u8 *nonce, bool simd);
int knts_cookie_open(struct knts_siv *master, u8 *cookie, unsigned int len);
int knts_cookie_open_keys(struct knts_siv *master, bool simd,
			  const u8 *cookie, unsigned int len, u8 *keys);

#endif /* _KNTS_COOKIE_H */
