// SPDX-License-Identifier: GPL-2.0
/*
 * knts: generic netlink family "knts" (Documentation/netlink/specs/knts.yaml).
 *
 * The only place that changes a server's configuration; every change is
 * made under the server's lock and published with RCU to the packet path.
 * The family is per network namespace: a command acts on the server of the
 * namespace its netlink socket lives in, and changes need CAP_NET_ADMIN in
 * the user namespace owning that network namespace (GENL_UNS_ADMIN_PERM),
 * so that a container's root administers its own server and no other.
 * Changes are announced on the "events" multicast group of the same
 * namespace.
 */

#include <linux/file.h>
#include <linux/ktime.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/knts.h>

#include "access.h"
#include "aes.h"
#include "keys.h"
#include "knts.h"
#include "netlink.h"
#include "socket.h"
#include "stats.h"
#include "timestatus.h"
#include "core/version.h"

/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a plain pointer. */
static struct netlink_range_validation knts_stale_range = {
	.min = 1,
	.max = KNTS_STALE_MAX_S,
};

static const struct nla_policy knts_time_policy[KNTS_TIME_A_MAX + 1] = {
	[KNTS_TIME_A_LEAP] = NLA_POLICY_MAX(NLA_U8, 3),
	[KNTS_TIME_A_STRATUM] = NLA_POLICY_RANGE(NLA_U8, 1, 15),
	[KNTS_TIME_A_PRECISION] = NLA_POLICY_RANGE(NLA_S32, -32, 0),
	[KNTS_TIME_A_ROOT_DELAY] = { .type = NLA_U32 },
	[KNTS_TIME_A_ROOT_DISP] = { .type = NLA_U32 },
	[KNTS_TIME_A_REFID] = { .type = NLA_U32 },
	[KNTS_TIME_A_REF_TIME] = { .type = NLA_U64 },
	[KNTS_TIME_A_STALE_AFTER] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &knts_stale_range),
};

/*
 * Checked by the key-set handler itself, once every secret has been
 * copied out and wiped: the secret's length is checked against the key's
 * AEAD there, not here, so that no request carrying key bytes is refused
 * before its bytes are wiped.
 */
static const struct nla_policy knts_key_policy[KNTS_KEY_A_MAX + 1] = {
	[KNTS_KEY_A_ID] = { .type = NLA_U32 },
	[KNTS_KEY_A_AEAD] = { .type = NLA_U16 },
	[KNTS_KEY_A_SECRET] = { .type = NLA_BINARY },
};

static const struct nla_policy knts_key_set_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_KEY] = NLA_POLICY_NESTED(knts_key_policy),
	[KNTS_A_KEY_CURRENT] = { .type = NLA_U32 },
};

/* Every other command: none of them accepts a key. */
static const struct nla_policy knts_time_set_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_TIME] = NLA_POLICY_NESTED(knts_time_policy),
};

static const struct nla_policy knts_key_del_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_KEY_ID] = { .type = NLA_U32 },
};

static const struct nla_policy knts_sock_fd_policy[KNTS_SOCK_A_MAX + 1] = {
	[KNTS_SOCK_A_FD] = { .type = NLA_U32 },
};

static const struct nla_policy knts_sock_id_policy[KNTS_SOCK_A_MAX + 1] = {
	[KNTS_SOCK_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy knts_socket_add_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_SOCKET] = NLA_POLICY_NESTED(knts_sock_fd_policy),
};

static const struct nla_policy knts_socket_del_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_SOCKET] = NLA_POLICY_NESTED(knts_sock_id_policy),
	[KNTS_A_ALL] = { .type = NLA_FLAG },
};

/* A socket-get reply: every socket a namespace may have. */
#define KNTS_SOCKETS_MSG_SIZE	(KNTS_MAX_SOCKS * 64 + 128)

/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a plain pointer. */
static struct netlink_range_validation knts_rate_range = {
	.min = 0,
	.max = NSEC_PER_SEC,	/* an interval of 1 ns */
};

/* (NLA_POLICY_RANGE() holds s16 bounds.) */
static struct netlink_range_validation knts_burst_range = {
	.min = 1,
	.max = KNTS_RL_BURST_MAX,
};

static struct netlink_range_validation knts_interval_range = {
	.min = 0,
	.max = 4096ULL * NSEC_PER_SEC,	/* chrony's interval 12 */
};

static const struct nla_policy knts_config_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_REQUIRE_NTS] = NLA_POLICY_MAX(NLA_U8, 1),
	[KNTS_A_RATELIMIT_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &knts_rate_range),
	[KNTS_A_RATELIMIT_INTERVAL_NS] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &knts_interval_range),
	[KNTS_A_RATELIMIT_LEAK] = NLA_POLICY_MAX(NLA_U8, 4),
	[KNTS_A_RATELIMIT_PREFIX6] = NLA_POLICY_RANGE(NLA_U8, 32, 128),
	/* Bounded: interval * burst stays far from overflowing. */
	[KNTS_A_RATELIMIT_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &knts_burst_range),
	[KNTS_A_RATELIMIT_KOD] = NLA_POLICY_MAX(NLA_U8, 1),
	[KNTS_A_COOKIE_BUDGET] = { .type = NLA_U32 },
};

