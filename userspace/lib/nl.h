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

#endif /* KNTS_NL_H */
