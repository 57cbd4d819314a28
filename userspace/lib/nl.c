// SPDX-License-Identifier: GPL-2.0
/*
 * The knts generic netlink family from userspace.
 *
 * Resolves the family once, enables extended acks, and turns the kernel's
 * answer into a negative errno plus the extack message, if any.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "uapi/linux/knts.h"
#include "core/core_user.h"
#include "core/access.h"
#include "nl.h"
#include "ntskeys.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Requests up to this size: access-set with 1024 rules takes ~50 KiB. */
#define KNTS_NL_MSG_MAX 65536

struct knts_nl {
	struct nl_sock *sk;
	int family;
	char extack[256];
};

struct knts_nl *knts_nl_open(void)
{
	struct knts_nl *nl;
	int one = 1;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		goto err;
	if (genl_connect(nl->sk)) {
		errno = ECONNREFUSED;
		goto err;
	}
	/* Best effort: older kernels simply send no extack. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, KNTS_FAMILY_NAME);
	if (nl->family < 0) {
		errno = ENOENT;
		goto err;
	}
	return nl;
err:
	knts_nl_close(nl);
	return NULL;
}

void knts_nl_close(struct knts_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

const char *knts_nl_extack(const struct knts_nl *nl)
{
	return nl->extack[0] ? nl->extack : NULL;
}

struct req_ctx {
	struct knts_nl *nl;
	knts_nl_parse_t parse;
	void *arg;
	int err;	/* the kernel's answer */
	int parse_err;	/* the first reply the parser refused */
	int done;
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct req_ctx *ctx = data;
	struct nlattr *tb[KNTS_A_MAX + 1];
	int err;

	/* On a bad reply keep reading, so that the ack is consumed too. */
	if (ctx->parse_err)
		return NL_SKIP;
	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, KNTS_A_MAX, NULL);
	if (err < 0)
		ctx->parse_err = -EBADMSG;
	else if (ctx->parse)
		ctx->parse_err = ctx->parse(tb,
					    genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
					    genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0),
					    ctx->arg);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct req_ctx *ctx = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int hlen = sizeof(*nlh) + sizeof(*e);

	(void)nla;
	ctx->err = e->error;
	ctx->done = 1;
	/* With NETLINK_CAP_ACK the request is not echoed: TLVs follow e. */
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && nlh->nlmsg_len > hlen &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + sizeof(*e)),
		       nlh->nlmsg_len - hlen, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(ctx->nl->extack, sizeof(ctx->nl->extack), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *data)
{
	struct req_ctx *ctx = data;

	(void)msg;
	ctx->done = 1;
	return NL_STOP;
}

/*
 * Sends one request and reads every reply to it.  Returns 0, or a negative
 * errno: the kernel's (knts_nl_extack() then tells why, when it said), or
 * the parser's.
 */
int knts_nl_request(struct knts_nl *nl, int cmd, knts_nl_build_t build,
		    knts_nl_parse_t parse, void *arg)
{
	struct req_ctx ctx = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err;

	nl->extack[0] = '\0';
	msg = nlmsg_alloc_size(KNTS_NL_MSG_MAX);
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!msg || !cb) {
		err = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 NLM_F_REQUEST | NLM_F_ACK, cmd, KNTS_FAMILY_VERSION)) {
		err = -EMSGSIZE;
		goto out;
	}
	if (build) {
		err = build(msg, arg);
		if (err)
			goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ctx);

	err = nl_send_auto(nl->sk, msg);
	if (err < 0) {
		err = -EIO;
		goto out;
	}
	while (!ctx.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !ctx.err) {
			ctx.err = -EIO;
			break;
		}
	}
	err = ctx.err ? ctx.err : ctx.parse_err;
out:
	if (cb)
		nl_cb_put(cb);
	/* Requests may carry key bytes: leave none in freed memory. */
	if (msg)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return err;
}