static const struct nla_policy knts_access_rule_policy[KNTS_ACCESS_A_MAX + 1] = {
	[KNTS_ACCESS_A_FAMILY] = { .type = NLA_U16 },
	[KNTS_ACCESS_A_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[KNTS_ACCESS_A_BITS] = NLA_POLICY_MAX(NLA_U8, 128),
	[KNTS_ACCESS_A_ALLOW] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy knts_access_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_ACCESS] = NLA_POLICY_NESTED(knts_access_rule_policy),
	[KNTS_A_ALL] = { .type = NLA_FLAG },
};

/* Commands that read nothing. */
static const struct nla_policy knts_empty_policy[KNTS_A_MAX + 1] = {};

static struct genl_family knts_genl_family;

/*
 * Cleared before the family goes, under knts_genl_exit_lock, so that no
 * namespace's exit announces itself while the family is unregistered
 * (handlers' own notifications are waited for by the unregistration).
 */
static bool knts_genl_live;
static DEFINE_MUTEX(knts_genl_exit_lock);

static int knts_put_stats(struct sk_buff *skb, struct knts_server *srv)
{
	u64 sum[__KNTS_STAT_MAX];
	struct nlattr *nest;
	int i;

	knts_stats_sum(srv, sum);
	nest = nla_nest_start(skb, KNTS_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = KNTS_STAT_PAD + 1; i < __KNTS_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i, sum[i], KNTS_STAT_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int knts_put_time(struct sk_buff *skb, struct knts_server *srv)
{
	struct knts_time_params p;
	struct nlattr *nest;
	u64 age_ns = 0;
	bool fresh, set;

	set = rcu_access_pointer(srv->time);
	fresh = knts_time_get(srv, ktime_get_boottime_ns(), &p, &age_ns);

	nest = nla_nest_start(skb, KNTS_A_TIME);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, KNTS_TIME_A_LEAP, p.leap) ||
	    nla_put_u8(skb, KNTS_TIME_A_STRATUM, p.stratum) ||
	    nla_put_s32(skb, KNTS_TIME_A_PRECISION, p.precision) ||
	    nla_put_u32(skb, KNTS_TIME_A_ROOT_DELAY, p.root_delay) ||
	    nla_put_u32(skb, KNTS_TIME_A_ROOT_DISP, p.root_disp) ||
	    nla_put_u32(skb, KNTS_TIME_A_REFID, p.refid) ||
	    nla_put_u64_64bit(skb, KNTS_TIME_A_REF_TIME, p.ref_time,
			      KNTS_TIME_A_PAD) ||
	    (set && nla_put_u64_64bit(skb, KNTS_TIME_A_AGE_MS,
				      div_u64(age_ns, NSEC_PER_MSEC),
				      KNTS_TIME_A_PAD)) ||
	    (!fresh && nla_put_flag(skb, KNTS_TIME_A_STALE)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int knts_put_tunables(struct sk_buff *skb, struct knts_server *srv)
{
	struct knts_config cfg;
	u32 rate = 0;

	knts_config_get(srv, &cfg);
	/* Requests per second, when the interval is what a rate gives. */
	if (cfg.rl_interval_ns && cfg.rl_interval_ns <= NSEC_PER_SEC) {
		rate = DIV_ROUND_CLOSEST_ULL(NSEC_PER_SEC, cfg.rl_interval_ns);
		if (div_u64(NSEC_PER_SEC, rate) != cfg.rl_interval_ns)
			rate = 0;
	}
	if (nla_put_u8(skb, KNTS_A_REQUIRE_NTS, cfg.require_nts) ||
	    nla_put_u32(skb, KNTS_A_RATELIMIT_RATE, rate) ||
	    nla_put_u64_64bit(skb, KNTS_A_RATELIMIT_INTERVAL_NS,
			      cfg.rl_interval_ns, KNTS_A_PAD) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_LEAK, cfg.rl_leak) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_PREFIX6, cfg.rl_prefix6) ||
	    nla_put_u32(skb, KNTS_A_RATELIMIT_BURST, cfg.rl_burst) ||
	    nla_put_u8(skb, KNTS_A_RATELIMIT_KOD, cfg.rl_kod) ||
	    nla_put_u32(skb, KNTS_A_COOKIE_BUDGET, cfg.cookie_budget))
		return -EMSGSIZE;
	return 0;
}

static int knts_put_config(struct sk_buff *skb, struct knts_server *srv)
{
	bool v4 = false, v6 = false;
	struct knts_sock *ks;

	mutex_lock(&srv->lock);
	list_for_each_entry(ks, &srv->socks, node) {
		v4 |= ks->sock->sk->sk_family == AF_INET;
		v6 |= ks->sock->sk->sk_family == AF_INET6;
	}
	mutex_unlock(&srv->lock);
	if ((v4 && nla_put_flag(skb, KNTS_A_LISTEN_IPV4)) ||
	    (v6 && nla_put_flag(skb, KNTS_A_LISTEN_IPV6)) ||
	    nla_put_u64_64bit(skb, KNTS_A_NETNS_COOKIE, srv->net->net_cookie,
			      KNTS_A_PAD) ||
	    (net_eq(srv->net, &init_net) &&
	     nla_put_u32(skb, KNTS_A_INSTANCES, knts_instances())) ||
	    nla_put_string(skb, KNTS_A_AES,
			   knts_aes_impl_name(knts_aes_impl())) ||
	    (rcu_access_pointer(srv->access) &&
	     nla_put_u32(skb, KNTS_A_ACCESS_RULES, knts_access_count(srv))))
		return -EMSGSIZE;
	return knts_put_tunables(skb, srv);
}

static int knts_put_sock(struct sk_buff *skb, const struct knts_sock_info *si)
{
	struct nlattr *nest = nla_nest_start(skb, KNTS_A_SOCKET);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KNTS_SOCK_A_ID, si->id) ||
	    nla_put_u16(skb, KNTS_SOCK_A_FAMILY, si->family) ||
	    nla_put(skb, KNTS_SOCK_A_ADDR, si->family == AF_INET6 ? 16 : 4,
		    si->addr) ||
	    nla_put_u16(skb, KNTS_SOCK_A_PORT, si->port) ||
	    nla_put_u32(skb, KNTS_SOCK_A_IFINDEX, si->ifindex)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Announces a change on the namespace's "events" group.  @fill adds the
 * event's attributes; best effort (a listener that misses one re-reads).
 */
static void knts_notify(struct net *net, u8 event,
			int (*fill)(struct sk_buff *, const void *),
			const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(knts_genl_live) ||
	    !genl_has_listeners(&knts_genl_family, net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &knts_genl_family, 0, KNTS_CMD_EVENT);
	if (!hdr || nla_put_u8(msg, KNTS_A_EVENT, event) ||
	    (fill && fill(msg, arg))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&knts_genl_family, net, msg, 0, 0, GFP_KERNEL);
}

static int knts_fill_sock(struct sk_buff *msg, const void *arg)
{
	return knts_put_sock(msg, arg);
}

static int knts_fill_tunables(struct sk_buff *msg, const void *arg)
{
	return knts_put_tunables(msg, (struct knts_server *)arg);
}

static int knts_fill_time(struct sk_buff *msg, const void *arg)
{
	return knts_put_time(msg, (struct knts_server *)arg);
}

static int knts_fill_keys(struct sk_buff *msg, const void *arg)
{
	struct knts_server *srv = (struct knts_server *)arg;
	struct knts_key *cur;
	int err = 0;

	rcu_read_lock();
	cur = rcu_dereference(srv->keys.current_key);
	if (cur)
		err = nla_put_u32(msg, KNTS_A_KEY_CURRENT, cur->id);
	rcu_read_unlock();
	return err;
}

static int knts_fill_cookie(struct sk_buff *msg, const void *arg)
{
	return nla_put_u64_64bit(msg, KNTS_A_NETNS_COOKIE, *(const u64 *)arg,
				 KNTS_A_PAD);
}

/**
 * knts_nl_get_status_doit() - handle %KNTS_CMD_GET_STATUS
 * @skb: request
 * @info: request attributes (none are read)
 *
 * Replies with the module version, when the namespace's server was set
 * up, its counters, the time status currently announced and its
 * configuration.
 *
 * Return: 0 or a negative errno.
 */
static int knts_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_GET_STATUS);
	if (!hdr)
		goto err_free;

	if (nla_put_string(msg, KNTS_A_VERSION, KNTS_VERSION) ||
	    nla_put_u64_64bit(msg, KNTS_A_LOAD_TIME, srv->load_time_ns,
			      KNTS_A_PAD))
		goto err_free;
	err = knts_put_stats(msg, srv);
	if (err)
		goto err_free;
	err = knts_put_time(msg, srv);
	if (err)
		goto err_free;
	err = knts_put_config(msg, srv);
	if (err)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/**
 * knts_nl_time_set_doit() - handle %KNTS_CMD_TIME_SET
 * @skb: request
 * @info: request attributes: %KNTS_A_TIME with at least the stratum and the
 *	staleness limit
 *
 * Replaces the announced time status.  Attributes left out take their
 * "nothing known" value: leap 0, zero delay, dispersion, refid and
 * reference time, the default precision.
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int knts_nl_time_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KNTS_TIME_A_MAX + 1];
	struct knts_time_params p = {
		.precision = KNTS_PRECISION_DEFAULT,
	};
	struct knts_time_params old;
	struct knts_server *srv;
	bool fresh;
	u64 now;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_TIME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing time status");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KNTS_TIME_A_MAX, info->attrs[KNTS_A_TIME],
			       knts_time_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KNTS_A_TIME], tb,
			      KNTS_TIME_A_STRATUM)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing stratum");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KNTS_A_TIME], tb,
			      KNTS_TIME_A_STALE_AFTER)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing stale-after limit");
		return -EINVAL;
	}

	p.stratum = nla_get_u8(tb[KNTS_TIME_A_STRATUM]);
	if (tb[KNTS_TIME_A_LEAP])
		p.leap = nla_get_u8(tb[KNTS_TIME_A_LEAP]);
	if (tb[KNTS_TIME_A_PRECISION])
		p.precision = nla_get_s32(tb[KNTS_TIME_A_PRECISION]);
	if (tb[KNTS_TIME_A_ROOT_DELAY])
		p.root_delay = nla_get_u32(tb[KNTS_TIME_A_ROOT_DELAY]);
	if (tb[KNTS_TIME_A_ROOT_DISP])
		p.root_disp = nla_get_u32(tb[KNTS_TIME_A_ROOT_DISP]);
	if (tb[KNTS_TIME_A_REFID])
		p.refid = nla_get_u32(tb[KNTS_TIME_A_REFID]);
	if (tb[KNTS_TIME_A_REF_TIME])
		p.ref_time = nla_get_u64(tb[KNTS_TIME_A_REF_TIME]);

	srv = knts_server(genl_info_net(info));
	now = ktime_get_boottime_ns();
	fresh = knts_time_get(srv, now, &old, NULL);
	err = knts_time_set(srv, &p, nla_get_u32(tb[KNTS_TIME_A_STALE_AFTER]),
			    now);
	if (!err && (!fresh || old.leap != p.leap ||
		     old.stratum != p.stratum || old.refid != p.refid))
		knts_notify(srv->net, KNTS_EVENT_TIME, knts_fill_time, srv);
	return err;
}

/**
 * struct knts_nl_secret - a key's bytes, copied out of a request
 * @b: the bytes (as many as fit)
 * @len: the attribute's length, checked against the key's AEAD later
 */
