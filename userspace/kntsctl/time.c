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

struct time_req {
	uint32_t stratum, leap, stale;
	int32_t precision;
	uint32_t root_delay, root_disp, refid;
	uint64_t ref_time;
	bool has_leap, has_precision;
};

static int build_time(struct nl_msg *msg, void *arg)
{
	const struct time_req *r = arg;
	struct nlattr *nest;

	nest = nla_nest_start(msg, KNTS_A_TIME);
	if (!nest ||
	    nla_put_u8(msg, KNTS_TIME_A_STRATUM, (uint8_t)r->stratum) ||
	    (r->has_leap &&
	     nla_put_u8(msg, KNTS_TIME_A_LEAP, (uint8_t)r->leap)) ||
	    (r->has_precision &&
	     nla_put_u8(msg, KNTS_TIME_A_PRECISION, (uint8_t)r->precision)) ||
	    nla_put_u32(msg, KNTS_TIME_A_ROOT_DELAY, r->root_delay) ||
	    nla_put_u32(msg, KNTS_TIME_A_ROOT_DISP, r->root_disp) ||
	    nla_put_u32(msg, KNTS_TIME_A_REFID, r->refid) ||
	    nla_put_u64(msg, KNTS_TIME_A_REF_TIME, r->ref_time) ||
	    nla_put_u32(msg, KNTS_TIME_A_STALE_AFTER, r->stale))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

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
	struct time_req r = { .stale = TIME_SET_DEFAULT_STALE };
	bool has_stratum = false, has_reftime = false;
	int err;

	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "stratum")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 15, &r.stratum))
				return ctl_usage_error("stratum: 1..15, not \"%s\"", *argv);
			has_stratum = true;
		} else if (matches(*argv, "leap")) {
			NEXT_ARG();
			if (parse_u32(*argv, 0, 3, &r.leap))
				return ctl_usage_error("leap: 0..3, not \"%s\"", *argv);
			r.has_leap = true;
		} else if (matches(*argv, "precision")) {
			NEXT_ARG();
			if (parse_s32(*argv, -32, 0, &r.precision))
				return ctl_usage_error("precision: -32..0, not \"%s\"", *argv);
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
			if (parse_u32(*argv, 1, TIME_SET_MAX_STALE, &r.stale))
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
	err = knts_nl_request(c->nl, KNTS_CMD_TIME_SET, build_time, NULL, &r);
	if (err)
		return ctl_nl_error(c, "time set", err);
	return 0;
}

int do_time(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		return ctl_usage_error("time: a command is required (set)");
	if (matches(*argv, "set"))
		return time_set(c, argc - 1, argv + 1);
	return ctl_usage_error("time: unknown command \"%s\"", *argv);
}
