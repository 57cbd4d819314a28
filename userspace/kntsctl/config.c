// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl config set [require-nts on|off] [ratelimit-rate N]
 *	[ratelimit-interval L] [ratelimit-burst N] [ratelimit-leak K]
 *	[ratelimit-prefix6 BITS] [ratelimit-kod on|off] [cookie-budget N]
 *
 * The module's parameters are the defaults of each namespace's server;
 * this changes the tunables of the caller's namespace at run time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "uapi/linux/knts.h"
#include "ctl.h"
#include "lib/util.h"

static int parse_on_off(const char *s, bool *out)
{
	if (!strcmp(s, "on"))
		*out = true;
	else if (!strcmp(s, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int config_set(struct ctl *c, int argc, char **argv)
{
	struct knts_nl_tunables s = { 0 };
	uint32_t v;
	int32_t l;
	int err;

	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "require-nts")) {
			NEXT_ARG();
			if (parse_on_off(*argv, &s.require_nts))
				return ctl_usage_error("require-nts: on or off, not \"%s\"",
						       *argv);
			s.has_require_nts = true;
		} else if (matches(*argv, "ratelimit-rate")) {
			NEXT_ARG();
			if (parse_u32(*argv, 0, 1000000000, &s.rate))
				return ctl_usage_error("ratelimit-rate: requests per second, 0 (off) to 1000000000, not \"%s\"",
						       *argv);
			s.has_rate = true;
		} else if (matches(*argv, "ratelimit-interval")) {
			NEXT_ARG();
			if (parse_s32(*argv, -19, 12, &l))
				return ctl_usage_error("ratelimit-interval: log2 seconds between requests, -19..12 (chrony's), not \"%s\"",
						       *argv);
			s.interval_ns = l >= 0 ? 1000000000ULL << l :
					1000000000ULL >> -l;
			s.has_interval = true;
		} else if (matches(*argv, "ratelimit-leak")) {
			NEXT_ARG();
			if (parse_u32(*argv, 0, 4, &v))
				return ctl_usage_error("ratelimit-leak: 0..4 (one limited request in 2^K served anyway), not \"%s\"",
						       *argv);
			s.leak = (uint8_t)v;
			s.has_leak = true;
		} else if (matches(*argv, "ratelimit-prefix6")) {
			NEXT_ARG();
			if (parse_u32(*argv, 32, 128, &v))
				return ctl_usage_error("ratelimit-prefix6: 32..128 bits, not \"%s\"",
						       *argv);
			s.prefix6 = (uint8_t)v;
			s.has_prefix6 = true;
		} else if (matches(*argv, "ratelimit-burst")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 65535, &s.burst))
				return ctl_usage_error("ratelimit-burst: 1..65535, not \"%s\"",
						       *argv);
			s.has_burst = true;
		} else if (matches(*argv, "ratelimit-kod")) {
			NEXT_ARG();
			if (parse_on_off(*argv, &s.kod))
				return ctl_usage_error("ratelimit-kod: on or off, not \"%s\"",
						       *argv);
			s.has_kod = true;
		} else if (matches(*argv, "cookie-budget")) {
			NEXT_ARG();
			if (parse_u32(*argv, 0, UINT32_MAX, &s.budget))
				return ctl_usage_error("cookie-budget: cookies per second per CPU, 0 (no budget) or more, not \"%s\"",
						       *argv);
			s.has_budget = true;
		} else {
			return ctl_usage_error("config set: unknown argument \"%s\"",
					       *argv);
		}
	}
	if (s.has_rate && s.has_interval)
		return ctl_usage_error("config set: ratelimit-rate or ratelimit-interval, not both");
	if (!s.has_require_nts && !s.has_rate && !s.has_interval &&
	    !s.has_burst && !s.has_leak && !s.has_prefix6 && !s.has_kod &&
	    !s.has_budget)
		return ctl_usage_error("config set: at least one setting is required");

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_CONFIG_SET,
			      knts_nl_build_tunables, NULL, &s);
	return err ? ctl_nl_error(c, "config set", err) : 0;
}

int do_config(struct ctl *c, int argc, char **argv)
{
	if (argc < 1)
		return ctl_usage_error("config: a command is required (set)");
	if (!strcmp(*argv, "set"))
		return config_set(c, argc - 1, argv + 1);
	return ctl_usage_error("config: unknown command \"%s\" (set, in full)",
			       *argv);
}
