/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OpenSSL backend of the protocol core's AES-SIV (core/siv.h).
 */
#ifndef KNTS_SIV_OPENSSL_H
#define KNTS_SIV_OPENSSL_H

#include <openssl/evp.h>

#include "core/siv.h"

/* One AES-SIV-CMAC-256 instance: CMAC keyed with K1, CTR with K2. */
struct knts_siv {
	EVP_MAC_CTX *cmac;
	EVP_CIPHER_CTX *ctr;
	int keyed;
	struct knts_siv_s2v s2v;
};

int knts_siv_init(struct knts_siv *s);
void knts_siv_uninit(struct knts_siv *s);

#endif /* KNTS_SIV_OPENSSL_H */
