// SPDX-License-Identifier: GPL-2.0
/*
 * knts: generic netlink family "knts" (Documentation/netlink/specs/knts.yaml).
 *
 * The only place that changes the server's configuration; every change is
 * made under knts_srv.lock and published with RCU to the packet path.
 */

#include <linux/ktime.h>
#include <net/genetlink.h>
#include <uapi/linux/knts.h>

#include "aes.h"
#include "keys.h"
#include "knts.h"
#include "netlink.h"
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
	[KNTS_TIME_A_PRECISION] = NLA_POLICY_RANGE(NLA_S8, -32, 0),
	[KNTS_TIME_A_ROOT_DELAY] = { .type = NLA_U32 },
	[KNTS_TIME_A_ROOT_DISP] = { .type = NLA_U32 },
	[KNTS_TIME_A_REFID] = { .type = NLA_U32 },
	[KNTS_TIME_A_REF_TIME] = { .type = NLA_U64 },
	[KNTS_TIME_A_STALE_AFTER] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &knts_stale_range),
};

static const struct nla_policy knts_key_policy[KNTS_KEY_A_MAX + 1] = {
	[KNTS_KEY_A_ID] = { .type = NLA_U32 },
	[KNTS_KEY_A_AEAD] = { .type = NLA_U16 },
	/* Its exact length depends on the AEAD: knts_nl_key_parse(). */
	[KNTS_KEY_A_SECRET] = { .type = NLA_BINARY,
				.len = KNTS_AEAD_MAX_KEY_LEN },
};

static const struct nla_policy knts_policy[KNTS_A_MAX + 1] = {
	[KNTS_A_TIME] = NLA_POLICY_NESTED(knts_time_policy),
	[KNTS_A_KEY] = NLA_POLICY_NESTED(knts_key_policy),
	[KNTS_A_KEY_CURRENT] = { .type = NLA_U32 },
	[KNTS_A_KEY_ID] = { .type = NLA_U32 },
};

static struct genl_family knts_genl_family;

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
	    nla_put_s8(skb, KNTS_TIME_A_PRECISION, p.precision) ||
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

static int knts_put_config(struct sk_buff *skb, struct knts_server *srv)
{
	struct knts_config cfg;

	knts_config_get(&cfg);
	if (nla_put_u16(skb, KNTS_A_PORT, srv->port) ||
	    (srv->sock4 && nla_put_flag(skb, KNTS_A_LISTEN_IPV4)) ||
	    (srv->sock6 && nla_put_flag(skb, KNTS_A_LISTEN_IPV6)) ||
	    (cfg.require_nts && nla_put_flag(skb, KNTS_A_REQUIRE_NTS)) ||
	    nla_put_u32(skb, KNTS_A_RATELIMIT_RATE, cfg.rl_rate) ||
	    nla_put_u32(skb, KNTS_A_RATELIMIT_BURST, cfg.rl_burst) ||
	    (cfg.rl_kod && nla_put_flag(skb, KNTS_A_RATELIMIT_KOD)) ||
	    nla_put_string(skb, KNTS_A_AES,
			   knts_aes_impl_name(knts_aes_impl())) ||
	    nla_put_u32(skb, KNTS_A_COOKIE_BUDGET, cfg.cookie_budget))
		return -EMSGSIZE;
	return 0;
}

/**
 * knts_nl_get_status_doit() - handle %KNTS_CMD_GET_STATUS
 * @skb: request
 * @info: request attributes (none are read)
 *
 * Replies with the module version, its load time, the counters and the
 * time status currently announced.
 *
 * Return: 0 or a negative errno.
 */
static int knts_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_server *srv = &knts_srv;
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
		p.precision = nla_get_s8(tb[KNTS_TIME_A_PRECISION]);
	if (tb[KNTS_TIME_A_ROOT_DELAY])
		p.root_delay = nla_get_u32(tb[KNTS_TIME_A_ROOT_DELAY]);
	if (tb[KNTS_TIME_A_ROOT_DISP])
		p.root_disp = nla_get_u32(tb[KNTS_TIME_A_ROOT_DISP]);
	if (tb[KNTS_TIME_A_REFID])
		p.refid = nla_get_u32(tb[KNTS_TIME_A_REFID]);
	if (tb[KNTS_TIME_A_REF_TIME])
		p.ref_time = nla_get_u64(tb[KNTS_TIME_A_REF_TIME]);

	return knts_time_set(&knts_srv, &p,
			     nla_get_u32(tb[KNTS_TIME_A_STALE_AFTER]),
			     ktime_get_boottime_ns());
}

