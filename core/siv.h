/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: AES-SIV-CMAC-256 (RFC 5297), AEAD 15 of RFC 8915.
 *
 * The construction (S2V, the CTR IV, tag checks) is shared C in siv.c; the
 * AES-CMAC and AES-CTR primitives come from a backend: kernel crypto in the
 * module (kmod/siv_kernel.c), OpenSSL in userspace
 * (userspace/lib/siv_openssl.c).
 * Each backend defines struct knts_siv, one keyed instance.
 */
#ifndef _KNTS_SIV_H
#define _KNTS_SIV_H

#include "core.h"

#define KNTS_SIV_KEY_LEN	32	/* K1 (CMAC) || K2 (CTR), AES-128 each */
#define KNTS_SIV_TAG_LEN	16
#define KNTS_SIV_MAX_AD		4	/* components before the plaintext */

struct knts_siv;

/**
 * struct knts_siv_vec - one S2V component (associated data or nonce)
 * @data: bytes, may be NULL when @len is 0
 * @len: length
 */
struct knts_siv_vec {
	const u8 *data;
	size_t len;
};

/**
 * struct knts_siv_s2v - S2V values that depend on the key only
 * @d0: CMAC_K1(0^128), the start of every S2V
 * @d_empty: dbl(@d0) xor CMAC_K1(""): after an empty first component,
 *	which every cookie has (its associated data is empty)
 * @has_d_empty: @d_empty is computed (long-lived keys only)
 *
 * Computed when the key is set, before the instance is shared, so that
 * concurrent users only read it.
 */
struct knts_siv_s2v {
	u8 d0[KNTS_SIV_TAG_LEN];
	u8 d_empty[KNTS_SIV_TAG_LEN];
	bool has_d_empty;
};

/*
 * Backend.  The primitives of one operation (a setkey, a seal, an open) run
 * in one section: in the kernel a kernel FPU section when AES-NI can be
 * used (kmod/aes.c), in userspace none.  knts_siv_begin() returns the
 * token that every primitive takes until knts_siv_end().  In the kernel
 * all of them run with BH disabled; none allocates.
 */
bool knts_siv_begin(void);
void knts_siv_end(bool simd);
int knts_siv_setkey(struct knts_siv *s, const u8 *key, unsigned int len);
int knts_siv_ready(struct knts_siv *s, bool simd, bool ctr);
int knts_siv_cmac(struct knts_siv *s, bool simd, const u8 *p, size_t len,
		  const u8 *d, u8 mac[KNTS_SIV_TAG_LEN]);
int knts_siv_ctr(struct knts_siv *s, bool simd,
		 const u8 iv[KNTS_SIV_TAG_LEN], const u8 *src, u8 *dst,
		 size_t len);
struct knts_siv_s2v *knts_siv_s2v(struct knts_siv *s);

/**
 * knts_siv_dbl() - doubling in GF(2^128), x^128 + x^7 + x^2 + x + 1
 * @d: value, doubled in place; in constant time
 *
 * S2V's dbl(), and CMAC's subkey derivation for the backends.
 */
static inline void knts_siv_dbl(u8 d[KNTS_SIV_TAG_LEN])
{
	u64 hi = get_unaligned_be64(d), lo = get_unaligned_be64(d + 8);
	u64 carry = hi >> 63;

	/* Constant time: 0x87 or 0 without branching on the secret bit. */
	put_unaligned_be64(hi << 1 | lo >> 63, d);
	put_unaligned_be64(lo << 1 ^ (0x87 & -carry), d + 8);
}

/* The construction, siv.c. */
int knts_siv_prepare(struct knts_siv *s, bool long_lived, bool simd);
int knts_siv_setkey_long(struct knts_siv *s, const u8 *key, unsigned int len);
int knts_siv_seal(struct knts_siv *s, bool simd,
		  const struct knts_siv_vec *ad, unsigned int nad, u8 *buf,
		  size_t ptlen);
int knts_siv_open(struct knts_siv *s, bool simd,
		  const struct knts_siv_vec *ad, unsigned int nad,
		  const u8 *in, u8 *out, size_t len);
int knts_siv_encrypt(struct knts_siv *s, const struct knts_siv_vec *ad,
		     unsigned int nad, u8 *buf, size_t ptlen);
int knts_siv_decrypt(struct knts_siv *s, const struct knts_siv_vec *ad,
		     unsigned int nad, u8 *buf, size_t len);

#endif /* _KNTS_SIV_H */
