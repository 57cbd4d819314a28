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
#include "lib/print.h"
#include "lib/util.h"
#include "core/version.h"

static const char usage_text[] =
"Usage: kntsctl [-j] [-c PATH] OBJECT [COMMAND [ARGS]]\n"
"       kntsctl help | OBJECT help\n"
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
"        [-a 15|30] [-n N] [-t SECONDS]\n"
"                               NTS-KE, then N authenticated NTP exchanges\n"
"  socket [list]                UDP sockets the module serves\n"
"  socket add [ADDRESS] [port N] [dev IFNAME]\n"
"                               bind UDP sockets (without ADDRESS, 0.0.0.0\n"
"                               and ::; port 123) and hand them to the module\n"
"  socket del ID|all            stop serving on one socket, or on all\n"
"  config set [require-nts on|off] [ratelimit-rate N | ratelimit-interval L]\n"
"             [ratelimit-burst N] [ratelimit-leak K] [ratelimit-prefix6 BITS]\n"
"             [ratelimit-kod on|off] [cookie-budget N]\n"
"                               change the module's tunables\n"
"  monitor                      print the module's notifications, one a line\n"
"\n"
"Commands that change state (keys import, del, set, generate, rotate; time\n"
"set; socket add, del; config set) must be spelt in full; the others may be\n"
"abbreviated.  The module's commands act on the caller's network namespace;\n"
"those that change it, keys list and monitor need CAP_NET_ADMIN there.\n"
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

bool ctl_json;

/* An error: "kntsctl: MESSAGE" on stderr, or {"error": ...} with -j. */
static void verror(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ctl_json) {
		print_begin(stdout, true);
		print_string(PRINT_JSON, "error", NULL, msg);
		print_end();
	} else {
		fprintf(stderr, "kntsctl: %s\n", msg);
	}
}

int ctl_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return 1;
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	return 2;
}

/*
 * kntsctl OBJECT help: the usage lines of that object (the line that
 * starts with it and those that continue it).
 */
static int object_help(const char *object)
{
	const char *line = usage_text, *end;
	size_t n = strlen(object);
	bool in = false;

	printf("Usage: kntsctl [-j] [-c PATH] %s ...\n\n", object);
	for (; (end = strchr(line, '\n')); line = end + 1) {
		if (end == line)
			in = false;
		else if (!strncmp(line, "  ", 2) && line[2] != ' ')
			in = !strncmp(line + 2, object, n) &&
			     (line[2 + n] == ' ' || line + 2 + n == end);
		if (in)
			printf("%.*s\n", (int)(end - line), line);
	}
	return 0;
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
			ctl_error("cannot reach the knts module (%s): %s",
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
		return ctl_error("%s: %s (needs CAP_NET_ADMIN)", what,
				 strerror(-err));
	if (ext)
		return ctl_error("%s: %s: %s", what, strerror(-err), ext);
	return ctl_error("%s: %s", what, strerror(-err));
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
	{ "socket", do_socket },
	{ "config", do_config },
	{ "monitor", do_monitor },
};

int main(int argc, char **argv)
{
	struct ctl c = { .control = "/run/knts/kntsd.sock" };
	size_t i;
	int ret;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			c.json = true;
			ctl_json = true;
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
	if (!strcmp(argv[1], "help")) {
		if (argc > 2)
			return ctl_usage_error("help takes no argument; OBJECT help");
		usage(stdout);
		return 0;
	}

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (matches(argv[1], objects[i].name)) {
			if (argc == 3 && !strcmp(argv[2], "help"))
				return object_help(objects[i].name);
			ret = objects[i].fn(&c, argc - 2, argv + 2);
			knts_nl_close(c.nl);
			return ret;
		}
	}
	return ctl_usage_error("unknown object \"%s\"", argv[1]);
}
