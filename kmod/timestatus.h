/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the time status announced in replies (leap, stratum, root delay...).
 */
#ifndef _KNTS_TIMESTATUS_H
#define _KNTS_TIMESTATUS_H

#include <linux/rcupdate.h>
#include <linux/types.h>

#include "knts.h"
#include "core/ntp.h"

#define KNTS_STALE_MAX_S	604800
/* Announced before any status is set: ~2^-20 s, a typical clock read. */
#define KNTS_PRECISION_DEFAULT	(-20)

/**
 * struct knts_time_status - a time status as set by userspace
 * @p: the announced parameters
 * @stale_after_ns: age after which @p is no longer announced
 * @set_ns: CLOCK_BOOTTIME when it was set
 * @rcu: frees it after readers are done
 */
struct knts_time_status {
	struct knts_time_params p;
	u64 stale_after_ns;
	u64 set_ns;
	struct rcu_head rcu;
};

int knts_time_set(struct knts_server *srv, const struct knts_time_params *p,
		  u32 stale_after_s, u64 now_ns);
bool knts_time_get(struct knts_server *srv, u64 now_ns,
		   struct knts_time_params *out, u64 *age_ns);
void knts_time_uninit(struct knts_server *srv);

#endif /* _KNTS_TIMESTATUS_H */
