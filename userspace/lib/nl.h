/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The knts generic netlink family from userspace: one small libnl wrapper.
 */
#ifndef KNTS_NL_H
#define KNTS_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

struct knts_nl;

/* Fills a request; returns 0 or a negative errno. */
typedef int (*knts_nl_build_t)(struct nl_msg *msg, void *arg);
/*
 * Parses one reply: tb holds the last attribute of each type, head/len the
 * whole attribute stream (for repeated attributes).  Returns 0 or a
 * negative errno.
 */
typedef int (*knts_nl_parse_t)(struct nlattr **tb, struct nlattr *head,
			       int len, void *arg);

struct knts_nl *knts_nl_open(void);
void knts_nl_close(struct knts_nl *nl);
int knts_nl_request(struct knts_nl *nl, int cmd, knts_nl_build_t build,
		    knts_nl_parse_t parse, void *arg);
const char *knts_nl_extack(const struct knts_nl *nl);

/* Master keys over the family: what key-get says, and a key-set message. */
#define KNTS_NL_MAX_KEYS 4
struct knts_nl_key {
	uint32_t id;
	uint16_t aead;
	uint8_t slot;
	uint64_t age_ms, opens, fails;
	bool current;
};

struct knts_nl_keys {
	struct knts_nl_key k[KNTS_NL_MAX_KEYS];
	unsigned int n;
	bool has_current;
	uint32_t current_id;
};

struct ntskeys;
int knts_nl_parse_keys(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg);
int knts_nl_build_keys(struct nl_msg *msg, void *arg);

/*
 * A time-set message: the clock's state the module announces, trusted for
 * stale_after seconds.  Without has_leap or has_precision the module keeps
 * its defaults for them (leap 0, its own clock's precision).
 */
struct knts_nl_time {
	uint8_t leap, stratum;
	int8_t precision;
	bool has_leap, has_precision;
	uint32_t root_delay, root_disp, refid;	/* NTP short formats, value */
	uint64_t ref_time;			/* NTP timestamp */
	uint32_t stale_after;
};

int knts_nl_build_time(struct nl_msg *msg, void *arg);

/* The sockets the module serves in the caller's network namespace. */
#define KNTS_NL_MAX_SOCKS 64
struct knts_nl_sock {
	uint32_t id;
	uint16_t family, port;
	uint32_t ifindex;
	uint8_t addr[16];
};

struct knts_nl_socks {
	struct knts_nl_sock s[KNTS_NL_MAX_SOCKS];
	unsigned int n;
};

int knts_nl_socket_add(struct knts_nl *nl, int fd, struct knts_nl_sock *out);
int knts_nl_socket_del(struct knts_nl *nl, uint32_t id);
int knts_nl_socket_list(struct knts_nl *nl, struct knts_nl_socks *out);
int knts_nl_parse_sock(struct nlattr *a, struct knts_nl_sock *out);
/* "192.0.2.1:123", "[::]:123", with "%ifname" when bound to a device. */
const char *knts_nl_sock_str(const struct knts_nl_sock *s, char *buf,
			     size_t size);

/*
 * Notifications: joins the family's "events" group (needs CAP_NET_ADMIN
 * in the namespace); knts_nl_fd() is then readable when one is waiting,
 * and knts_nl_events() hands each waiting one to @cb with the same
 * arguments as a knts_nl_parse_t (0: go on; the callback's error stops).
 * knts_nl_events() returns 0, -EAGAIN when nothing is waiting (for
 * non-blocking use, after knts_nl_nonblock()), or a negative errno.
 */
/* A config-set request: only what has_* says is sent. */
struct knts_nl_tunables {
	bool has_require_nts, has_rate, has_interval, has_burst, has_leak,
	     has_prefix6, has_kod, has_budget;
	bool require_nts, kod;
	uint32_t rate, burst, budget;
	uint64_t interval_ns;
	uint8_t leak, prefix6;
};

int knts_nl_build_tunables(struct nl_msg *msg, void *arg);

/* Access rules (core/access.h), longest first; n = 0: none, serve all. */
struct knts_access_rule;
int knts_nl_access_set(struct knts_nl *nl, const struct knts_access_rule *r,
		       unsigned int n);

int knts_nl_subscribe(struct knts_nl *nl);
int knts_nl_fd(const struct knts_nl *nl);
int knts_nl_nonblock(struct knts_nl *nl);
int knts_nl_events(struct knts_nl *nl, knts_nl_parse_t cb, void *arg);

#endif /* KNTS_NL_H */