struct knts_nl_secret {
	u8 b[KNTS_AEAD_MAX_KEY_LEN];
	unsigned int len;
};

/*
 * Copies the secret of each of the first KNTS_KEY_SLOTS keys of the
 * request out, and wipes every secret in the request, before anything
 * else looks at it: whatever is wrong with the request, its key bytes are
 * gone from it (and from any ack that would echo it).
 */
static void knts_nl_take_secrets(struct genl_info *info,
				 struct knts_nl_secret *sec)
{
	struct nlattr *attr, *inner;
	unsigned int i = 0;
	int rem, rem2;

	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(attr) != KNTS_A_KEY)
			continue;
		nla_for_each_nested(inner, attr, rem2) {
			if (nla_type(inner) != KNTS_KEY_A_SECRET)
				continue;
			if (i < KNTS_KEY_SLOTS) {
				sec[i].len = nla_len(inner);
				memcpy(sec[i].b, nla_data(inner),
				       min_t(unsigned int, sec[i].len,
					     sizeof(sec[i].b)));
			}
			memzero_explicit(nla_data(inner), nla_len(inner));
		}
		i++;
	}
}

static struct knts_key *knts_nl_key_parse(struct nlattr *attr,
					  const struct knts_nl_secret *sec,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KNTS_KEY_A_MAX + 1];
	struct knts_key *key;
	u16 aead = KNTS_AEAD_AES_SIV_CMAC_256;
	int err;

	err = nla_parse_nested(tb, KNTS_KEY_A_MAX, attr, knts_key_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_KEY_A_ID) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_KEY_A_SECRET)) {
		NL_SET_ERR_MSG_MOD(extack, "a key needs an id and a secret");
		return ERR_PTR(-EINVAL);
	}
	if (tb[KNTS_KEY_A_AEAD])
		aead = nla_get_u16(tb[KNTS_KEY_A_AEAD]);
	if (!knts_aead_key_len(aead)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_KEY_A_AEAD],
				    "master keys are AEAD 15 (AES-SIV-CMAC-256) or 30 (AES-128-GCM-SIV)");
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (sec->len != knts_aead_key_len(aead)) {
		if (aead == KNTS_AEAD_AES_SIV_CMAC_256)
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_KEY_A_SECRET],
					    "an AEAD 15 key has 32 bytes");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_KEY_A_SECRET],
					    "an AEAD 30 key has 16 bytes");
		return ERR_PTR(-EINVAL);
	}
	key = knts_key_create(nla_get_u32(tb[KNTS_KEY_A_ID]), aead, sec->b,
			      sec->len);
	if (IS_ERR(key))
		NL_SET_ERR_MSG_MOD(extack, "cannot set up the key's cipher");
	return key;
}

