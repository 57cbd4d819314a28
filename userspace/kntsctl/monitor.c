// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl monitor: the module's notifications, one line each (with -j,
 * one JSON object a line), until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "uapi/linux/knts.h"
#include "ctl.h"
#include "lib/print.h"
#include "lib/util.h"

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

/* Netlink does not check what a notification's attributes hold: we do. */
static bool has(const struct nlattr *a, int len)
{
	return a && nla_len(a) >= len;
}

static void print_on_off(const char *key, const char *word, bool v)
{
	print_bool(PRINT_JSON, key, NULL, v);
	print_text(" %s %s", word, v ? "on" : "off");
}

static void print_u32_attr(const char *key, const char *word, uint32_t v)
{
	print_u64(PRINT_JSON, key, NULL, v);
	print_text(" %s %u", word, v);
}

static void event_keys(struct nlattr **tb)
{
	char id[16];

	print_string(PRINT_JSON, "event", NULL, "keys");
	print_text("keys:");
	if (has(tb[KNTS_A_KEY_CURRENT], 4)) {
		snprintf(id, sizeof(id), "%08X",
			 nla_get_u32(tb[KNTS_A_KEY_CURRENT]));
		print_string(PRINT_ANY, "current", " current %s", id);
	} else {
		print_text(" no current key");
	}
}

static void event_time(struct nlattr **tb)
{
	struct nlattr *t[KNTS_TIME_A_MAX + 1];
	uint32_t refid = 0;
	uint8_t stratum = 0;
	char name[32];

	print_string(PRINT_JSON, "event", NULL, "time");
	print_text("time:");
	if (!tb[KNTS_A_TIME] ||
	    nla_parse_nested(t, KNTS_TIME_A_MAX, tb[KNTS_A_TIME], NULL))
		return;
	if (has(t[KNTS_TIME_A_LEAP], 1))
		print_u64(PRINT_ANY, "leap", " leap %llu",
			  nla_get_u8(t[KNTS_TIME_A_LEAP]));
	if (has(t[KNTS_TIME_A_STRATUM], 1)) {
		stratum = nla_get_u8(t[KNTS_TIME_A_STRATUM]);
		print_u64(PRINT_ANY, "stratum", " stratum %llu", stratum);
	}
	if (has(t[KNTS_TIME_A_REFID], 4)) {
		refid = nla_get_u32(t[KNTS_TIME_A_REFID]);
		format_refid(refid, stratum, name, sizeof(name));
		print_string(PRINT_JSON, "refid", NULL, name);
		print_u64(PRINT_JSON, "refid_value", NULL, refid);
		print_text(" refid %08X", refid);
	}
	print_bool(PRINT_JSON, "stale", NULL, t[KNTS_TIME_A_STALE] != NULL);
	if (t[KNTS_TIME_A_STALE])
		print_text(" stale");
}

/* The tunables, with status's JSON keys. */
static void event_config(struct nlattr **tb)
{
	print_string(PRINT_JSON, "event", NULL, "config");
	print_text("config:");
	if (has(tb[KNTS_A_REQUIRE_NTS], 1))
		print_on_off("require_nts", "require-nts",
			     nla_get_u8(tb[KNTS_A_REQUIRE_NTS]));
	if (has(tb[KNTS_A_RATELIMIT_RATE], 4))
		print_u32_attr("ratelimit_rate", "ratelimit-rate",
			       nla_get_u32(tb[KNTS_A_RATELIMIT_RATE]));
	if (has(tb[KNTS_A_RATELIMIT_BURST], 4))
		print_u32_attr("ratelimit_burst", "burst",
			       nla_get_u32(tb[KNTS_A_RATELIMIT_BURST]));
	if (has(tb[KNTS_A_RATELIMIT_KOD], 1))
		print_on_off("ratelimit_kod", "kod",
			     nla_get_u8(tb[KNTS_A_RATELIMIT_KOD]));
	if (has(tb[KNTS_A_COOKIE_BUDGET], 4))
		print_u32_attr("cookie_budget", "cookie-budget",
			       nla_get_u32(tb[KNTS_A_COOKIE_BUDGET]));
}

static void event_socket(struct nlattr **tb, bool add)
{
	struct knts_nl_sock s;
	char buf[96];

	print_string(PRINT_JSON, "event", NULL,
		     add ? "socket_add" : "socket_del");
	print_text("socket %s", add ? "add" : "del");
	if (!tb[KNTS_A_SOCKET]) {
		/* socket del all */
		print_bool(PRINT_JSON, "all", NULL, true);
		print_text(" all");
		return;
	}
	if (!add)
		print_bool(PRINT_JSON, "all", NULL, false);
	if (knts_nl_parse_sock(tb[KNTS_A_SOCKET], &s)) {
		print_text(" ?");
		return;
	}
	print_sock_fields(&s);
	print_text(" %u %s", s.id, knts_nl_sock_str(&s, buf, sizeof(buf)));
}

