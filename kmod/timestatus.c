// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the time status announced in replies.
 *
 * Userspace (kntsd, or kntsctl for static setups) sets it together with a
 * staleness limit.  The packet path reads it under RCU; once it is older
 * than its limit, or before it is ever set, replies say leap=3 (alarm,
 * unsynchronised) with stratum 16 so that no client takes time from a clock
 * whose state nobody vouches for.
 */

#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/time64.h>

#include "timestatus.h"

/**
 * knts_time_set() - replace the time status
 * @srv: server
 * @p: parameters to announce; leap, stratum and precision already validated
 * @stale_after_s: seconds after @now_ns at which the status goes stale
 * @now_ns: CLOCK_BOOTTIME now
 *
 * Context: process context, takes and releases @srv->lock.
 * Return: 0 or -ENOMEM.
 */
int knts_time_set(struct knts_server *srv, const struct knts_time_params *p,
		  u32 stale_after_s, u64 now_ns)
{
	struct knts_time_status *ts, *old;

	ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	ts->p = *p;
	ts->stale_after_ns = (u64)stale_after_s * NSEC_PER_SEC;
	ts->set_ns = now_ns;

	mutex_lock(&srv->lock);
	old = rcu_replace_pointer(srv->time, ts, lockdep_is_held(&srv->lock));
	mutex_unlock(&srv->lock);

	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static void knts_time_unsync(struct knts_time_params *out)
{
	memset(out, 0, sizeof(*out));
	out->leap = KNTS_LEAP_UNSYNC;
	out->stratum = KNTS_STRATUM_UNSYNC;
	out->precision = KNTS_PRECISION_DEFAULT;
}

/**
 * knts_time_get() - the parameters a reply sent now must carry
 * @srv: server
 * @now_ns: CLOCK_BOOTTIME now
 * @out: parameters; the unsynchronised set when the status is stale
 * @age_ns: out, age of the status; may be NULL, untouched when never set
 *
 * Context: any; takes the RCU read lock.
 * Return: true when the status is fresh, false when stale or never set.
 */
bool knts_time_get(struct knts_server *srv, u64 now_ns,
		   struct knts_time_params *out, u64 *age_ns)
{
	const struct knts_time_status *ts;
	bool fresh = false;
	u64 age;

	rcu_read_lock();
	ts = rcu_dereference(srv->time);
	if (ts) {
		age = now_ns >= ts->set_ns ? now_ns - ts->set_ns : 0;
		if (age_ns)
			*age_ns = age;
		fresh = age < ts->stale_after_ns;
		if (fresh) {
			*out = ts->p;
		} else {
			knts_time_unsync(out);
			out->precision = ts->p.precision;
		}
	} else {
		knts_time_unsync(out);
	}
	rcu_read_unlock();
	return fresh;
}

/**
 * knts_time_uninit() - free the time status
 * @srv: server, no longer reachable by readers
 */
void knts_time_uninit(struct knts_server *srv)
{
	kfree(rcu_replace_pointer(srv->time, NULL, true));
}
