/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: per-source rate limiting in bounded memory.
 */
#ifndef _KNTS_RATELIMIT_H
#define _KNTS_RATELIMIT_H

#include <linux/atomic.h>
#include <linux/siphash.h>
#include <linux/types.h>

#define KNTS_RL_BUCKETS_LOG	14	/* 16384 buckets, 128 KiB */
/* The largest burst: 4096 s (chrony's interval 12) times it fits an s64. */
#define KNTS_RL_BURST_MAX	65535

/**
 * struct knts_ratelimit - a table of token buckets keyed by source address
 * @tat: per bucket, the theoretical arrival time (GCRA) in ns; NULL
 *	until rate limiting is first enabled
 * @key: hashes source addresses to buckets, random per table
 *
 * Sources that hash to one bucket share it; the key is secret so a sender
 * cannot aim at another's bucket.
 */
struct knts_ratelimit {
	atomic64_t *tat;
	hsiphash_key_t key;
};

int knts_ratelimit_enable(struct knts_ratelimit *rl);
void knts_ratelimit_uninit(struct knts_ratelimit *rl);
bool knts_ratelimit_allow(struct knts_ratelimit *rl, const void *addr,
			  unsigned int addr_len, u64 now_ns, u64 interval_ns,
			  u32 burst);

#endif /* _KNTS_RATELIMIT_H */
