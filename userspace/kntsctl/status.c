// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl status, kntsctl serverstats
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "core/version.h"
#include "uapi/knts_counters.h"
#include "uapi/linux/knts.h"
#include "ctl.h"
#include "lib/print.h"
#include "lib/util.h"

struct status {
	char version[32];
	uint64_t load_time_ns;
	uint64_t stats[__KNTS_STAT_MAX];
	bool have_time;
	uint8_t leap, stratum;
	int8_t precision;
	uint32_t root_delay, root_disp, refid;
	uint64_t ref_time;
	bool have_age;
	uint64_t age_ms;
	bool stale;
	bool v4, v6, require_nts, rl_kod;
	uint32_t rl_rate, rl_burst;
	uint64_t rl_interval_ns;
	uint8_t rl_leak, rl_prefix6;
	char aes[16];
	bool have_budget;
	uint32_t cookie_budget;
	uint64_t netns_cookie;
	bool have_instances;
	uint32_t instances;	/* namespaces served (initial namespace only) */
	bool have_access;
	uint32_t access_rules;	/* allow/deny rules, when there are any */
	struct knts_nl_socks socks;
};

/* The module's counters, by &enum knts_stat (uapi/knts_counters.h). */
static const struct knts_counter_name stat_names[__KNTS_STAT_MAX] = {
	[KNTS_STAT_RX_PACKETS] = KNTS_STATS(KNTS_COUNTER_NAME)
};

static int parse_time(struct nlattr *nest, struct status *st)
{
	struct nlattr *tb[KNTS_TIME_A_MAX + 1];

	if (nla_parse_nested(tb, KNTS_TIME_A_MAX, nest, NULL) ||
	    !tb[KNTS_TIME_A_LEAP] || !tb[KNTS_TIME_A_STRATUM])
		return -EBADMSG;
	st->have_time = true;
	st->leap = nla_get_u8(tb[KNTS_TIME_A_LEAP]);
	st->stratum = nla_get_u8(tb[KNTS_TIME_A_STRATUM]);
	if (tb[KNTS_TIME_A_PRECISION])
		st->precision = (int8_t)nla_get_s32(tb[KNTS_TIME_A_PRECISION]);
	if (tb[KNTS_TIME_A_ROOT_DELAY])
		st->root_delay = nla_get_u32(tb[KNTS_TIME_A_ROOT_DELAY]);
	if (tb[KNTS_TIME_A_ROOT_DISP])
		st->root_disp = nla_get_u32(tb[KNTS_TIME_A_ROOT_DISP]);
	if (tb[KNTS_TIME_A_REFID])
		st->refid = nla_get_u32(tb[KNTS_TIME_A_REFID]);
	if (tb[KNTS_TIME_A_REF_TIME])
		st->ref_time = nla_get_u64(tb[KNTS_TIME_A_REF_TIME]);
	if (tb[KNTS_TIME_A_AGE_MS]) {
		st->have_age = true;
		st->age_ms = nla_get_u64(tb[KNTS_TIME_A_AGE_MS]);
	}
	st->stale = tb[KNTS_TIME_A_STALE] != NULL;
	return 0;
}

/* A 0/1 u8; a zero-length attribute is an older module's flag. */
static bool get_bool(const struct nlattr *a)
{
	return a && (nla_len(a) < 1 || nla_get_u8(a));
}