/**
 * knts_nl_key_set_doit() - handle %KNTS_CMD_KEY_SET
 * @skb: request
 * @info: up to four %KNTS_A_KEY, each for a different slot (id % 4), and
 *	optionally %KNTS_A_KEY_CURRENT
 *
 * The operation has no policy of its own, so that the core hands every
 * request over unparsed: the secrets are copied out and wiped first, on
 * every path, and only then is the request validated
 * (knts_key_set_policy).  All or nothing: every key is built before any
 * is installed.
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int knts_nl_key_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct knts_nl_secret sec[KNTS_KEY_SLOTS] = {};
	struct knts_key *keys[KNTS_KEY_SLOTS] = {};
	struct nlattr *tb[KNTS_A_MAX + 1];
	u32 current_id = 0, slots = 0;
	struct nlattr *attr;
	unsigned int i, n = 0;
	bool set_current;
	int rem, err;

	knts_nl_take_secrets(info, sec);
	err = nla_parse(tb, KNTS_A_MAX, genlmsg_data(info->genlhdr),
			genlmsg_len(info->genlhdr), knts_key_set_policy,
			info->extack);
	if (err)
		goto out;
	set_current = tb[KNTS_A_KEY_CURRENT];
	if (set_current)
		current_id = nla_get_u32(tb[KNTS_A_KEY_CURRENT]);
	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		struct knts_key *key;

		if (nla_type(attr) != KNTS_A_KEY)
			continue;
		if (n == KNTS_KEY_SLOTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "at most 4 keys at once");
			err = -EINVAL;
			goto out;
		}
		key = knts_nl_key_parse(attr, &sec[n], info->extack);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			goto out;
		}
		keys[n++] = key;
		if (slots & BIT(key->id % KNTS_KEY_SLOTS)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "two keys for one slot (id % 4)");
			err = -EINVAL;
			goto out;
		}
		slots |= BIT(key->id % KNTS_KEY_SLOTS);
	}
	if (!n && !set_current) {
		NL_SET_ERR_MSG_MOD(info->extack, "no key and no current key");
		err = -EINVAL;
		goto out;
	}
	err = knts_keys_install(srv, keys, n, set_current, current_id);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the current key is not in the table");
		goto out;
	}
	n = 0;	/* the table owns them now */
	knts_notify(srv->net, KNTS_EVENT_KEYS, knts_fill_keys, srv);
