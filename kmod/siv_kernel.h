/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the kernel backend of AES-SIV: CMAC and CTR on knts's batched
 * AES-128 (kmod/aes.c).
 */
#ifndef _KNTS_SIV_KERNEL_H
#define _KNTS_SIV_KERNEL_H

#include <linux/bits.h>

#include "aes.h"
#include "core/gcmsiv.h"
#include "core/siv.h"

/**
 * struct knts_siv - one AES-SIV-CMAC-256 instance
 * @k1: K1's schedule, for CMAC
 * @k2: K2's schedule, for CTR
 * @sub1: CMAC's subkey for a complete last block, dbl(E(K1, 0))
 * @sub2: CMAC's subkey for a padded last block, dbl(@sub1)
 * @s2v: S2V values of the key
 * @raw: K1 || K2 as set, until knts_siv_ready() has derived what needs it
 * @pending: what knts_siv_ready() still has to derive
 *	(%KNTS_SIV_PENDING_K1: K1's schedule, the subkeys and S2V's first
 *	value; %KNTS_SIV_PENDING_K2: K2's schedule)
 *
 * Keyed once (a master key, everything derived by knts_siv_setkey_long())
 * and then used concurrently from any CPU, or owned by one CPU and re-keyed
 * per packet with BH disabled; then each SIV operation derives what it
 * needs in its own section (a request's C2S key, whose authenticator
 * encrypts nothing, never needs K2).
 */
struct knts_siv {
	struct crypto_aes_ctx k1;
	struct crypto_aes_ctx k2;
	u8 sub1[KNTS_SIV_TAG_LEN];
	u8 sub2[KNTS_SIV_TAG_LEN];
	struct knts_siv_s2v s2v;
	u8 raw[KNTS_SIV_KEY_LEN];
	u8 pending;
};

#define KNTS_SIV_PENDING_K1	BIT(0)
#define KNTS_SIV_PENDING_K2	BIT(1)

int knts_siv_init(struct knts_siv *s);
void knts_siv_uninit(struct knts_siv *s);

/**
 * struct knts_aes128 - one AES-128 key for AES-128-GCM-SIV's single blocks
 * @ctx: its schedule (knts_aes_expand())
 */
struct knts_aes128 {
	struct crypto_aes_ctx ctx;
};

#endif /* _KNTS_SIV_KERNEL_H */
