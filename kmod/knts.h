/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the server instance shared by the packet path and netlink.
 */
#ifndef _KNTS_KNTS_H
#define _KNTS_KNTS_H

#include <linux/mutex.h>
#include <linux/types.h>

struct knts_pcpu_stats;
struct knts_time_status;

/**
 * struct knts_server - one NTS server instance
 * @lock: serialises configuration changes (netlink); never taken on the
 *	packet path, which reads under RCU
 * @stats: per-CPU counters
 * @time: time status announced in replies, replaced under @lock
 * @load_time_ns: CLOCK_REALTIME at initialisation
 */
struct knts_server {
	struct mutex lock; /* see @lock above */
	struct knts_pcpu_stats __percpu *stats;
	struct knts_time_status __rcu *time;
	u64 load_time_ns;
};

extern struct knts_server knts_srv;

#endif /* _KNTS_KNTS_H */