out:
	for (i = 0; i < n; i++)
		knts_key_destroy(keys[i]);
	memzero_explicit(sec, sizeof(sec));
	return err;
}

/**
 * knts_nl_key_del_doit() - handle %KNTS_CMD_KEY_DEL
 * @skb: request
 * @info: %KNTS_A_KEY_ID
 *
 * Return: 0, -ENOENT when no key has that id, or another negative errno.
 */
static int knts_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_KEY_ID)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing key id");
		return -EINVAL;
	}
	srv = knts_server(genl_info_net(info));
	err = knts_keys_delete(srv, nla_get_u32(info->attrs[KNTS_A_KEY_ID]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KNTS_A_KEY_ID],
				    "no key with this id");
	else
		knts_notify(srv->net, KNTS_EVENT_KEYS, knts_fill_keys, srv);
	return err;
}

static int knts_put_key(struct sk_buff *msg, struct knts_key *key,
			unsigned int slot, bool is_current, u64 now)
{
	struct nlattr *nest;
	u64 opens, fails;

	knts_key_stats_sum(key, &opens, &fails);
	nest = nla_nest_start(msg, KNTS_A_KEY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, KNTS_KEY_A_ID, key->id) ||
	    nla_put_u16(msg, KNTS_KEY_A_AEAD, key->aead) ||
	    nla_put_u8(msg, KNTS_KEY_A_SLOT, slot) ||
	    nla_put_u64_64bit(msg, KNTS_KEY_A_AGE_MS,
			      div_u64(now - key->added_ns, NSEC_PER_MSEC),
			      KNTS_KEY_A_PAD) ||
	    (is_current && nla_put_flag(msg, KNTS_KEY_A_CURRENT)) ||
	    nla_put_u64_64bit(msg, KNTS_KEY_A_OPENS, opens, KNTS_KEY_A_PAD) ||
	    nla_put_u64_64bit(msg, KNTS_KEY_A_FAILS, fails, KNTS_KEY_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * knts_nl_key_get_doit() - handle %KNTS_CMD_KEY_GET
 * @skb: request
 * @info: no attributes
 *
 * Replies with one %KNTS_A_KEY per loaded key (id, slot, AEAD, age,
 * whether current, use counters) and %KNTS_A_KEY_CURRENT; never key bytes.
 *
 * Return: 0 or a negative errno.
 */
static int knts_nl_key_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	u64 now = ktime_get_boottime_ns();
	struct knts_key *key, *cur;
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_KEY_GET);
	if (!hdr)
		goto err_free;

	mutex_lock(&srv->lock);
	cur = rcu_dereference_protected(srv->keys.current_key,
					lockdep_is_held(&srv->lock));
	for (i = 0; i < KNTS_KEY_SLOTS; i++) {
		key = rcu_dereference_protected(srv->keys.slot[i],
						lockdep_is_held(&srv->lock));
		if (key && knts_put_key(msg, key, i, key == cur, now))
			goto err_unlock;
	}
	if (cur && nla_put_u32(msg, KNTS_A_KEY_CURRENT, cur->id))
		goto err_unlock;
	mutex_unlock(&srv->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&srv->lock);
err_free:
	nlmsg_free(msg);
	return err;
}

