// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl: inspect and provision the knts kernel module.
 *
 *   kntsctl [-j] OBJECT [COMMAND [ARGS]]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/util.h"
#include "core/version.h"

static const char usage_text[] =
"Usage: kntsctl [-j] OBJECT [COMMAND [ARGS]]\n"
"\n"
"  status                       module version, load time, time status\n"
"  status --check               one line and exit 0 (ok), 1 (degraded) or\n"
"                               2 (down), for monitoring\n"
"  serverstats [-o text|json|prometheus]\n"
"                               NTP and NTS-KE counters (chronyc's names)\n"
"  time set stratum N [leap N] [refid ID] [rootdelay S] [rootdisp S]\n"
"           [precision N] [reftime now|UNIX_SECONDS] [stale S]\n"
"                               set the time status replies announce\n"
"  keys [list]                  master key slots (never key bytes)\n"
"  keys import FILE             load a chrony ntskeys file (NKS0 or NKS1)\n"
"  keys del ID                  remove the key with this id (hex)\n"
"  keys set ID FILE|- [current] install a key in slot ID % 4: 64 hex digits\n"
"                               (AEAD 15) or 32 (AEAD 30)\n"
"  keys generate FILE [aead 15|30]\n"
"                               new chrony key table, saved and loaded\n"
"  keys rotate FILE [aead 15|30]\n"
"                               rotate that table as ntsrotate does, and load it\n"
"  query HOST [-p PORT] [--ntp-server H] [--ntp-port P] [--ca FILE] [-4|-6]\n"
"        [-a 15|30] [-c N] [-t SECONDS]\n"
"                               NTS-KE, then N authenticated NTP exchanges\n"
"\n"
"Options:\n"
"  -j, --json     print JSON\n"
"  -c, --control PATH  kntsd's control socket (default /run/knts/kntsd.sock)\n"
"  -V, --version  print the version\n"
"  -h, --help     print this help\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kntsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	usage(stderr);
	return 2;
}

int ctl_missing(const char *after)
{
	return ctl_usage_error("argument expected after \"%s\"", after);
}

struct knts_nl *ctl_nl(struct ctl *c)
{
	if (!c->nl) {
		c->nl = knts_nl_open();
		if (!c->nl) {
			char hint[384];
			int e = errno;

			knts_module_hint(hint, sizeof(hint));
			fprintf(stderr,
				"kntsctl: cannot reach the knts module (%s): %s\n",
				strerror(e), hint);
		}
	}
	return c->nl;
}

/* Reports a failed request with the kernel's reason; returns exit code 1. */
int ctl_nl_error(struct ctl *c, const char *what, int err)
{
	const char *ext = knts_nl_extack(c->nl);

	if (err == -EPERM)
		fprintf(stderr, "kntsctl: %s: %s (needs CAP_NET_ADMIN)\n", what,
			strerror(-err));
	else if (ext)
		fprintf(stderr, "kntsctl: %s: %s: %s\n", what, strerror(-err),
			ext);
	else
		fprintf(stderr, "kntsctl: %s: %s\n", what, strerror(-err));
	return 1;
}

static const struct {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
} objects[] = {
	{ "status", do_status },
	{ "serverstats", do_serverstats },
	{ "time", do_time },
	{ "keys", do_keys },
	{ "query", do_query },
};

int main(int argc, char **argv)
{
	struct ctl c = { .control = "/run/knts/kntsd.sock" };
	size_t i;
	int ret;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[1], "-c") ||
			   !strcmp(argv[1], "--control")) {
			if (argc < 3)
				return ctl_missing(argv[1]);
			c.control = argv[2];
			argc--;
			argv++;
		} else if (!strcmp(argv[1], "-h") ||
			   !strcmp(argv[1], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[1], "-V") ||
			   !strcmp(argv[1], "--version")) {
			printf("kntsctl %s\n", KNTS_VERSION);
			return 0;
		} else {
			return ctl_usage_error("unknown option \"%s\"",
					       argv[1]);
		}
		argc--;
		argv++;
	}
	if (argc < 2)
		return ctl_usage_error("an object is required");

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (matches(argv[1], objects[i].name)) {
			ret = objects[i].fn(&c, argc - 2, argv + 2);
			knts_nl_close(c.nl);
			return ret;
		}
	}
	return ctl_usage_error("unknown object \"%s\"", argv[1]);
}