static int print_event(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg)
{
	const struct ctl *c = arg;
	uint8_t ev;

	(void)head;
	(void)len;
	if (!has(tb[KNTS_A_EVENT], 1))
		return 0;
	ev = nla_get_u8(tb[KNTS_A_EVENT]);
	print_begin(stdout, c->json);
	switch (ev) {
	case KNTS_EVENT_KEYS:
		event_keys(tb);
		break;
	case KNTS_EVENT_TIME:
		event_time(tb);
		break;
	case KNTS_EVENT_CONFIG:
		event_config(tb);
		break;
	case KNTS_EVENT_SOCKET_ADD:
	case KNTS_EVENT_SOCKET_DEL:
		event_socket(tb, ev == KNTS_EVENT_SOCKET_ADD);
		break;
	case KNTS_EVENT_NETNS_EXIT:
		print_string(PRINT_JSON, "event", NULL, "netns_exit");
		print_text("netns exit");
		if (has(tb[KNTS_A_NETNS_COOKIE], 8))
			print_u64(PRINT_ANY, "netns_cookie", " cookie %llu",
				  nla_get_u64(tb[KNTS_A_NETNS_COOKIE]));
		break;
	default:
		print_string(PRINT_JSON, "event", NULL, "unknown");
		print_u64(PRINT_ANY, "value", "event %llu", ev);
		break;
	}
	print_text("\n");
	/* Flushed: a reader on a pipe sees each event as it comes. */
	print_end();
	return 0;
}

/* The module's family coming and going, from nlctrl's notifications. */
struct family_watch {
	struct nl_sock *sk;
	int change;		/* CTRL_CMD_NEWFAMILY or _DELFAMILY, or 0 */
};

static int on_family(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_watch *w = arg;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) >= 0 &&
	    tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		    KNTS_FAMILY_NAME) &&
	    (gh->cmd == CTRL_CMD_NEWFAMILY || gh->cmd == CTRL_CMD_DELFAMILY))
		w->change = gh->cmd;
	return NL_OK;
}

static int family_watch_open(struct family_watch *w)
{
	int grp;

	w->sk = nl_socket_alloc();
	if (!w->sk || genl_connect(w->sk))
		return -1;
	grp = genl_ctrl_resolve_grp(w->sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(w->sk, grp))
		return -1;
	nl_socket_disable_seq_check(w->sk);
	nl_socket_set_nonblocking(w->sk);
	nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, on_family, w);
	return 0;
}

/* The module was reloaded: its group is new, join it again. */
static int resubscribe(struct ctl *c)
{
	knts_nl_close(c->nl);
	c->nl = knts_nl_open();
	if (!c->nl || knts_nl_subscribe(c->nl) || knts_nl_nonblock(c->nl))
		return -1;
	return 0;
}

static void print_module(struct ctl *c, bool loaded)
{
	print_begin(stdout, c->json);
	print_string(PRINT_JSON, "event", NULL,
		     loaded ? "module_loaded" : "module_unloaded");
	print_text(loaded ? "module loaded\n" : "module unloaded\n");
	print_end();
}

int do_monitor(struct ctl *c, int argc, char **argv)
{
	struct family_watch fw = { .sk = NULL };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	struct pollfd pfd[2];
	int err, ret = 0;

	if (argc > 0)
		return ctl_usage_error("monitor takes no argument, not \"%s\"",
				       argv[0]);
	if (!ctl_nl(c))
		return 1;
	err = knts_nl_subscribe(c->nl);
	if (err == -EPERM)
		return ctl_error("monitor: cannot join the events group: %s (needs CAP_NET_ADMIN)",
				 strerror(-err));
	if (err)
		return ctl_error("monitor: cannot join the events group: %s (knts.ko too old?)",
				 strerror(-err));
	err = knts_nl_nonblock(c->nl);
	if (err)
		return ctl_error("monitor: %s", strerror(-err));
	if (family_watch_open(&fw))
		fprintf(stderr, "kntsctl: monitor: cannot watch for module reloads\n");

	/* Signals are taken only while waiting: none is lost, none waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd[1].fd = fw.sk ? nl_socket_get_fd(fw.sk) : -1;
	pfd[1].events = POLLIN;
	while (!monitor_stop) {
		pfd[0].fd = c->nl ? knts_nl_fd(c->nl) : -1;
		pfd[0].events = POLLIN;
		if (ppoll(pfd, 2, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			ret = ctl_error("monitor: poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			fw.change = 0;
			nl_recvmsgs_default(fw.sk);
			if (fw.change == CTRL_CMD_DELFAMILY) {
				print_module(c, false);
			} else if (fw.change == CTRL_CMD_NEWFAMILY) {
				if (resubscribe(c))
					fprintf(stderr, "kntsctl: monitor: cannot join the events group again\n");
				print_module(c, true);
			}
		}
		if (!c->nl || !(pfd[0].revents & POLLIN))
			continue;
		do {
			err = knts_nl_events(c->nl, print_event, c);
		} while (!err);
		if (err == -EAGAIN)
			continue;
		if (err == -EIO && errno == ENOBUFS) {
			/* The kernel dropped some: say so, and go on. */
			fprintf(stderr, "kntsctl: monitor: events lost (receive buffer full)\n");
			continue;
		}
		ret = ctl_error("monitor: %s", strerror(-err));
		break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	if (fw.sk)
		nl_socket_free(fw.sk);
	return ret;
}