/**
 * knts_nl_socket_add_doit() - handle %KNTS_CMD_SOCKET_ADD
 * @skb: request
 * @info: %KNTS_A_SOCKET with %KNTS_SOCK_A_FD
 *
 * Takes a reference to the socket behind the caller's descriptor and
 * serves on it; replies with its description (its id, for the socket-del
 * command).
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int knts_nl_socket_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct nlattr *tb[KNTS_SOCK_A_MAX + 1];
	struct knts_sock_info si;
	struct socket *sock;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_SOCKET))
		return -EINVAL;
	err = nla_parse_nested(tb, KNTS_SOCK_A_MAX, info->attrs[KNTS_A_SOCKET],
			       knts_sock_fd_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KNTS_A_SOCKET], tb,
			      KNTS_SOCK_A_FD))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	sock = sockfd_lookup(nla_get_u32(tb[KNTS_SOCK_A_FD]), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNTS_SOCK_A_FD],
				    "not a socket descriptor of the caller");
		goto err_free;
	}
	err = knts_sock_attach(srv, sock, &si, info->extack);
	if (err) {
		sockfd_put(sock);
		goto err_free;
	}
	knts_notify(srv->net, KNTS_EVENT_SOCKET_ADD, knts_fill_sock, &si);

	/* The socket is served; a reply that does not fit changes nothing. */
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_SOCKET_ADD);
	if (!hdr || knts_put_sock(msg, &si)) {
		err = -EMSGSIZE;
		goto err_free;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/**
 * knts_nl_socket_del_doit() - handle %KNTS_CMD_SOCKET_DEL
 * @skb: request
 * @info: %KNTS_A_SOCKET with %KNTS_SOCK_A_ID, or %KNTS_A_ALL
 *
 * Return: 0, -ENOENT when no socket has that id, or another negative
 * errno.
 */
static int knts_nl_socket_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct nlattr *tb[KNTS_SOCK_A_MAX + 1];
	struct knts_sock_info si;
	u32 id;
	int err;

	if (info->attrs[KNTS_A_ALL] && info->attrs[KNTS_A_SOCKET]) {
		NL_SET_ERR_MSG_MOD(info->extack, "one socket or all, not both");
		return -EINVAL;
	}
	if (info->attrs[KNTS_A_ALL]) {
		knts_sock_detach(srv, 0, NULL);
		knts_notify(srv->net, KNTS_EVENT_SOCKET_DEL, NULL, NULL);
		return 0;
	}
	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_SOCKET)) {
		NL_SET_ERR_MSG_MOD(info->extack, "which socket? (or all)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, KNTS_SOCK_A_MAX, info->attrs[KNTS_A_SOCKET],
			       knts_sock_id_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KNTS_A_SOCKET], tb,
			      KNTS_SOCK_A_ID))
		return -EINVAL;
	id = nla_get_u32(tb[KNTS_SOCK_A_ID]);
	if (!knts_sock_detach(srv, id, &si)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNTS_SOCK_A_ID],
				    "no socket with this id");
		return -ENOENT;
	}
	knts_notify(srv->net, KNTS_EVENT_SOCKET_DEL, knts_fill_sock, &si);
	return 0;
}

/**
 * knts_nl_socket_get_doit() - handle %KNTS_CMD_SOCKET_GET
 * @skb: request
 * @info: no attributes
 *
 * Replies with one %KNTS_A_SOCKET per socket served in the namespace.
 *
 * Return: 0 or a negative errno.
 */