static int parse_status(struct nlattr **tb, struct nlattr *head, int len,
			void *arg)
{
	struct status *st = arg;
	struct nlattr *a;
	int rem;

	(void)head;
	(void)len;
	if (!tb[KNTS_A_VERSION] || !tb[KNTS_A_LOAD_TIME] ||
	    !tb[KNTS_A_STATS])
		return -EBADMSG;
	snprintf(st->version, sizeof(st->version), "%s",
		 nla_get_string(tb[KNTS_A_VERSION]));
	st->load_time_ns = nla_get_u64(tb[KNTS_A_LOAD_TIME]);
	nla_for_each_nested(a, tb[KNTS_A_STATS], rem) {
		int t = nla_type(a);

		if (t > KNTS_STAT_PAD && t < __KNTS_STAT_MAX &&
		    nla_len(a) == sizeof(uint64_t))
			st->stats[t] = nla_get_u64(a);
	}
	st->v4 = tb[KNTS_A_LISTEN_IPV4] != NULL;
	st->v6 = tb[KNTS_A_LISTEN_IPV6] != NULL;
	st->require_nts = get_bool(tb[KNTS_A_REQUIRE_NTS]);
	st->rl_kod = get_bool(tb[KNTS_A_RATELIMIT_KOD]);
	if (tb[KNTS_A_NETNS_COOKIE])
		st->netns_cookie = nla_get_u64(tb[KNTS_A_NETNS_COOKIE]);
	st->have_access = tb[KNTS_A_ACCESS_RULES] != NULL;
	if (st->have_access)
		st->access_rules = nla_get_u32(tb[KNTS_A_ACCESS_RULES]);
	st->have_instances = tb[KNTS_A_INSTANCES] != NULL;
	if (st->have_instances)
		st->instances = nla_get_u32(tb[KNTS_A_INSTANCES]);
	if (tb[KNTS_A_RATELIMIT_RATE])
		st->rl_rate = nla_get_u32(tb[KNTS_A_RATELIMIT_RATE]);
	if (tb[KNTS_A_RATELIMIT_BURST])
		st->rl_burst = nla_get_u32(tb[KNTS_A_RATELIMIT_BURST]);
	if (tb[KNTS_A_RATELIMIT_INTERVAL_NS])
		st->rl_interval_ns =
			nla_get_u64(tb[KNTS_A_RATELIMIT_INTERVAL_NS]);
	else if (st->rl_rate)
		st->rl_interval_ns = 1000000000ULL / st->rl_rate;
	if (tb[KNTS_A_RATELIMIT_LEAK])
		st->rl_leak = nla_get_u8(tb[KNTS_A_RATELIMIT_LEAK]);
	if (tb[KNTS_A_RATELIMIT_PREFIX6])
		st->rl_prefix6 = nla_get_u8(tb[KNTS_A_RATELIMIT_PREFIX6]);
	if (tb[KNTS_A_AES])
		snprintf(st->aes, sizeof(st->aes), "%s",
			 nla_get_string(tb[KNTS_A_AES]));
	st->have_budget = tb[KNTS_A_COOKIE_BUDGET] != NULL;
	if (st->have_budget)
		st->cookie_budget = nla_get_u32(tb[KNTS_A_COOKIE_BUDGET]);
	if (tb[KNTS_A_TIME])
		return parse_time(tb[KNTS_A_TIME], st);
	return 0;
}

static int get_status(struct ctl *c, struct status *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_GET_STATUS, NULL, parse_status,
			      st);
	if (err)
		return ctl_nl_error(c, "get status", err);
	return 0;
}

static void print_time_status(const struct status *st)
{
	char refid[32], reft[32];
	struct timespec ts;

	format_refid(st->refid, st->stratum, refid, sizeof(refid));
	ntp_ts_to_timespec(st->ref_time, &ts);
	if (st->ref_time)
		format_utc((uint64_t)ts.tv_sec * 1000000000ULL, reft,
			   sizeof(reft));
	else
		snprintf(reft, sizeof(reft), "-");

	open_json_object("time");
	print_text("Time status     : %s\n",
		   st->stale ? (st->have_age ? "stale (leap 3 announced)" :
				"never set (leap 3 announced)") : "fresh");
	print_bool(PRINT_JSON, "stale", NULL, st->stale);
	if (st->have_age)
		print_double(PRINT_ANY, "age", "Status age      : %.3f s\n",
			     (double)st->age_ms / 1000.0);
	print_u64(PRINT_ANY, "leap", "Leap            : %llu\n", st->leap);
	print_u64(PRINT_ANY, "stratum", "Stratum         : %llu\n",
		  st->stratum);
	print_s64(PRINT_ANY, "precision", "Precision       : %lld\n",
		  st->precision);
	print_double(PRINT_ANY, "root_delay", "Root delay      : %.6f s\n",
		     ntp_short_to_double(st->root_delay));
	print_double(PRINT_ANY, "root_dispersion",
		     "Root dispersion : %.6f s\n",
		     ntp_short_to_double(st->root_disp));
	print_string(PRINT_ANY, "refid", "Reference ID    : %s", refid);
	print_text(" (%08X)\n", st->refid);
	print_u64(PRINT_JSON, "refid_value", NULL, st->refid);
	print_string(PRINT_ANY, "reference_time", "Reference time  : %s\n",
		     reft);
	close_json_object();
}

/*
 * The sockets served: all of them in text; in JSON "sockets", and "port"
 * (the first socket's, 0 without one), "ipv4" and "ipv6" as in the days of
 * the module's single port.
 */
