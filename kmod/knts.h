/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the server instance shared by the packet path and netlink.
 */
#ifndef _KNTS_KNTS_H
#define _KNTS_KNTS_H

#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/types.h>

#include "keys.h"
#include "ratelimit.h"
#include "siv_kernel.h"

struct knts_pcpu_stats;
struct knts_time_status;
struct knts_access;
struct net;

/**
 * struct knts_pcpu - one CPU's working state for the packet path
 * @siv: AES-SIV instance re-keyed per request (C2S, then S2C) of an AEAD 15
 *	session
 * @kgk: the same for an AEAD 30 session
 * @mek: AES-128-GCM-SIV's message key, for AEAD 30 sessions and master keys
 * @req: a copy of the request when it cannot be served where it lies in
 *	the skb (non-linear or shared; %KNTS_NTP_MAX_LEN bytes)
 * @keys: the session's C2S || S2C, opened from its cookie
 *
 * @req is kmalloc'ed; the rest lives in the per-CPU area.
 */
struct knts_pcpu {
	struct knts_siv siv;
	struct knts_aes128 kgk;
	struct knts_aes128 mek;
	u8 *req;
	u8 keys[KNTS_COOKIE_KEYS_LEN];
};

/**
 * struct knts_config - tunables, read locklessly by the packet path
 * @require_nts: drop unauthenticated requests
 * @rl_interval_ns: the spacing allowed on average between a source's
 *	requests, 0 = no rate limiting
 * @rl_burst: per-source burst
 * @rl_leak: chrony's leak: one limited request in 2^@rl_leak is served
 *	anyway (0: none; a spoofed flood cannot silence its victim)
 * @rl_prefix6: IPv6 sources share a bucket per prefix of this length
 * @rl_kod: answer limited requests with a RATE kiss-o'-death
 * @cookie_budget: extra cookies per second per CPU, 0 = no budget
 */
struct knts_config {
	bool require_nts;
	u64 rl_interval_ns;
	u32 rl_burst;
	u8 rl_leak;
	u8 rl_prefix6;
	bool rl_kod;
	u32 cookie_budget;
};

/**
 * struct knts_server - the NTS server of one network namespace
 * @lock: serialises configuration changes (netlink, the reaper); never
 *	taken on the packet path, which reads under RCU
 * @net: the namespace; the server lives and dies with it
 * @stats: per-CPU counters
 * @time: time status announced in replies, replaced under @lock
 * @keys: master keys, replaced under @lock
 * @rl: per-source rate limiter; its table is allocated when rate limiting
 *	is first enabled
 * @cfg: tunables, written under @lock with WRITE_ONCE()
 * @access: access rules (chrony's allow and deny), NULL: serve every
 *	source; replaced under @lock
 * @socks: the sockets served (&struct knts_sock), under @lock
 * @nsocks: how many
 * @next_sock_id: the id the next socket gets
 * @reaper: releases the sockets of a namespace nothing else holds
 * @served: a socket was served at some point (the namespace's exit is
 *	announced)
 * @load_time_ns: CLOCK_REALTIME when the server was set up
 */
struct knts_server {
	struct mutex lock; /* see @lock above */
	struct net *net;
	struct knts_pcpu_stats __percpu *stats;
	struct knts_time_status __rcu *time;
	struct knts_keys keys;
	struct knts_ratelimit rl;
	struct knts_config cfg;
	struct knts_access __rcu *access;
	struct list_head socks;
	unsigned int nsocks;
	u32 next_sock_id;
	struct delayed_work reaper;
	bool served;
	u64 load_time_ns;
};

struct knts_server *knts_server(const struct net *net);
void knts_config_get(struct knts_server *srv, struct knts_config *cfg);
int knts_config_set(struct knts_server *srv, const struct knts_config *cfg);
unsigned int knts_instances(void);

#endif /* _KNTS_KNTS_H */
