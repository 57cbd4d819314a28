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

static inline void knts_random_bytes(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

#define knts_memneq(a, b, n)	crypto_memneq(a, b, n)
#define knts_wipe(p, n)		memzero_explicit(p, n)

#else

/* The same facilities in userspace: core/core_user.h. */
#include "core_user.h"

#endif /* __KERNEL__ */

#endif /* _KNTS_CORE_H */
