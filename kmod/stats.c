// SPDX-License-Identifier: GPL-2.0
/*
 * knts: per-CPU server counters.
 */

#include <linux/percpu.h>
#include <linux/string.h>

/* Its names for every counter, checked against enum knts_stat at build. */
#include "uapi/knts_counters.h"

#include "stats.h"

/**
 * knts_stats_init() - allocate zeroed per-CPU counters
 * @srv: server
 *
 * Return: 0 or -ENOMEM.
 */
int knts_stats_init(struct knts_server *srv)
{
	int cpu;

	srv->stats = alloc_percpu_gfp(struct knts_pcpu_stats,
				      GFP_KERNEL_ACCOUNT);
	if (!srv->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(srv->stats, cpu)->syncp);
	return 0;
}

/**
 * knts_stats_uninit() - free the per-CPU counters
 * @srv: server
 */
void knts_stats_uninit(struct knts_server *srv)
{
	free_percpu(srv->stats);
	srv->stats = NULL;
}

/**
 * knts_stats_sum() - sum every counter over all CPUs
 * @srv: server
 * @sum: out, indexed by &enum knts_stat
 */
void knts_stats_sum(struct knts_server *srv, u64 sum[__KNTS_STAT_MAX])
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __KNTS_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct knts_pcpu_stats *st = per_cpu_ptr(srv->stats, cpu);
		u64 v[__KNTS_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (i = 0; i < __KNTS_STAT_MAX; i++)
				v[i] = u64_stats_read(&st->cnt[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));

		for (i = 0; i < __KNTS_STAT_MAX; i++)
			sum[i] += v[i];
	}
}