/* knts_nl_parse_t for KNTS_CMD_KEY_GET into a struct knts_nl_keys. */
int knts_nl_parse_keys(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg)
{
	struct nlattr *a, *kb[KNTS_KEY_A_MAX + 1];
	struct knts_nl_keys *l = arg;
	int rem;

	if (tb[KNTS_A_KEY_CURRENT]) {
		l->has_current = true;
		l->current_id = nla_get_u32(tb[KNTS_A_KEY_CURRENT]);
	}
	nla_for_each_attr(a, head, len, rem) {
		struct knts_nl_key *k;

		if (nla_type(a) != KNTS_A_KEY)
			continue;
		if (l->n == KNTS_NL_MAX_KEYS ||
		    nla_parse_nested(kb, KNTS_KEY_A_MAX, a, NULL) ||
		    !kb[KNTS_KEY_A_ID] || !kb[KNTS_KEY_A_SLOT])
			return -EBADMSG;
		k = &l->k[l->n++];
		k->id = nla_get_u32(kb[KNTS_KEY_A_ID]);
		k->slot = nla_get_u8(kb[KNTS_KEY_A_SLOT]);
		k->aead = kb[KNTS_KEY_A_AEAD] ?
			  nla_get_u16(kb[KNTS_KEY_A_AEAD]) : 0;
		k->age_ms = kb[KNTS_KEY_A_AGE_MS] ?
			    nla_get_u64(kb[KNTS_KEY_A_AGE_MS]) : 0;
		k->opens = kb[KNTS_KEY_A_OPENS] ?
			   nla_get_u64(kb[KNTS_KEY_A_OPENS]) : 0;
		k->fails = kb[KNTS_KEY_A_FAILS] ?
			   nla_get_u64(kb[KNTS_KEY_A_FAILS]) : 0;
		k->current = kb[KNTS_KEY_A_CURRENT] != NULL;
	}
	return 0;
}

/* knts_nl_build_t for KNTS_CMD_KEY_SET: every key of a struct ntskeys. */
int knts_nl_build_keys(struct nl_msg *msg, void *arg)
{
	const struct ntskeys *k = arg;
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		nest = nla_nest_start(msg, KNTS_A_KEY);
		if (!nest ||
		    nla_put_u32(msg, KNTS_KEY_A_ID, k->keys[i].id) ||
		    nla_put_u16(msg, KNTS_KEY_A_AEAD, k->keys[i].aead) ||
		    nla_put(msg, KNTS_KEY_A_SECRET, ntskey_len(&k->keys[i]),
			    k->keys[i].key))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return nla_put_u32(msg, KNTS_A_KEY_CURRENT, k->keys[k->current].id) ?
	       -EMSGSIZE : 0;
}

