/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsd: the clock's state, as NTP replies announce it (leap, stratum,
 * precision, root delay and dispersion, reference id and time), taken
 * from chronyd's tracking when chronyd runs here, else from a static
 * "kntslocal" directive, with the kernel's leap state from adjtimex.
 */
#ifndef KNTS_TIMESYNC_H
#define KNTS_TIMESYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct time_status {
	bool valid;		/* there is a source of truth */
	const char *source;	/* "chronyd", "kntslocal", "none" */
	uint8_t leap, stratum;
	int8_t precision;
	uint32_t root_delay, root_disp, refid;	/* NTP short formats, value */
	uint64_t ref_time;			/* NTP timestamp */
};

int8_t clock_precision(void);
void timesync_read(const struct conf *c, struct time_status *ts);
int timesync_parse_tracking(const char *csv, struct time_status *ts);

#endif /* KNTS_TIMESYNC_H */
