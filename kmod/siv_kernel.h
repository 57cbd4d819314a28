/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the kernel backend of AES-SIV: CMAC and CTR on knts's batched
 * AES-128 (kmod/aes.c).
 */
#ifndef _KNTS_SIV_KERNEL_H
#define _KNTS_SIV_KERNEL_H

#include "aes.h"
#include "core/siv.h"

/**
 * struct knts_siv - one AES-SIV-CMAC-256 instance
 * @k1: K1's schedule, for CMAC
 * @k2: K2's schedule, for CTR
 * @sub1: CMAC's subkey for a complete last block, dbl(E(K1, 0))
 * @sub2: CMAC's subkey for a padded last block, dbl(@sub1)
 * @s2v: S2V values of the key
 *
 * Keyed once (a master key) and then used concurrently from any CPU, or
 * owned by one CPU and re-keyed per packet with BH disabled.
 */
struct knts_siv {
	struct crypto_aes_ctx k1;
	struct crypto_aes_ctx k2;
	u8 sub1[KNTS_SIV_TAG_LEN];
	u8 sub2[KNTS_SIV_TAG_LEN];
	struct knts_siv_s2v s2v;
};

int knts_siv_init(struct knts_siv *s);
void knts_siv_uninit(struct knts_siv *s);

#endif /* _KNTS_SIV_KERNEL_H */