static int knts_nl_socket_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct knts_sock_info si;
	struct knts_sock *ks;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(KNTS_SOCKETS_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &knts_genl_family, 0,
				KNTS_CMD_SOCKET_GET);
	if (!hdr)
		goto err_free;
	mutex_lock(&srv->lock);
	list_for_each_entry(ks, &srv->socks, node) {
		knts_sock_describe(ks, &si);
		if (knts_put_sock(msg, &si)) {
			mutex_unlock(&srv->lock);
			goto err_free;
		}
	}
	mutex_unlock(&srv->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * knts_nl_config_set_doit() - handle %KNTS_CMD_CONFIG_SET
 * @skb: request
 * @info: any of the tunables' attributes; the others keep their value
 *
 * Return: 0 or a negative errno.
 */
static int knts_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct nlattr **a = info->attrs;
	struct knts_config cfg;
	int err;

	/* Netlink handlers of one namespace may run in parallel. */
	mutex_lock(&srv->lock);
	knts_config_get(srv, &cfg);
	if (a[KNTS_A_REQUIRE_NTS])
		cfg.require_nts = nla_get_u8(a[KNTS_A_REQUIRE_NTS]);
	if (a[KNTS_A_RATELIMIT_RATE] && a[KNTS_A_RATELIMIT_INTERVAL_NS]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a rate or an interval, not both");
		mutex_unlock(&srv->lock);
		return -EINVAL;
	}
	if (a[KNTS_A_RATELIMIT_RATE]) {
		u32 rate = nla_get_u32(a[KNTS_A_RATELIMIT_RATE]);

		cfg.rl_interval_ns = rate ? div_u64(NSEC_PER_SEC, rate) : 0;
	}
	if (a[KNTS_A_RATELIMIT_INTERVAL_NS])
		cfg.rl_interval_ns =
			nla_get_u64(a[KNTS_A_RATELIMIT_INTERVAL_NS]);
	if (a[KNTS_A_RATELIMIT_LEAK])
		cfg.rl_leak = nla_get_u8(a[KNTS_A_RATELIMIT_LEAK]);
	if (a[KNTS_A_RATELIMIT_PREFIX6])
		cfg.rl_prefix6 = nla_get_u8(a[KNTS_A_RATELIMIT_PREFIX6]);
	if (a[KNTS_A_RATELIMIT_BURST])
		cfg.rl_burst = nla_get_u32(a[KNTS_A_RATELIMIT_BURST]);
	if (a[KNTS_A_RATELIMIT_KOD])
		cfg.rl_kod = nla_get_u8(a[KNTS_A_RATELIMIT_KOD]);
	if (a[KNTS_A_COOKIE_BUDGET])
		cfg.cookie_budget = nla_get_u32(a[KNTS_A_COOKIE_BUDGET]);
	err = knts_config_set(srv, &cfg);
	mutex_unlock(&srv->lock);
	if (err)
		return err;
	knts_notify(srv->net, KNTS_EVENT_CONFIG, knts_fill_tunables, srv);
	return 0;
}

static int knts_nl_access_rule(struct nlattr *attr,
			       struct knts_access_rule *r,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KNTS_ACCESS_A_MAX + 1];
	unsigned int len, max, i;
	u16 family;
	int err;

	err = nla_parse_nested(tb, KNTS_ACCESS_A_MAX, attr,
			       knts_access_rule_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_ACCESS_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_ACCESS_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_ACCESS_A_BITS) ||
	    NL_REQ_ATTR_CHECK(extack, attr, tb, KNTS_ACCESS_A_ALLOW))
		return -EINVAL;
	family = nla_get_u16(tb[KNTS_ACCESS_A_FAMILY]);
	len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	max = len * 8;
	if (!len || nla_len(tb[KNTS_ACCESS_A_ADDR]) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a rule is an AF_INET (4-byte) or AF_INET6 (16-byte) subnet");
		return -EINVAL;
	}
	r->bits = nla_get_u8(tb[KNTS_ACCESS_A_BITS]);
	if (r->bits > max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_ACCESS_A_BITS],
				    "prefix longer than the address");
		return -EINVAL;
	}
	r->family = family == AF_INET ? 4 : 6;
	r->allow = nla_get_u8(tb[KNTS_ACCESS_A_ALLOW]);
	memcpy(r->addr, nla_data(tb[KNTS_ACCESS_A_ADDR]), len);
	/* Host bits cleared: the lookup compares whole bytes. */
	for (i = 0; i < len; i++) {
		if (r->bits >= (i + 1) * 8)
			continue;
		r->addr[i] &= r->bits > i * 8 ? (u8)(0xff00 >> (r->bits - i * 8)) : 0;
	}
	return 0;
}