static void print_sockets(const struct status *st)
{
	const struct knts_nl_socks *l = &st->socks;
	bool v4 = st->v4, v6 = st->v6;
	char buf[96];
	unsigned int i;

	print_text("Listening       : ");
	if (!l->n)
		print_text("none (kntsd not running? kntsctl socket add)");
	for (i = 0; i < l->n; i++) {
		print_text("%s%s", i ? ", " : "",
			   knts_nl_sock_str(&l->s[i], buf, sizeof(buf)));
		v4 |= l->s[i].family == AF_INET;
		v6 |= l->s[i].family == AF_INET6;
	}
	print_text("\n");
	print_u64(PRINT_JSON, "port", NULL, l->n ? l->s[0].port : 0);
	print_bool(PRINT_JSON, "ipv4", NULL, v4);
	print_bool(PRINT_JSON, "ipv6", NULL, v6);
	open_json_array("sockets");
	for (i = 0; i < l->n; i++) {
		open_json_object(NULL);
		print_sock_fields(&l->s[i]);
		close_json_object();
	}
	close_json_array();
}

static bool kntsd_is(const struct kntsd_info *kd, const char *key,
		     const char *value)
{
	const char *v = kntsd_get(kd, key);

	return v && !strcmp(v, value);
}

static uint64_t kd_u64(const struct kntsd_info *kd, const char *key)
{
	const char *v = kntsd_get(kd, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

static void print_kntsd(const struct kntsd_info *kd)
{
	const char *ver = kntsd_get(kd, "version");
	const char *src = kntsd_get(kd, "time_source");
	bool userspace = kntsd_is(kd, "ntp_path", "userspace");

	open_json_object("kntsd");
	print_bool(PRINT_JSON, "running", NULL, kd->ok);
	if (!kd->ok) {
		print_text("kntsd           : not running (or no control socket)\n");
	} else {
		print_string(PRINT_ANY, "version", "kntsd           : %s, ",
			     ver ? ver : "?");
		print_string(PRINT_ANY, "ntp_path", "NTP served by %s",
			     userspace ? "kntsd" : "knts.ko");
		if (!userspace) {
			bool reach = kntsd_is(kd, "kernel_reachable", "1");

			print_bool(PRINT_JSON, "reaches_module", NULL, reach);
			print_text(reach ? " (reached)" : " (NOT reached)");
		}
		print_string(PRINT_ANY, "time_source", ", clock state from %s\n",
			     src ? src : "?");
	}
	close_json_object();
}

/* ---- status --check: one line and an exit status, for monitoring ---- */

enum health { HEALTH_OK, HEALTH_DEGRADED, HEALTH_DOWN };

#define HEALTH_MAX_PROBLEMS 8

struct health_check {
	enum health state;
	unsigned int n;
	char problem[HEALTH_MAX_PROBLEMS][256];
};

static void __attribute__((format(printf, 3, 4)))
problem(struct health_check *k, enum health h, const char *fmt, ...)
{
	va_list ap;

	if (h > k->state)
		k->state = h;
	if (k->n == HEALTH_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(k->problem[k->n++], sizeof(k->problem[0]), fmt, ap);
	va_end(ap);
}

/* What knts.ko says: reachable, fresh, keyed, on AES-NI. */
static void check_module(struct health_check *k, struct status *st)
{
	struct knts_nl_keys kk = { .n = 0 };
	struct knts_nl *nl = knts_nl_open();
	char hint[384];
	int err;

	if (!nl) {
		knts_module_hint(hint, sizeof(hint));
		problem(k, HEALTH_DOWN, "%s", hint);
		return;
	}
	err = knts_nl_request(nl, KNTS_CMD_GET_STATUS, NULL, parse_status, st);
	if (err) {
		problem(k, HEALTH_DOWN, "knts.ko does not answer: %s",
			strerror(-err));
		knts_nl_close(nl);
		return;
	}
	/* The flags stand in when the list cannot be read. */
	if (knts_nl_socket_list(nl, &st->socks) ? !st->v4 && !st->v6 :
						  !st->socks.n)
		problem(k, HEALTH_DOWN,
			"knts.ko serves no UDP socket in this network namespace (kntsd not running? kntsctl socket add)");
	if (!st->have_time || st->stale)
		problem(k, HEALTH_DEGRADED,
			"clock state %s: replies announce leap 3",
			st->have_age ? "stale" : "never set");
	else if (st->leap == 3)
		problem(k, HEALTH_DEGRADED, "leap 3 announced");
	if (strcmp(st->aes, "aesni"))
		problem(k, HEALTH_DEGRADED,
			"AES %s: slow and not constant time",
			st->aes[0] ? st->aes : "unknown");
	/* The key list needs CAP_NET_ADMIN; kntsd's word serves otherwise. */
	err = knts_nl_request(nl, KNTS_CMD_KEY_GET, NULL, knts_nl_parse_keys,
			      &kk);
	if (!err && (!kk.n || !kk.has_current))
		problem(k, HEALTH_DEGRADED, "no master keys in knts.ko");
	knts_nl_close(nl);
}

static int status_check(struct ctl *c)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL" };
	static const char *const states[] = { "ok", "degraded", "down" };
	struct health_check k = { .state = HEALTH_OK };
	struct kntsd_info kd;
	struct status st;
	const char *ver;
	char summary[160] = "";
	unsigned int i;

	memset(&st, 0, sizeof(st));
	kntsd_query(c->control, &kd);
	ver = kntsd_get(&kd, "version");
	if (!kd.ok) {
		problem(&k, HEALTH_DEGRADED,
			"kntsd unreachable on %s: no NTS-KE, keys and clock state not kept",
			c->control);
	} else if (!kntsd_is(&kd, "ntp_path", "userspace")) {
		if (!kntsd_is(&kd, "kernel_reachable", "1"))
			problem(&k, HEALTH_DEGRADED, "kntsd does not reach knts.ko");
		if (kntsd_is(&kd, "keys_pushed", "0"))
			problem(&k, HEALTH_DEGRADED, "kntsd pushed no keys");
	}
	if (kd.ok && kntsd_is(&kd, "time_source", "none"))
		problem(&k, HEALTH_DEGRADED,
			"nothing vouches for the clock (no chronyd, no kntslocal)");
	if (kntsd_is(&kd, "ntp_path", "userspace")) {
		snprintf(summary, sizeof(summary), "NTP served by kntsd %s",
			 ver ? ver : "?");
	} else {
		check_module(&k, &st);
		if (st.version[0])
			snprintf(summary, sizeof(summary),
				 "knts.ko %s on %s AES, kntsd %s, stratum %u",
				 st.version, st.aes[0] ? st.aes : "?",
				 ver ? ver : "not running", st.stratum);
	}
	if (c->json) {
		print_begin(stdout, true);
		print_string(PRINT_JSON, "state", NULL, states[k.state]);
		print_u64(PRINT_JSON, "exit", NULL, k.state);
		print_string(PRINT_JSON, "summary", NULL, summary);
		open_json_array("problems");
		for (i = 0; i < k.n; i++)
			print_string(PRINT_JSON, NULL, NULL, k.problem[i]);
		close_json_array();
		print_end();
	} else {
		/* Nagios' plugin output: STATE - text (no '|': perfdata). */
		printf("KNTS %s - ", names[k.state]);
		for (i = 0; i < k.n; i++)
			printf("%s%s", i ? "; " : "", k.problem[i]);
		printf("%s%s\n", k.n && summary[0] ? "; " : "", summary);
	}
	return k.state;
}

int do_status(struct ctl *c, int argc, char **argv)
{
	struct kntsd_info kd;
	struct status st;
	char loaded[32];
	int ret, err;

	if (argc == 1 && (!strcmp(argv[0], "--check") || !strcmp(argv[0], "check")))
		return status_check(c);
	if (argc > 0)
		return ctl_usage_error("status [--check], not \"%s\"", argv[0]);
	kntsd_query(c->control, &kd);
	if (kntsd_is(&kd, "ntp_path", "userspace")) {
		/* knts.ko is not serving; kntsd is. */
		print_begin(stdout, c->json);
		print_kntsd(&kd);
		return print_end() ? 1 : 0;
	}
	ret = get_status(c, &st);
	if (ret)
		return ret;
	err = knts_nl_socket_list(c->nl, &st.socks);
	if (err)
		return ctl_nl_error(c, "socket list", err);

	format_utc(st.load_time_ns, loaded, sizeof(loaded));
	print_begin(stdout, c->json);
	print_string(PRINT_ANY, "version", "Module          : knts %s\n",
		     st.version);
	print_string(PRINT_ANY, "loaded", "Loaded          : %s\n", loaded);
	print_u64(PRINT_JSON, "load_time_ns", NULL, st.load_time_ns);
	print_u64(PRINT_ANY, "netns_cookie", "Namespace       : cookie %llu",
		  st.netns_cookie);
	/* Only the initial namespace counts the namespaces served. */
	if (st.have_instances)
		print_u64(PRINT_ANY, "instances",
			  ", initial; namespaces served: %llu", st.instances);
	print_text("\n");
	print_sockets(&st);
	print_bool(PRINT_ANY, "require_nts", "Require NTS     : %s\n",
		   st.require_nts);
	print_u64(PRINT_JSON, "ratelimit_rate", NULL, st.rl_rate);
	print_u64(PRINT_JSON, "ratelimit_burst", NULL, st.rl_burst);
	print_bool(PRINT_JSON, "ratelimit_kod", NULL, st.rl_kod);
	print_u64(PRINT_JSON, "ratelimit_interval_ns", NULL, st.rl_interval_ns);
	print_u64(PRINT_JSON, "ratelimit_leak", NULL, st.rl_leak);
	print_u64(PRINT_JSON, "ratelimit_prefix6", NULL, st.rl_prefix6);
	if (st.have_access)
		print_u64(PRINT_ANY, "access_rules",
			  "Access          : %llu allow/deny rules\n",
			  st.access_rules);
	else
		print_text("Access          : every source (no allow/deny rules)\n");
	if (st.rl_rate)
		print_text("Rate limit      : %u/s per source, burst %u",
			   st.rl_rate, st.rl_burst);
	else if (st.rl_interval_ns)
		print_text("Rate limit      : 1 per %g s per source, burst %u",
			   st.rl_interval_ns / 1e9, st.rl_burst);
	else
		print_text("Rate limit      : off");
	if (st.rl_interval_ns && st.rl_leak)
		print_text(", 1 in %u served anyway", 1U << st.rl_leak);
	if (st.rl_interval_ns && st.rl_prefix6 && st.rl_prefix6 != 128)
		print_text(", IPv6 per /%u", st.rl_prefix6);
	if (st.rl_interval_ns && st.rl_kod)
		print_text(", RATE kiss-o'-death");
	print_text("\n");
	if (st.aes[0]) {
		bool ni = !strcmp(st.aes, "aesni");

		print_string(PRINT_ANY, "aes", "AES             : %s", st.aes);
		print_text("%s\n", ni ? " (AES-NI, batched)" :
			   " (WARNING: table-based AES, slow and not constant time)");
	}
	if (st.have_budget) {
		print_u64(PRINT_JSON, "cookie_budget", NULL, st.cookie_budget);
		if (st.cookie_budget)
			print_text("Cookie budget   : %u extra per second per CPU\n",
				   st.cookie_budget);
		else
			print_text("Cookie budget   : off\n");
	}
	print_kntsd(&kd);
	if (st.have_time)
		print_time_status(&st);
	print_u64(PRINT_ANY, "ntp_packets_received",
		  "NTP received    : %llu\n", st.stats[KNTS_STAT_RX_PACKETS]);
	print_u64(PRINT_ANY, "authenticated_ntp_packets",
		  "NTS replies     : %llu\n", st.stats[KNTS_STAT_AUTH_REPLIES]);
	return print_end() ? 1 : 0;
}

/* kntsd's NTS-KE counters: chrony's names first, then knts's causes. */
static const struct knts_counter_name ke_names[] = {
	KNTS_KE_STATS(KNTS_COUNTER_NAME, KNTS_COUNTER_NAME, KNTS_COUNTER_NAME)
};

/* ---- serverstats -o prometheus -------------------------------------- */

#define KE_PROM_COUNT(f, label, key) { label, #key, 0 },
#define KE_PROM_TOTAL(f, label, key) { label, #key, 1 },
#define KE_PROM_CAUSE(f, label, key) { label, #key, 2 },
static const struct {
	const char *label, *key;
	int kind;		/* 0 a counter, 1 the total, 2 a cause */
} ke_prom[] = {
	KNTS_KE_STATS(KE_PROM_COUNT, KE_PROM_TOTAL, KE_PROM_CAUSE)
};

static void prom_family(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_counter(const char *key, const char *label, uint64_t v)
{
	printf("# HELP knts_%s_total %s\n# TYPE knts_%s_total counter\nknts_%s_total %llu\n",
	       key, label, key, key, (unsigned long long)v);
}

/*
 * Which family a module counter is printed in: 1 a cause of dropped
 * requests, 2 a cause of cookie failures, 0 a counter of its own, -1
 * none (the drops' total, the sum of family 1).
 */
static int stat_family(size_t i)
{
	const char *k = stat_names[i].key;

	if (i == KNTS_STAT_RX_DROPPED)
		return -1;
	if (!strncmp(k, "dropped_", 8))
		return 1;
	if (!strncmp(k, "cookie_", 7) && i != KNTS_STAT_COOKIES_ISSUED)
		return 2;
	return 0;
}

/* A family of causes: NAME{reason="KEY without PREFIX"} for each. */
static void prom_causes(const char *name, const char *help,
			const char *prefix, const char *const *keys,
			const uint64_t *values, size_t n)
{
	size_t i, plen = strlen(prefix);

	prom_family(name, "counter", help);
	for (i = 0; i < n; i++)
		printf("%s{reason=\"%s\"} %llu\n", name,
		       strncmp(keys[i], prefix, plen) ? keys[i] : keys[i] + plen,
		       (unsigned long long)values[i]);
}

/*
 * The Prometheus text format, for node_exporter's textfile collector: the
 * counters (causes of drops as a "reason" label), the state as gauges, and
 * knts_up, written as 0 (with no stale numbers) when nothing answers, so
 * that a scrape never reads an old file as current.  Always exits 0.
 */
static int serverstats_prometheus(const struct kntsd_info *kd,
				  const struct status *st, bool ntp_ok)
{
	bool userspace = kntsd_is(kd, "ntp_path", "userspace");
	bool module_up = !userspace && st->version[0];
	const char *keys[__KNTS_STAT_MAX + 16];
	uint64_t values[__KNTS_STAT_MAX + 16];
	const char *v;
	size_t i, n;

	prom_family("knts_up", "gauge",
		    "NTP is served: knts.ko answers, or kntsd when it serves NTP itself");
	printf("knts_up %d\n", ntp_ok ? 1 : 0);
	prom_family("knts_module_up", "gauge", "knts.ko answers on netlink");
	printf("knts_module_up %d\n", module_up ? 1 : 0);
	prom_family("knts_kntsd_up", "gauge", "kntsd answers on its control socket");
	printf("knts_kntsd_up %d\n", kd->ok ? 1 : 0);
	prom_family("knts_build_info", "gauge",
		    "Versions: kntsctl's, and knts.ko's and kntsd's when they answer");
	v = kntsd_get(kd, "version");
	printf("knts_build_info{version=\"%s\",module_version=\"%s\",kntsd_version=\"%s\"} 1\n",
	       KNTS_VERSION, module_up ? st->version : "", v ? v : "");

	if (ntp_ok) {
		static const struct {
			const char *name, *help, *prefix;
		} fam[] = {
			[1] = { "knts_ntp_packets_dropped_total",
				"NTP requests dropped, by cause", "dropped_" },
			[2] = { "knts_nts_cookie_failures_total",
				"NTS requests whose cookie did not open, by cause",
				"cookie_" },
		};
		int f;

		for (f = 1; f <= 2; f++) {
			for (n = 0, i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++) {
				if (stat_family(i) == f) {
					keys[n] = stat_names[i].key;
					values[n++] = st->stats[i];
				}
			}
			prom_causes(fam[f].name, fam[f].help, fam[f].prefix,
				    keys, values, n);
		}
		for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++)
			if (stat_family(i) == 0)
				prom_counter(stat_names[i].key,
					     stat_names[i].label, st->stats[i]);
	}
	if (module_up && st->have_time) {
		prom_family("knts_time_stale", "gauge",
			    "The clock state is stale or never set: replies announce leap 3");
		printf("knts_time_stale %d\n", st->stale ? 1 : 0);
		prom_family("knts_leap", "gauge", "The leap indicator replies announce");
		printf("knts_leap %u\n", st->stale ? 3 : st->leap);
		prom_family("knts_stratum", "gauge", "The stratum replies announce");
		printf("knts_stratum %u\n", st->stale ? 16 : st->stratum);
		if (st->have_age) {
			prom_family("knts_status_age_seconds", "gauge",
				    "Age of the clock state kntsd last pushed");
			printf("knts_status_age_seconds %.3f\n",
			       (double)st->age_ms / 1000.0);
		}
	}
	if (kd->ok) {
		for (n = 0, i = 0; i < sizeof(ke_prom) / sizeof(ke_prom[0]); i++) {
			if (ke_prom[i].kind == 2) {
				keys[n] = ke_prom[i].key;
				values[n++] = kd_u64(kd, ke_prom[i].key);
			}
		}
		prom_causes("knts_nts_ke_connections_dropped_total",
			    "NTS-KE connections refused or failed, by cause",
			    "nts_ke_dropped_", keys, values, n);
		for (i = 0; i < sizeof(ke_prom) / sizeof(ke_prom[0]); i++)
			if (!ke_prom[i].kind)
				prom_counter(ke_prom[i].key, ke_prom[i].label,
					     kd_u64(kd, ke_prom[i].key));
		if ((v = kntsd_get(kd, "key_age"))) {
			prom_family("knts_key_age_seconds", "gauge",
				    "Age of the newest master key");
			printf("knts_key_age_seconds %s\n", v);
		}
		v = kntsd_get(kd, "next_rotation");
		if (v && v[0] != '-') {
			prom_family("knts_next_rotation_seconds", "gauge",
				    "Seconds until the master keys rotate");
			printf("knts_next_rotation_seconds %s\n", v);
		}
		v = kntsd_get(kd, "cert_not_after");
		if (v && strcmp(v, "0")) {
			prom_family("knts_certificate_expiry_timestamp_seconds",
				    "gauge",
				    "When the first of kntsd's certificates expires, Unix time");
			printf("knts_certificate_expiry_timestamp_seconds %s\n", v);
		}
	}
	fflush(stdout);
	return 0;
}

int do_serverstats(struct ctl *c, int argc, char **argv)
{
	struct kntsd_info kd;
	struct status st;
	const char *v;
	size_t i;
	int ret;
	bool prom = false, ret_ok = true;

	if (argc == 2 && !strcmp(argv[0], "-o") &&
	    (!strcmp(argv[1], "prometheus") || !strcmp(argv[1], "text") ||
	     !strcmp(argv[1], "json"))) {
		prom = !strcmp(argv[1], "prometheus");
		c->json = c->json || !strcmp(argv[1], "json");
	} else if (argc > 0) {
		return ctl_usage_error("serverstats [-o text|json|prometheus], not \"%s\"",
				       argv[0]);
	}
	/*
	 * When kntsd serves NTP itself, its counters are the NTP ones (and
	 * the module, which cannot bind the port, is not asked).
	 */
	kntsd_query(c->control, &kd);
	memset(&st, 0, sizeof(st));
	if (kntsd_is(&kd, "ntp_path", "userspace")) {
		for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++)
			st.stats[i] = kd_u64(&kd, stat_names[i].key);
		ret_ok = kd.ok;
	} else if (prom) {
		/* Unreachable is a value here (knts_up 0), not an error. */
		struct knts_nl *nl = knts_nl_open();

		ret_ok = nl && !knts_nl_request(nl, KNTS_CMD_GET_STATUS, NULL,
						 parse_status, &st);
		knts_nl_close(nl);
	} else {
		ret = get_status(c, &st);
		if (ret)
			return ret;
	}
	/*
	 * knts.ko serves: what it leaves on kntsd's sockets (other modes,
	 * garbage) kntsd counts by cause.  The module counted those
	 * packets as received and passed up already.
	 */
	if (kd.ok && !kntsd_is(&kd, "ntp_path", "userspace"))
		for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++)
			if (i != KNTS_STAT_RX_PACKETS &&
			    i != KNTS_STAT_PASSED_UP)
				st.stats[i] += kd_u64(&kd, stat_names[i].key);

	if (prom)
		return serverstats_prometheus(&kd, &st, ret_ok);
	print_begin(stdout, c->json);
	for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++) {
		if (!print_is_json())
			printf("%-30s: ", stat_names[i].label);
		print_u64(PRINT_ANY, stat_names[i].key, "%llu\n",
			  st.stats[i]);
	}
	for (i = 0; kd.ok && i < sizeof(ke_names) / sizeof(ke_names[0]); i++) {
		v = kntsd_get(&kd, ke_names[i].key);
		if (!print_is_json())
			printf("%-30s: ", ke_names[i].label);
		print_u64(PRINT_ANY, ke_names[i].key, "%llu\n",
			  v ? strtoull(v, NULL, 10) : 0);
	}
	return print_end() ? 1 : 0;
}
