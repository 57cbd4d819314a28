/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OpenSSL backend of the protocol core's AES-SIV (core/siv.h) and of
 * the AES-128 blocks under its AES-128-GCM-SIV (core/gcmsiv.h).
 */
#ifndef KNTS_SIV_OPENSSL_H
#define KNTS_SIV_OPENSSL_H

#include <openssl/evp.h>

#include "core/aead.h"

/* One AES-SIV-CMAC-256 instance: CMAC keyed with K1, CTR with K2. */
struct knts_siv {
	EVP_MAC_CTX *cmac;
	EVP_CIPHER_CTX *ctr;
	int keyed;
	struct knts_siv_s2v s2v;
};

int knts_siv_init(struct knts_siv *s);
void knts_siv_uninit(struct knts_siv *s);

/* One AES-128 key for single blocks (ECB, no padding). */
struct knts_aes128 {
	EVP_CIPHER_CTX *ecb;
};

int knts_aes128_init(struct knts_aes128 *k);
void knts_aes128_uninit(struct knts_aes128 *k);

/*
 * One keyed AEAD of either algorithm with its own scratch: a master key or
 * a session key of one thread.  @a is the handle for core/'s calls.
 */
struct knts_aead_ctx {
	struct knts_siv siv;
	struct knts_aes128 kgk, mek;
	struct knts_aead a;
};

int knts_aead_ctx_init(struct knts_aead_ctx *c);
void knts_aead_ctx_uninit(struct knts_aead_ctx *c);
int knts_aead_ctx_setkey(struct knts_aead_ctx *c, u16 alg, const u8 *key,
			 unsigned int len, bool long_lived);

#endif /* KNTS_SIV_OPENSSL_H */
