/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts protocol core: the rate limiter's decision, one function for
 * knts.ko (kmod/ratelimit.c, each bucket updated by compare-and-swap) and
 * for kntsd's own NTP server (userspace/kntsd/ntpsrv.c), so that both
 * limit alike.
 */
#ifndef _KNTS_CORE_RATELIMIT_H
#define _KNTS_CORE_RATELIMIT_H

#include "core.h"

/**
 * knts_gcra() - one request against its source's theoretical arrival time
 * @tat: the bucket's theoretical arrival time, ns on a monotonic clock
 *	 (0 for a bucket never used)
 * @now_ns: now, on that clock
 * @interval_ns: the average spacing allowed between requests (1 s / rate)
 * @burst: requests allowed at once, at least 1
 * @next: the bucket's new arrival time when the request is allowed
 *
 * The generic cell rate algorithm: a token bucket of @burst tokens refilled
 * one per @interval_ns, kept in one word per bucket.
 *
 * Return: true to serve the request, false when the source is over its
 * rate (@next is then not written).
 */
static inline bool knts_gcra(s64 tat, s64 now_ns, u64 interval_ns, u32 burst,
			     s64 *next)
{
	s64 tau = (s64)(interval_ns * (burst ? burst - 1 : 0));

	if (tat < now_ns)
		tat = now_ns;
	if (tat - now_ns > tau)
		return false;
	*next = tat + (s64)interval_ns;
	return true;
}

#endif /* _KNTS_CORE_RATELIMIT_H */