/* A time-set request from a struct knts_nl_time. */
int knts_nl_build_time(struct nl_msg *msg, void *arg)
{
	const struct knts_nl_time *t = arg;
	struct nlattr *nest = nla_nest_start(msg, KNTS_A_TIME);

	if (!nest ||
	    nla_put_u8(msg, KNTS_TIME_A_STRATUM, t->stratum) ||
	    (t->has_leap && nla_put_u8(msg, KNTS_TIME_A_LEAP, t->leap)) ||
	    (t->has_precision &&
	     nla_put_s32(msg, KNTS_TIME_A_PRECISION, t->precision)) ||
	    nla_put_u32(msg, KNTS_TIME_A_ROOT_DELAY, t->root_delay) ||
	    nla_put_u32(msg, KNTS_TIME_A_ROOT_DISP, t->root_disp) ||
	    nla_put_u32(msg, KNTS_TIME_A_REFID, t->refid) ||
	    nla_put_u64(msg, KNTS_TIME_A_REF_TIME, t->ref_time) ||
	    nla_put_u32(msg, KNTS_TIME_A_STALE_AFTER, t->stale_after))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

struct sock_add {
	struct knts_nl_socks l;		/* first: parse_socks() reads it */
	uint32_t fd;
};

static int build_sock_fd(struct nl_msg *msg, void *arg)
{
	struct nlattr *nest = nla_nest_start(msg, KNTS_A_SOCKET);

	if (!nest ||
	    nla_put_u32(msg, KNTS_SOCK_A_FD, ((struct sock_add *)arg)->fd))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int build_sock_id(struct nl_msg *msg, void *arg)
{
	uint32_t id = *(uint32_t *)arg;
	struct nlattr *nest;

	if (!id)
		return nla_put_flag(msg, KNTS_A_ALL) ? -EMSGSIZE : 0;
	nest = nla_nest_start(msg, KNTS_A_SOCKET);
	if (!nest || nla_put_u32(msg, KNTS_SOCK_A_ID, id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* One KNTS_A_SOCKET nest; returns 0 or -EBADMSG. */
int knts_nl_parse_sock(struct nlattr *a, struct knts_nl_sock *out)
{
	struct nlattr *sb[KNTS_SOCK_A_MAX + 1];
	unsigned int alen;

	memset(out, 0, sizeof(*out));
	if (nla_parse_nested(sb, KNTS_SOCK_A_MAX, a, NULL) ||
	    !sb[KNTS_SOCK_A_ID] || !sb[KNTS_SOCK_A_FAMILY] ||
	    !sb[KNTS_SOCK_A_ADDR] || !sb[KNTS_SOCK_A_PORT])
		return -EBADMSG;
	out->id = nla_get_u32(sb[KNTS_SOCK_A_ID]);
	out->family = nla_get_u16(sb[KNTS_SOCK_A_FAMILY]);
	out->port = nla_get_u16(sb[KNTS_SOCK_A_PORT]);
	if (sb[KNTS_SOCK_A_IFINDEX])
		out->ifindex = nla_get_u32(sb[KNTS_SOCK_A_IFINDEX]);
	alen = out->family == AF_INET6 ? 16 : 4;
	if ((out->family != AF_INET && out->family != AF_INET6) ||
	    nla_len(sb[KNTS_SOCK_A_ADDR]) != (int)alen)
		return -EBADMSG;
	memcpy(out->addr, nla_data(sb[KNTS_SOCK_A_ADDR]), alen);
	return 0;
}

static int parse_socks(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg)
{
	struct knts_nl_socks *l = arg;
	struct nlattr *a;
	int rem;

	(void)tb;
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != KNTS_A_SOCKET)
			continue;
		if (l->n == KNTS_NL_MAX_SOCKS ||
		    knts_nl_parse_sock(a, &l->s[l->n]))
			return -EBADMSG;
		l->n++;
	}
	return 0;
}

/* Hands the socket behind @fd over; @out, if not NULL, gets its entry. */
int knts_nl_socket_add(struct knts_nl *nl, int fd, struct knts_nl_sock *out)
{
	struct sock_add a = { .fd = (uint32_t)fd };
	int err;

	err = knts_nl_request(nl, KNTS_CMD_SOCKET_ADD, build_sock_fd,
			      parse_socks, &a.l);
	if (!err && a.l.n != 1)
		err = -EBADMSG;
	if (!err && out)
		*out = a.l.s[0];
	return err;
}

/* Stops serving on the socket @id; 0 means every socket. */
int knts_nl_socket_del(struct knts_nl *nl, uint32_t id)
{
	return knts_nl_request(nl, KNTS_CMD_SOCKET_DEL, build_sock_id, NULL,
			       &id);
}

int knts_nl_socket_list(struct knts_nl *nl, struct knts_nl_socks *out)
{
	out->n = 0;
	return knts_nl_request(nl, KNTS_CMD_SOCKET_GET, NULL, parse_socks,
			       out);
}

const char *knts_nl_sock_str(const struct knts_nl_sock *s, char *buf,
			     size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?", dev[IF_NAMESIZE + 1] = "";

	inet_ntop(s->family, s->addr, a, sizeof(a));
	if (s->ifindex) {
		char name[IF_NAMESIZE];

		if (if_indextoname(s->ifindex, name))
			snprintf(dev, sizeof(dev), "%%%s", name);
		else
			snprintf(dev, sizeof(dev), "%%%u", s->ifindex);
	}
	snprintf(buf, size, s->family == AF_INET6 ? "[%s]:%u%s" : "%s:%u%s",
		 a, s->port, dev);
	return buf;
}

int knts_nl_subscribe(struct knts_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, KNTS_FAMILY_NAME,
					KNTS_MCGRP_EVENTS);

	if (grp < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(nl->sk);
	return nl_socket_add_membership(nl->sk, grp) ? -EPERM : 0;
}

int knts_nl_fd(const struct knts_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int knts_nl_nonblock(struct knts_nl *nl)
{
	return nl_socket_set_nonblocking(nl->sk) ? -EIO : 0;
}

struct ev_ctx {
	knts_nl_parse_t cb;
	void *arg;
	int err;
};

static int on_event(struct nl_msg *msg, void *data)
{
	struct ev_ctx *ctx = data;
	struct nlattr *tb[KNTS_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (genlmsg_parse(nlh, 0, tb, KNTS_A_MAX, NULL) < 0)
		return NL_SKIP;
	ctx->err = ctx->cb(tb, genlmsg_attrdata(nlmsg_data(nlh), 0),
			   genlmsg_attrlen(nlmsg_data(nlh), 0), ctx->arg);
	return ctx->err ? NL_STOP : NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int knts_nl_events(struct knts_nl *nl, knts_nl_parse_t cb, void *arg)
{
	struct ev_ctx ctx = { .cb = cb, .arg = arg };
	struct nl_cb *ncb = nl_cb_alloc(NL_CB_CUSTOM);
	int err;

	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ctx);
	/* Notifications carry no sequence number of ours. */
	nl_cb_set(ncb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	err = nl_recvmsgs(nl->sk, ncb);
	nl_cb_put(ncb);
	if (ctx.err)
		return ctx.err;
	if (err == -NLE_AGAIN)
		return -EAGAIN;
	return err < 0 ? -EIO : 0;
}

struct access_set {
	const struct knts_access_rule *r;
	unsigned int n;
};

static int build_access(struct nl_msg *msg, void *arg)
{
	const struct access_set *a = arg;
	unsigned int i;

	if (!a->n)
		return nla_put_flag(msg, KNTS_A_ALL) ? -EMSGSIZE : 0;
	for (i = 0; i < a->n; i++) {
		const struct knts_access_rule *r = &a->r[i];
		struct nlattr *nest = nla_nest_start(msg, KNTS_A_ACCESS);

		if (!nest ||
		    nla_put_u16(msg, KNTS_ACCESS_A_FAMILY,
				r->family == 4 ? AF_INET : AF_INET6) ||
		    nla_put(msg, KNTS_ACCESS_A_ADDR, r->family == 4 ? 4 : 16,
			    r->addr) ||
		    nla_put_u8(msg, KNTS_ACCESS_A_BITS, r->bits) ||
		    nla_put_u8(msg, KNTS_ACCESS_A_ALLOW, r->allow))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

int knts_nl_access_set(struct knts_nl *nl, const struct knts_access_rule *r,
		       unsigned int n)
{
	struct access_set a = { .r = r, .n = n };

	return knts_nl_request(nl, KNTS_CMD_ACCESS_SET, build_access, NULL, &a);
}

/* knts_nl_build_t for KNTS_CMD_CONFIG_SET from a struct knts_nl_tunables. */
int knts_nl_build_tunables(struct nl_msg *msg, void *arg)
{
	const struct knts_nl_tunables *t = arg;

	if ((t->has_require_nts &&
	     nla_put_u8(msg, KNTS_A_REQUIRE_NTS, t->require_nts)) ||
	    (t->has_rate && nla_put_u32(msg, KNTS_A_RATELIMIT_RATE, t->rate)) ||
	    (t->has_interval &&
	     nla_put_u64(msg, KNTS_A_RATELIMIT_INTERVAL_NS, t->interval_ns)) ||
	    (t->has_burst &&
	     nla_put_u32(msg, KNTS_A_RATELIMIT_BURST, t->burst)) ||
	    (t->has_leak && nla_put_u8(msg, KNTS_A_RATELIMIT_LEAK, t->leak)) ||
	    (t->has_prefix6 &&
	     nla_put_u8(msg, KNTS_A_RATELIMIT_PREFIX6, t->prefix6)) ||
	    (t->has_kod && nla_put_u8(msg, KNTS_A_RATELIMIT_KOD, t->kod)) ||
	    (t->has_budget &&
	     nla_put_u32(msg, KNTS_A_COOKIE_BUDGET, t->budget)))
		return -EMSGSIZE;
	return 0;
}