/**
 * knts_nl_access_set_doit() - handle %KNTS_CMD_ACCESS_SET
 * @skb: request
 * @info: %KNTS_A_ACCESS rules, or %KNTS_A_ALL alone to remove them
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int knts_nl_access_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = knts_server(genl_info_net(info));
	struct knts_access *acc = NULL;
	unsigned int n = 0, i = 0;
	struct nlattr *attr;
	int rem, err;

	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		n += nla_type(attr) == KNTS_A_ACCESS;
	if (!!info->attrs[KNTS_A_ALL] == !!n) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "rules, or \"all\" (every source served): one of the two");
		return -EINVAL;
	}
	if (n > KNTS_ACCESS_MAX_RULES) {
		NL_SET_ERR_MSG_MOD(info->extack, "more than 1024 rules");
		return -E2BIG;
	}
	if (n) {
		acc = knts_access_alloc(n);
		if (!acc)
			return -ENOMEM;
		nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
				  genlmsg_len(info->genlhdr), rem) {
			if (nla_type(attr) != KNTS_A_ACCESS)
				continue;
			err = knts_nl_access_rule(attr, &acc->r[i++],
						  info->extack);
			if (err) {
				kvfree(acc);
				return err;
			}
		}
	}
	knts_access_install(srv, acc);
	knts_notify(srv->net, KNTS_EVENT_CONFIG, knts_fill_tunables, srv);
	return 0;
}

/**
 * knts_genl_netns_exit() - announce that a namespace's server is gone
 * @net: the namespace, exiting
 *
 * In the initial namespace, the only place left to say it.
 */
void knts_genl_netns_exit(struct net *net)
{
	u64 cookie = net->net_cookie;

	if (!knts_server(net)->served || net_eq(net, &init_net))
		return;
	mutex_lock(&knts_genl_exit_lock);
	knts_notify(&init_net, KNTS_EVENT_NETNS_EXIT, knts_fill_cookie,
		    &cookie);
	mutex_unlock(&knts_genl_exit_lock);
}

static const struct genl_ops knts_genl_ops[] = {
	{
		.cmd = KNTS_CMD_GET_STATUS,
		.doit = knts_nl_get_status_doit,
		.policy = knts_empty_policy,
		.maxattr = KNTS_A_MAX,
	},
	{
		.cmd = KNTS_CMD_TIME_SET,
		.doit = knts_nl_time_set_doit,
		.policy = knts_time_set_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/*
		 * No policy and no maxattr (the family has none to inherit),
		 * so that the core parses nothing; liberal besides: see
		 * knts_nl_key_set_doit().
		 */
		.cmd = KNTS_CMD_KEY_SET,
		.doit = knts_nl_key_set_doit,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_KEY_DEL,
		.doit = knts_nl_key_del_doit,
		.policy = knts_key_del_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_KEY_GET,
		.doit = knts_nl_key_get_doit,
		.policy = knts_empty_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_SOCKET_ADD,
		.doit = knts_nl_socket_add_doit,
		.policy = knts_socket_add_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_SOCKET_DEL,
		.doit = knts_nl_socket_del_doit,
		.policy = knts_socket_del_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_SOCKET_GET,
		.doit = knts_nl_socket_get_doit,
		.policy = knts_empty_policy,
		.maxattr = KNTS_A_MAX,
	},
	{
		.cmd = KNTS_CMD_CONFIG_SET,
		.doit = knts_nl_config_set_doit,
		.policy = knts_config_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_ACCESS_SET,
		.doit = knts_nl_access_set_doit,
		.policy = knts_access_policy,
		.maxattr = KNTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group knts_genl_mcgrps[] = {
	{ .name = KNTS_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family knts_genl_family __ro_after_init = {
	.name = KNTS_FAMILY_NAME,
	.version = KNTS_FAMILY_VERSION,
	/* No family maxattr or policy: each operation has its own. */
	.netnsok = true,
	/*
	 * Handlers take their server's locks themselves; key changes wait
	 * for a grace period, which must not hold up every genetlink family.
	 */
	.parallel_ops = true,
	/*
	 * The commands of the first version (key-set among them: it must
	 * see every request unparsed) keep the lax header checks; every
	 * later one gets the strict ones.
	 */
	.resv_start_op = KNTS_CMD_SOCKET_ADD,
	.module = THIS_MODULE,
	.ops = knts_genl_ops,
	.n_ops = ARRAY_SIZE(knts_genl_ops),
	.mcgrps = knts_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(knts_genl_mcgrps),
};

/**
 * knts_genl_init() - register the "knts" generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int knts_genl_init(void)
{
	int err = genl_register_family(&knts_genl_family);

	if (!err)
		WRITE_ONCE(knts_genl_live, true);
	return err;
}

/**
 * knts_genl_uninit() - unregister the family; returns once no handler runs
 */
void knts_genl_uninit(void)
{
	mutex_lock(&knts_genl_exit_lock);
	WRITE_ONCE(knts_genl_live, false);
	mutex_unlock(&knts_genl_exit_lock);
	genl_unregister_family(&knts_genl_family);
}