/* Wipes every key secret in the request, whatever happened to it. */
static void knts_nl_wipe_secrets(struct genl_info *info)
{
	struct nlattr *tb[KNTS_KEY_A_MAX + 1];
	struct nlattr *attr;
	int rem;

	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(attr) != KNTS_A_KEY ||
		    nla_parse_nested(tb, KNTS_KEY_A_MAX, attr, knts_key_policy,
				     NULL) ||
		    !tb[KNTS_KEY_A_SECRET])
			continue;
		memzero_explicit(nla_data(tb[KNTS_KEY_A_SECRET]),
				 nla_len(tb[KNTS_KEY_A_SECRET]));
	}
}

static struct knts_key *knts_nl_key_parse(struct nlattr *attr,
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
	if (nla_len(tb[KNTS_KEY_A_SECRET]) != knts_aead_key_len(aead)) {
		if (aead == KNTS_AEAD_AES_SIV_CMAC_256)
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_KEY_A_SECRET],
					    "an AEAD 15 key has 32 bytes");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[KNTS_KEY_A_SECRET],
					    "an AEAD 30 key has 16 bytes");
		return ERR_PTR(-EINVAL);
	}
	key = knts_key_create(nla_get_u32(tb[KNTS_KEY_A_ID]), aead,
			      nla_data(tb[KNTS_KEY_A_SECRET]),
			      nla_len(tb[KNTS_KEY_A_SECRET]));
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
 * All or nothing: every key is built before any is installed.  The secrets
 * are wiped from the request on every path.
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int knts_nl_key_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct knts_key *keys[KNTS_KEY_SLOTS] = {};
	bool set_current = info->attrs[KNTS_A_KEY_CURRENT];
	u32 current_id = 0, slots = 0;
	struct nlattr *attr;
	unsigned int i, n = 0;
	int rem, err = 0;

	if (set_current)
		current_id = nla_get_u32(info->attrs[KNTS_A_KEY_CURRENT]);
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
		key = knts_nl_key_parse(attr, info->extack);
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
	err = knts_keys_install(&knts_srv, keys, n, set_current, current_id);
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the current key is not in the table");
		goto out;
	}
	n = 0;	/* the table owns them now */
out:
	for (i = 0; i < n; i++)
		knts_key_destroy(keys[i]);
	knts_nl_wipe_secrets(info);
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
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNTS_A_KEY_ID)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing key id");
		return -EINVAL;
	}
	err = knts_keys_delete(&knts_srv,
			       nla_get_u32(info->attrs[KNTS_A_KEY_ID]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KNTS_A_KEY_ID],
				    "no key with this id");
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
	struct knts_server *srv = &knts_srv;
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

static const struct genl_small_ops knts_genl_ops[] = {
	{
		.cmd = KNTS_CMD_GET_STATUS,
		.doit = knts_nl_get_status_doit,
	},
	{
		.cmd = KNTS_CMD_TIME_SET,
		.doit = knts_nl_time_set_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_KEY_SET,
		.doit = knts_nl_key_set_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_KEY_DEL,
		.doit = knts_nl_key_del_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KNTS_CMD_KEY_GET,
		.doit = knts_nl_key_get_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family knts_genl_family __ro_after_init = {
	.name = KNTS_FAMILY_NAME,
	.version = KNTS_FAMILY_VERSION,
	.maxattr = KNTS_A_MAX,
	.policy = knts_policy,
	.netnsok = false,
	/*
	 * Handlers take knts_srv.lock themselves; key changes wait for a
	 * grace period, which must not hold up every genetlink family.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = knts_genl_ops,
	.n_small_ops = ARRAY_SIZE(knts_genl_ops),
};

/**
 * knts_genl_init() - register the "knts" generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int knts_genl_init(void)
{
	return genl_register_family(&knts_genl_family);
}

/**
 * knts_genl_uninit() - unregister the family; returns once no handler runs
 */
void knts_genl_uninit(void)
{
	genl_unregister_family(&knts_genl_family);
}
