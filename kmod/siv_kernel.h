/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the kernel crypto backend of AES-SIV (cmac(aes) and ctr(aes)).
 */
#ifndef _KNTS_SIV_KERNEL_H
#define _KNTS_SIV_KERNEL_H

#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "core/siv.h"

/**
 * struct knts_siv - one AES-SIV-CMAC-256 instance on kernel crypto
 * @cmac: cmac(aes) keyed with K1
 * @ctr: ctr(aes) keyed with K2
 * @s2v: S2V values of the key
 *
 * Keyed once (a master key) and then used concurrently from any CPU, or
 * owned by one CPU and re-keyed per packet with BH disabled.
 */
struct knts_siv {
	struct crypto_shash *cmac;
	struct crypto_sync_skcipher *ctr;
	struct knts_siv_s2v s2v;
};

int knts_siv_init(struct knts_siv *s);
void knts_siv_uninit(struct knts_siv *s);

#endif /* _KNTS_SIV_KERNEL_H */
