/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: AES-128 for AES-SIV, batched: CMAC and CTR over a whole buffer
 * in one SIMD section with AES-NI, else the kernel's AES library.
 */
#ifndef _KNTS_AES_H
#define _KNTS_AES_H

#include <crypto/aes.h>
#include <linux/types.h>

#define KNTS_AES_BLOCK	16

/**
 * enum knts_aes_impl - which AES implementation the module runs on
 * @KNTS_AES_GENERIC: the kernel's AES library (aes_encrypt()), table
 *	based and not constant time
 * @KNTS_AES_NI: AES-NI instructions, batched, in kernel FPU sections
 */
enum knts_aes_impl {
	KNTS_AES_GENERIC,
	KNTS_AES_NI,
};

/*
 * A section token: true while a kernel FPU section is open and AES-NI may
 * be used.  knts_aes_begin() opens one when the CPU has AES-NI and the
 * context allows SIMD; every other function takes the token and never
 * opens a section itself.
 */
bool knts_aes_begin(void);
void knts_aes_end(bool simd);

void knts_aes_expand(struct crypto_aes_ctx *k, const u8 key[AES_KEYSIZE_128],
		     bool simd);
void knts_aes_encrypt(const struct crypto_aes_ctx *k, u8 *out, const u8 *in,
		      bool simd);
void knts_aes_cmac(const struct crypto_aes_ctx *k, u8 mac[KNTS_AES_BLOCK],
		   const u8 *in, size_t nblocks, const u8 *last, size_t nlast,
		   const u8 mask[KNTS_AES_BLOCK], bool simd);
void knts_aes_ctr32(const struct crypto_aes_ctx *k, u8 ctr[KNTS_AES_BLOCK],
		    const u8 *src, u8 *dst, size_t len, bool simd);

void knts_nonce_refresh(void);

int knts_aes_init(void);
void knts_aes_exit(void);
enum knts_aes_impl knts_aes_impl(void);
const char *knts_aes_impl_name(enum knts_aes_impl impl);

#endif /* _KNTS_AES_H */
