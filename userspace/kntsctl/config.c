// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl config set [require-nts on|off] [ratelimit-rate N]
 *	[ratelimit-burst N] [ratelimit-kod on|off] [cookie-budget N]
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

struct config_set {
	bool has_require_nts, has_rate, has_burst, has_kod, has_budget;
	bool require_nts, kod;
	uint32_t rate, burst, budget;
};

static int build_config(struct nl_msg *msg, void *arg)
{
	const struct config_set *s = arg;

	if ((s->has_require_nts &&
	     nla_put_u8(msg, KNTS_A_REQUIRE_NTS, s->require_nts)) ||
	    (s->has_rate && nla_put_u32(msg, KNTS_A_RATELIMIT_RATE, s->rate)) ||
	    (s->has_burst &&
	     nla_put_u32(msg, KNTS_A_RATELIMIT_BURST, s->burst)) ||
	    (s->has_kod && nla_put_u8(msg, KNTS_A_RATELIMIT_KOD, s->kod)) ||
	    (s->has_budget &&
	     nla_put_u32(msg, KNTS_A_COOKIE_BUDGET, s->budget)))
		return -EMSGSIZE;
	return 0;
}

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
	struct config_set s = { 0 };
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
			if (parse_u32(*argv, 0, UINT32_MAX, &s.rate))
				return ctl_usage_error("ratelimit-rate: requests per second, 0 (off) or more, not \"%s\"",
						       *argv);
			s.has_rate = true;
		} else if (matches(*argv, "ratelimit-burst")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, UINT32_MAX, &s.burst))
				return ctl_usage_error("ratelimit-burst: 1 or more, not \"%s\"",
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
	if (!s.has_require_nts && !s.has_rate && !s.has_burst && !s.has_kod &&
	    !s.has_budget)
		return ctl_usage_error("config set: at least one setting is required");

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_CONFIG_SET, build_config, NULL,
			      &s);
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
