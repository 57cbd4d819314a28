/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: AES-128-GCM-SIV (RFC 8452), AEAD 30 of RFC 8915 and the cipher of
 * current chrony's master keys and cookies.
 *
 * The construction (key derivation, POLYVAL, the tag, CTR with its 32-bit
 * little-endian counter) is shared C in gcmsiv.c; single AES-128 blocks come
 * from a backend (kmod/siv_kernel.c in the module, userspace/lib/
 * siv_openssl.c), which defines struct knts_aes128, one key's schedule.
 * POLYVAL is computed in constant time without lookup tables.
 */
#ifndef _KNTS_GCMSIV_H
#define _KNTS_GCMSIV_H

#include "core.h"

#define KNTS_GCMSIV_KEY_LEN	16
#define KNTS_GCMSIV_NONCE_LEN	12
#define KNTS_GCMSIV_TAG_LEN	16

struct knts_aes128;

/*
 * Backend.  @simd is the token of the caller's section, as for AES-SIV
 * (knts_siv_begin()); setkey may be called again on the same key.
 */
int knts_aes128_setkey(struct knts_aes128 *k, const u8 key[16], bool simd);
int knts_aes128_encrypt(struct knts_aes128 *k, u8 out[16], const u8 in[16],
			bool simd);

/**
 * struct knts_polyval - POLYVAL's key, ready to multiply by
 * @h: H * x^-128 in GF(2^128), as two little-endian 64-bit words, so that
 *	POLYVAL's dot(a, H) is one field multiplication
 */
struct knts_polyval {
	u64 h[2];
};

void knts_polyval_setkey(struct knts_polyval *p, const u8 h[16]);
void knts_polyval_update(const struct knts_polyval *p, u64 s[2],
			 const u8 *x, size_t len);

int knts_gcmsiv_seal(struct knts_aes128 *kgk, struct knts_aes128 *mek,
		     bool simd, const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *ad, size_t adlen, u8 *buf, size_t ptlen);
int knts_gcmsiv_open(struct knts_aes128 *kgk, struct knts_aes128 *mek,
		     bool simd, const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *ad, size_t adlen, const u8 *in, u8 *out,
		     size_t len);

#endif /* _KNTS_GCMSIV_H */
