/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the two AEAD algorithms of NTS behind one interface, for master
 * keys (cookies) and for sessions (the NTP authenticator):
 *
 *   15  AES-SIV-CMAC-256 (RFC 5297): 32-byte key, any nonce, tag first
 *   30  AES-128-GCM-SIV (RFC 8452): 16-byte key, 12-byte nonce, tag last
 *
 * Both seal with associated data and a nonce; the output is the plaintext's
 * length plus a 16-byte tag, which AES-SIV puts before the ciphertext and
 * AES-128-GCM-SIV after it (chrony and RFC 8915 use each algorithm's own
 * layout).  knts_aead_pt_off() says where the plaintext goes.
 */
#ifndef _KNTS_AEAD_H
#define _KNTS_AEAD_H

#include "gcmsiv.h"
#include "siv.h"

#define KNTS_AEAD_AES_SIV_CMAC_256	15
#define KNTS_AEAD_AES_128_GCM_SIV	30

#define KNTS_AEAD_TAG_LEN	16
#define KNTS_AEAD_MAX_KEY_LEN	KNTS_SIV_KEY_LEN
#define KNTS_AEAD_MAX_NONCE_LEN	16

/**
 * struct knts_aead - a keyed instance of either algorithm, borrowed
 * @alg: %KNTS_AEAD_AES_SIV_CMAC_256 or %KNTS_AEAD_AES_128_GCM_SIV
 * @siv: AEAD 15: the keyed AES-SIV instance
 * @kgk: AEAD 30: the keyed key-generating key
 * @mek: AEAD 30: scratch for a message's encryption key, used by one
 *	caller at a time (a CPU's or a thread's), while @kgk may be shared
 *
 * A handle: it owns nothing, and is built on the stack for each use from a
 * master key or a session's per-CPU (per-thread) instances.
 */
struct knts_aead {
	u16 alg;
	struct knts_siv *siv;
	struct knts_aes128 *kgk;
	struct knts_aes128 *mek;
};

/**
 * knts_aead_key_len() - key length of an algorithm
 * @alg: AEAD id
 *
 * Return: 32 (AEAD 15), 16 (AEAD 30), or 0 for an algorithm knts does not
 * implement.
 */
static inline unsigned int knts_aead_key_len(unsigned int alg)
{
	switch (alg) {
	case KNTS_AEAD_AES_SIV_CMAC_256:
		return KNTS_SIV_KEY_LEN;
	case KNTS_AEAD_AES_128_GCM_SIV:
		return KNTS_GCMSIV_KEY_LEN;
	default:
		return 0;
	}
}

/**
 * knts_aead_nonce_len() - the nonce knts draws for an algorithm
 * @alg: a supported AEAD id
 *
 * 16 bytes (N_REQ of RFC 8915) where any length works, the 12 that
 * AES-128-GCM-SIV takes; chrony draws the same lengths for cookies and
 * authenticators.
 *
 * Return: the length.
 */
static inline unsigned int knts_aead_nonce_len(unsigned int alg)
{
	return alg == KNTS_AEAD_AES_128_GCM_SIV ? KNTS_GCMSIV_NONCE_LEN : 16;
}

/**
 * knts_aead_pt_off() - where the plaintext lies in the sealed output
 * @alg: a supported AEAD id
 *
 * Return: %KNTS_AEAD_TAG_LEN for AES-SIV (tag first), 0 for
 * AES-128-GCM-SIV (tag last).
 */
static inline unsigned int knts_aead_pt_off(unsigned int alg)
{
	return alg == KNTS_AEAD_AES_128_GCM_SIV ? 0 : KNTS_AEAD_TAG_LEN;
}

int knts_aead_setkey(const struct knts_aead *a, const u8 *key,
		     unsigned int len, bool simd);
int knts_aead_seal(const struct knts_aead *a, bool simd, const u8 *nonce,
		   unsigned int nlen, const u8 *ad, size_t adlen, u8 *buf,
		   size_t ptlen);
int knts_aead_open(const struct knts_aead *a, bool simd, const u8 *nonce,
		   unsigned int nlen, const u8 *ad, size_t adlen,
		   const u8 *in, u8 *out, size_t len);

#endif /* _KNTS_AEAD_H */
