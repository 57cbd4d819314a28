/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts protocol core: the few kernel facilities it uses, for the kernel and
 * for userspace (kntsd, tests, fuzzers), so that the same C is compiled into
 * both.  Nothing here may sleep or allocate.
 */
#ifndef _KNTS_CORE_H
#define _KNTS_CORE_H

#ifdef __KERNEL__

#include <crypto/algapi.h>
#include <linux/errno.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/types.h>

#include "compat.h"

/*
 * Nonces: whole words from get_random_u64()'s per-CPU batches, so that a
 * reply's nonces cost a fraction of a ChaCha block rather than a block
 * per get_random_bytes() call.
 */
static inline void knts_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	for (; len >= sizeof(u64); len -= sizeof(u64), p += sizeof(u64))
		put_unaligned(get_random_u64(), (u64 *)p);
	if (len)
		get_random_bytes(p, len);
}

/* A reply's nonces, inside its AES section: kmod/aes.c. */
void knts_nonce_bytes(void *buf, size_t len, bool simd);

#define knts_memneq(a, b, n)	crypto_memneq(a, b, n)
#define knts_wipe(p, n)		memzero_explicit(p, n)

#else

/* The same facilities in userspace: core/core_user.h. */
#include "core_user.h"

#endif /* __KERNEL__ */

#endif /* _KNTS_CORE_H */
