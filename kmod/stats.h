/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: per-CPU server counters.
 */
#ifndef _KNTS_STATS_H
#define _KNTS_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/knts.h>

#include "knts.h"

/**
 * struct knts_pcpu_stats - one CPU's counters and cookie budget, of one
 *	namespace's server
 * @cnt: counters indexed by &enum knts_stat
 * @syncp: makes 64-bit reads consistent on 32-bit machines
 * @budget_stamp: jiffies when @budget was last refilled
 * @budget: extra cookies (beyond one per reply) this CPU may still seal
 *	for this namespace (each namespace its own: one cannot spend
 *	another's)
 */
struct knts_pcpu_stats {
	u64_stats_t cnt[__KNTS_STAT_MAX];
	struct u64_stats_sync syncp;
	unsigned long budget_stamp;
	u32 budget;
};

int knts_stats_init(struct knts_server *srv);
void knts_stats_uninit(struct knts_server *srv);
void knts_stats_sum(struct knts_server *srv, u64 sum[__KNTS_STAT_MAX]);

/**
 * knts_stat_add() - add to one of this CPU's counters
 * @srv: server
 * @stat: counter
 * @n: amount
 *
 * Context: BH disabled (the packet path runs in softirq).
 */
static inline void knts_stat_add(struct knts_server *srv, enum knts_stat stat,
				 u64 n)
{
	struct knts_pcpu_stats *st = this_cpu_ptr(srv->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->cnt[stat], n);
	u64_stats_update_end(&st->syncp);
}

static inline void knts_stat_inc(struct knts_server *srv, enum knts_stat stat)
{
	knts_stat_add(srv, stat, 1);
}

#endif /* _KNTS_STATS_H */
