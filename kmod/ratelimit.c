// SPDX-License-Identifier: GPL-2.0
/*
 * knts: per-source rate limiting.
 *
 * Each bucket holds one 64-bit "theoretical arrival time" and is updated
 * with a compare-and-swap: the generic cell rate algorithm of
 * core/ratelimit.h (kntsd's NTP server decides with the same function),
 * equivalent to a token bucket of @burst tokens refilled at @rate per
 * second, without locks and without per-source allocation.  Memory is
 * fixed once rate limiting is first enabled in a namespace.
 */

#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/time64.h>

#include "core/ratelimit.h"
#include "ratelimit.h"

/**
 * knts_ratelimit_enable() - allocate the bucket table, unless it exists
 * @rl: limiter
 *
 * Context: process context, under the server's lock.
 * Return: 0 or -ENOMEM.
 */
int knts_ratelimit_enable(struct knts_ratelimit *rl)
{
	atomic64_t *tat;

	if (rl->tat)
		return 0;
	/* A container's root may turn it on: charged to it. */
	tat = kvcalloc(1U << KNTS_RL_BUCKETS_LOG, sizeof(*tat),
		       GFP_KERNEL_ACCOUNT);
	if (!tat)
		return -ENOMEM;
	get_random_bytes(&rl->key, sizeof(rl->key));
	/* The key is written before the table is seen. */
	smp_store_release(&rl->tat, tat);
	return 0;
}

/**
 * knts_ratelimit_uninit() - free the bucket table
 * @rl: limiter, no longer used
 */
void knts_ratelimit_uninit(struct knts_ratelimit *rl)
{
	kvfree(rl->tat);
	rl->tat = NULL;
}

/**
 * knts_ratelimit_allow() - account one request from a source
 * @rl: limiter
 * @addr: source address (4 or 16 bytes)
 * @addr_len: its length
 * @now_ns: a monotonic clock
 * @interval_ns: the spacing allowed between requests on average, not 0
 * @burst: requests allowed at once, at least 1
 *
 * Context: any.
 * Return: true to serve the request (always, before the table exists),
 * false when the source is over its rate.
 */
bool knts_ratelimit_allow(struct knts_ratelimit *rl, const void *addr,
			  unsigned int addr_len, u64 now_ns, u64 interval_ns,
			  u32 burst)
{
	/* Pairs with knts_ratelimit_enable(): the key before the table. */
	atomic64_t *tat = smp_load_acquire(&rl->tat);
	atomic64_t *b;
	s64 old, next;
	u32 h;

	if (unlikely(!tat))
		return true;
	h = hsiphash(addr, addr_len, &rl->key);
	b = &tat[h & ((1U << KNTS_RL_BUCKETS_LOG) - 1)];
	old = atomic64_read(b);
	do {
		if (!knts_gcra(old, (s64)now_ns, interval_ns, burst, &next))
			return false;
	} while (!atomic64_try_cmpxchg(b, &old, next));
	return true;
}
