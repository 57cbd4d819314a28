// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl time set ...
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "uapi/linux/knts.h"
#include "ctl.h"
#include "lib/util.h"

/* Without "stale S", a status set by hand is trusted for one hour. */
#define TIME_SET_DEFAULT_STALE 3600
#define TIME_SET_MAX_STALE 604800

static int parse_reftime(const char *s, uint64_t *out)
{
	struct timespec ts = { 0 };
	uint32_t sec;

	if (!strcmp(s, "now")) {
		clock_gettime(CLOCK_REALTIME, &ts);
	} else {
		/* Whole Unix seconds within NTP era 0. */
		if (parse_u32(s, 1, (uint32_t)(0xffffffffULL - NTP_UNIX_OFFSET),
			      &sec))
			return -EINVAL;
		ts.tv_sec = sec;
	}
	*out = ntp_ts_from_timespec(&ts);
	return 0;
}

static int time_set(struct ctl *c, int argc, char **argv)
{
	struct knts_nl_time r = { .stale_after = TIME_SET_DEFAULT_STALE };
	bool has_stratum = false, has_reftime = false;
	uint32_t v;
	int32_t prec;
	int err;

	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "stratum")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 15, &v))
				return ctl_usage_error("stratum: 1..15, not \"%s\"", *argv);
			r.stratum = (uint8_t)v;
			has_stratum = true;
		} else if (matches(*argv, "leap")) {
			NEXT_ARG();
			if (parse_u32(*argv, 0, 3, &v))
				return ctl_usage_error("leap: 0..3, not \"%s\"", *argv);
			r.leap = (uint8_t)v;
			r.has_leap = true;
		} else if (matches(*argv, "precision")) {
			NEXT_ARG();
			if (parse_s32(*argv, -32, 0, &prec))
				return ctl_usage_error("precision: -32..0, not \"%s\"", *argv);
			r.precision = (int8_t)prec;
			r.has_precision = true;
		} else if (matches(*argv, "refid")) {
			NEXT_ARG();
			if (parse_refid(*argv, &r.refid))
				return ctl_usage_error("refid: IPv4 address, 0xHHHHHHHH or 1-4 ASCII characters, not \"%s\"", *argv);
		} else if (matches(*argv, "rootdelay")) {
			NEXT_ARG();
			if (parse_ntp_short(*argv, &r.root_delay))
				return ctl_usage_error("rootdelay: seconds, 0 to 65535.99, not \"%s\"", *argv);
		} else if (matches(*argv, "rootdisp")) {
			NEXT_ARG();
			if (parse_ntp_short(*argv, &r.root_disp))
				return ctl_usage_error("rootdisp: seconds, 0 to 65535.99, not \"%s\"", *argv);
		} else if (matches(*argv, "reftime")) {
			NEXT_ARG();
			if (parse_reftime(*argv, &r.ref_time))
				return ctl_usage_error("reftime: \"now\" or Unix seconds, not \"%s\"", *argv);
			has_reftime = true;
		} else if (matches(*argv, "stale")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, TIME_SET_MAX_STALE, &r.stale_after))
				return ctl_usage_error("stale: seconds, 1..%u, not \"%s\"",
						       TIME_SET_MAX_STALE, *argv);
		} else {
			return ctl_usage_error("time set: unknown argument \"%s\"", *argv);
		}
	}
	if (!has_stratum)
		return ctl_usage_error("time set: stratum is required");
	if (!has_reftime)
		parse_reftime("now", &r.ref_time);

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_TIME_SET, knts_nl_build_time,
			      NULL, &r);
	if (err)
		return ctl_nl_error(c, "time set", err);
	return 0;
}

int do_time(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		return ctl_usage_error("time: a command is required (set)");
	if (!strcmp(*argv, "set"))
		return time_set(c, argc - 1, argv + 1);
	return ctl_usage_error("time: unknown command \"%s\" (set, in full)",
			       *argv);
}
