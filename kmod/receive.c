// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the packet path.
 *
 * knts_udp_recv() is the encap_rcv callback of the sockets served: it runs
 * in softirq for every datagram to them, answers it (plain NTP, NTS, or an
 * NTS NAK) or drops it, counts what it did, and consumes the skb; what is
 * not an NTP client request at all (other modes, control and private
 * modes 6 and 7, garbage) it leaves on the socket for userspace.  It reads
 * configuration under RCU, uses per-CPU buffers and cipher instances
 * shared by every namespace, and allocates nothing but the reply skb.
 */

#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <net/ipv6.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/udp.h>

#include "core/nts.h"
#include "access.h"
#include "ratelimit.h"
#include "receive.h"
#include "socket.h"
#include "stats.h"
#include "timestatus.h"

/* Seconds from 1900 (NTP era 0) to 1970. */
#define KNTS_NTP_UNIX_OFFSET	2208988800ULL

static u64 knts_ktime_to_ntp(ktime_t t)
{
	u64 ns = ktime_to_ns(t);
	u32 rem;
	u64 sec = div_u64_rem(ns, NSEC_PER_SEC, &rem);

	return (sec + KNTS_NTP_UNIX_OFFSET) << 32 |
	       div_u64((u64)rem << 32, NSEC_PER_SEC);
}

/* The packet path's per-CPU scratch, shared by every namespace's server. */
static struct knts_pcpu __percpu *knts_pcpu;

/* T2: the stack's receive timestamp when it took one, else now. */
static u64 knts_rx_timestamp(struct knts_server *srv, struct sk_buff *skb)
{
	/* Local delivery has cleared any mono delivery time by now. */
	if (skb->tstamp) {
		knts_stat_inc(srv, KNTS_STAT_RX_TS_KERNEL);
		return knts_ktime_to_ntp(skb->tstamp);
	}
	knts_stat_inc(srv, KNTS_STAT_RX_TS_FALLBACK);
	return knts_ktime_to_ntp(ktime_get_real());
}

static void knts_drop(struct knts_server *srv, enum knts_stat why)
{
	knts_stat_inc(srv, why);
	knts_stat_inc(srv, KNTS_STAT_RX_DROPPED);
}

static void knts_send(struct knts_server *srv, struct sock *sk,
		      struct sk_buff *skb, struct sk_buff *reply,
		      enum knts_stat what)
{
	if (knts_reply_send(sk, skb, reply))
		knts_drop(srv, KNTS_STAT_DROP_TX);
	else
		knts_stat_inc(srv, what);
}

/* A kiss-o'-death (NTSN for NTS failures, RATE for rate limiting). */
static void knts_send_kod(struct knts_server *srv, struct sock *sk,
			  struct sk_buff *skb, const struct knts_req *req,
			  const struct knts_time_params *tp, u32 kiss,
			  u64 rx_ts, enum knts_stat what)
{
	struct sk_buff *reply = knts_reply_alloc(req->len);
	unsigned int len;

	if (!reply) {
		knts_drop(srv, KNTS_STAT_DROP_TX);
		return;
	}
	len = knts_ntp_build_kod(skb_put(reply, req->len), req, tp, kiss,
				 rx_ts, knts_ktime_to_ntp(ktime_get_real()));
	skb_trim(reply, len);
	knts_send(srv, sk, skb, reply, what);
}

static void knts_serve_plain(struct knts_server *srv, struct sock *sk,
			     struct sk_buff *skb, const struct knts_req *req,
			     const struct knts_time_params *tp, u64 rx_ts)
{
	struct sk_buff *reply = knts_reply_alloc(KNTS_NTP_HDR_LEN);

	if (!reply) {
		knts_drop(srv, KNTS_STAT_DROP_TX);
		return;
	}
	knts_ntp_build_plain(skb_put(reply, KNTS_NTP_HDR_LEN), req, tp, rx_ts,
			     knts_ktime_to_ntp(ktime_get_real()));
	knts_send(srv, sk, skb, reply, KNTS_STAT_PLAIN_REPLIES);
}

/* The CPU's session instances as a handle for the session's AEAD. */
static struct knts_aead knts_session(struct knts_pcpu *pc, unsigned int alg)
{
	return (struct knts_aead){
		.alg = alg, .siv = &pc->siv, .kgk = &pc->kgk, .mek = &pc->mek,
	};
}

/*
 * Opens the cookie into pc->keys (*keys_len bytes) and authenticates the
 * request, inside the caller's section @simd.  Returns the key that opened
 * it, or NULL after counting why not; *nak tells whether the failure
 * deserves a NAK (the cookie or the authenticator did not verify) or a
 * silent drop.
 */
static struct knts_key *knts_nts_open(struct knts_server *srv,
				      struct knts_pcpu *pc,
				      struct knts_req *req, bool *nak,
				      unsigned int *keys_len, bool simd)
{
	struct knts_aead m, s;
	struct knts_key *key;
	int err;

	*nak = true;
	key = knts_key_lookup(&srv->keys, knts_cookie_key_id(req->cookie));
	if (!key) {
		knts_stat_inc(srv, KNTS_STAT_COOKIE_UNKNOWN_KEY);
		return NULL;
	}
	m = knts_key_aead(key, &pc->mek);
	err = knts_cookie_open(&m, simd, req->cookie, req->cookie_len,
			       pc->keys);
	if (err < 0) {
		knts_stat_inc(srv, err == -EMSGSIZE ?
			      KNTS_STAT_COOKIE_BAD_LENGTH :
			      KNTS_STAT_COOKIE_BAD_TAG);
		knts_key_count(key, false);
		return NULL;
	}
	knts_key_count(key, true);
	*keys_len = err;

	s = knts_session(pc, knts_session_alg(*keys_len));
	err = knts_aead_setkey(&s, pc->keys, *keys_len / 2, simd);
	if (!err)
		err = knts_nts_verify(req, &s, simd);
	if (err == -EBADMSG) {
		knts_stat_inc(srv, KNTS_STAT_AUTH_FAILED);
		return NULL;
	}
	if (err) {
		*nak = false;
		knts_drop(srv, KNTS_STAT_DROP_MALFORMED);
		return NULL;
	}
	return key;
}

/*
 * The CPU's cookie budget, so that a flood of requests asking for eight
 * cookies cannot spend softirq time on sealing them: a token bucket of
 * extra cookies (beyond one per reply) refilled at @rate per second,
 * holding a tenth of a second's worth (at least one full reply's), full
 * after a second unused (a CPU's first request included).  Returns
 * whether @extra more cookies may be sealed now.
 */
static bool knts_cookie_budget_ok(struct knts_pcpu_stats *pc, u32 rate,
				  unsigned int extra)
{
	unsigned long now = jiffies, dt = now - pc->budget_stamp;
	u32 cap = max_t(u32, rate / 10, KNTS_MAX_COOKIES - 1);
	u64 add;

	if (!rate || !extra)
		return true;
	add = dt >= HZ ? cap : (u64)dt * rate / HZ;
	if (add)
		pc->budget_stamp = now;
	/* A budget lowered at run time takes effect at once. */
	pc->budget = min_t(u64, pc->budget + add, cap);
	if (pc->budget < extra)
		return false;
	pc->budget -= extra;
	return true;
}

static void knts_serve_nts(struct knts_server *srv, struct sock *sk,
			   struct sk_buff *skb, struct knts_pcpu *pc,
			   const struct knts_config *cfg, struct knts_req *req,
			   const struct knts_time_params *tp, u64 rx_ts)
{
	unsigned int n, klen = 0;
	const u8 *keys = pc->keys;
	struct knts_key *key, *cur;
	struct knts_aead m, s;
	struct sk_buff *reply;
	struct knts_resp r;
	bool nak, simd;
	int err;

	/*
	 * One AES section for the request's four SIV operations.  It runs
	 * with preemption off, so what may take a lock that sleeps on
	 * PREEMPT_RT (allocation, the CRNG) comes first.
	 */
	reply = knts_reply_alloc(req->len);
	if (!reply) {
		knts_drop(srv, KNTS_STAT_DROP_TX);
		return;
	}
	knts_nonce_refresh();
	simd = knts_siv_begin();
	rcu_read_lock();
	key = knts_nts_open(srv, pc, req, &nak, &klen, simd);
	if (!key) {
		rcu_read_unlock();
		knts_siv_end(simd);
		consume_skb(reply);
		if (nak)
			knts_send_kod(srv, sk, skb, req, tp, KNTS_KISS_NTSN,
				      rx_ts, KNTS_STAT_NAKS);
		goto out;
	}
	/*
	 * New cookies under the current key; without one, or when its
	 * cookies are longer than the request's (an AEAD 30 cookie after a
	 * switch to AEAD 15 keys), the opener's.
	 */
	cur = rcu_dereference(srv->keys.current_key) ?: key;
	if (!knts_nts_cookie_fits(req, cur->aead, klen))
		cur = key;
	n = knts_nts_reply_cookies(req, cur->aead, klen);
	if (n > 1 && !knts_cookie_budget_ok(this_cpu_ptr(srv->stats),
					    cfg->cookie_budget, n - 1)) {
		req->cookies_wanted = 1;
		knts_stat_inc(srv, KNTS_STAT_COOKIE_BUDGET_CUTS);
	}
	m = knts_key_aead(cur, &pc->mek);
	err = knts_nts_reply_begin(&r, skb_put(reply, req->len), req, tp,
				   rx_ts, &m, cur->id, keys, klen, simd);
	rcu_read_unlock();
	/* T3: after the cookies are sealed, just before the final seal. */
	s = knts_session(pc, knts_session_alg(klen));
	if (!err)
		err = knts_nts_reply_seal(&r, &s, keys + klen / 2,
					  knts_ktime_to_ntp(ktime_get_real()),
					  simd);
	knts_siv_end(simd);
	if (err) {
		/* A cookie may be half sealed: no session keys left behind. */
		memzero_explicit(reply->data, reply->len);
		kfree_skb(reply);
		knts_drop(srv, KNTS_STAT_DROP_TX);
		goto out;
	}
	skb_trim(reply, r.len);
	knts_stat_add(srv, KNTS_STAT_COOKIES_ISSUED, r.cookies);
	knts_send(srv, sk, skb, reply, KNTS_STAT_AUTH_REPLIES);
out:
	knts_wipe(pc->keys, sizeof(pc->keys));
}

/* Rate limiting by source address; returns true to go on serving. */
static bool knts_rate_ok(struct knts_server *srv, struct sock *sk,
			 struct sk_buff *skb, const struct knts_config *cfg,
			 const struct knts_req *req,
			 const struct knts_time_params *tp, u64 rx_ts)
{
	u32 addr[4] = {};
	unsigned int alen;

	if (!cfg->rl_interval_ns)
		return true;
	if (skb->protocol == htons(ETH_P_IP)) {
		addr[0] = (__force u32)ip_hdr(skb)->saddr;
		alen = 4;
	} else {
		/* A host has a /64 to itself: one bucket per prefix. */
		ipv6_addr_prefix((struct in6_addr *)addr, &ipv6_hdr(skb)->saddr,
				 cfg->rl_prefix6);
		alen = 16;
	}
	if (knts_ratelimit_allow(&srv->rl, addr, alen, ktime_get_mono_fast_ns(),
				 cfg->rl_interval_ns, cfg->rl_burst))
		return true;
	/* chrony's leak: now and then a limited request is served anyway. */
	if (cfg->rl_leak &&
	    !(get_random_u32() & ((1U << cfg->rl_leak) - 1)))
		return true;
	if (cfg->rl_kod)
		knts_send_kod(srv, sk, skb, req, tp, KNTS_KISS_RATE, rx_ts,
			      KNTS_STAT_KODS);
	else
		knts_drop(srv, KNTS_STAT_DROP_RATELIMIT);
	return false;
}

/* Returns 1 to leave the datagram on the socket, else 0 (consumed). */
static int knts_handle(struct knts_server *srv, struct sock *sk,
		       struct sk_buff *skb)
{
	struct knts_pcpu *pc = this_cpu_ptr(knts_pcpu);
	unsigned int len = skb->len - sizeof(struct udphdr);
	struct knts_time_params tp;
	struct knts_config cfg;
	struct knts_req req;
	u8 *data;
	u64 rx_ts;

	knts_stat_inc(srv, KNTS_STAT_RX_PACKETS);
	/* chrony's allow and deny: a source denied gets nothing at all. */
	if (!knts_access_ok(srv, skb)) {
		knts_drop(srv, KNTS_STAT_DROP_DENIED);
		goto consumed;
	}
	/* No NTP request: userspace reads, counts and drops it. */
	if (len < KNTS_NTP_HDR_LEN || len > KNTS_NTP_MAX_LEN)
		goto pass;
	/* Not from port 0: a reply there would be a reflection. */
	if (!udp_hdr(skb)->source || !knts_request_unicast(skb)) {
		knts_drop(srv, KNTS_STAT_DROP_MALFORMED);
		goto consumed;
	}
	rx_ts = knts_rx_timestamp(srv, skb);
	/*
	 * Served where it lies when the datagram is linear and ours alone
	 * (an encrypted authenticator is decrypted in place), else from a
	 * copy.
	 */
	if (skb_headlen(skb) == skb->len && !skb_cloned(skb)) {
		data = skb->data + sizeof(struct udphdr);
	} else if (!skb_copy_bits(skb, sizeof(struct udphdr), pc->req, len)) {
		data = pc->req;
	} else {
		knts_drop(srv, KNTS_STAT_DROP_MALFORMED);
		goto consumed;
	}
	/*
	 * What does not parse as a client request goes up.  The parser
	 * wrote nothing: an encrypted authenticator is decrypted only once
	 * the cookie and the request have been verified.
	 */
	if (knts_ntp_parse(data, len, &req))
		goto pass;

	knts_config_get(srv, &cfg);
	knts_time_get(srv, ktime_get_boottime_ns(), &tp, NULL);
	if (!req.nts && cfg.require_nts) {
		knts_drop(srv, KNTS_STAT_DROP_NOT_NTS);
		goto consumed;
	}
	if (!knts_rate_ok(srv, sk, skb, &cfg, &req, &tp, rx_ts))
		goto consumed;
	if (req.nts)
		knts_serve_nts(srv, sk, skb, pc, &cfg, &req, &tp, rx_ts);
	else
		knts_serve_plain(srv, sk, skb, &req, &tp, rx_ts);
consumed:
	consume_skb(skb);
	return 0;
pass:
	knts_stat_inc(srv, KNTS_STAT_PASSED_UP);
	return 1;
}

/**
 * knts_udp_recv() - encap_rcv callback: serve one datagram
 * @sk: a socket served
 * @skb: the datagram, data at the UDP header, checksum verified
 *
 * Context: softirq, RCU read side.
 * Return: 0 when the skb was consumed (answered or dropped), 1 to leave it
 * on the socket: it is no NTP client request, or the socket is being
 * detached.
 */
int knts_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct knts_sock *ks = rcu_dereference_sk_user_data(sk);

	if (unlikely(!ks))
		return 1;
	return knts_handle(ks->srv, sk, skb);
}

/**
 * knts_pcpu_init() - per-CPU buffers and cipher instances
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int knts_pcpu_init(void)
{
	int cpu, err;

	knts_pcpu = alloc_percpu(struct knts_pcpu);
	if (!knts_pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct knts_pcpu *pc = per_cpu_ptr(knts_pcpu, cpu);

		pc->req = kmalloc_node(KNTS_NTP_MAX_LEN, GFP_KERNEL,
				       cpu_to_node(cpu));
		if (!pc->req) {
			err = -ENOMEM;
			goto err;
		}
		err = knts_siv_init(&pc->siv);
		if (err)
			goto err;
	}
	return 0;
err:
	knts_pcpu_uninit();
	return err;
}

/**
 * knts_pcpu_uninit() - free the per-CPU state, once no packet path runs
 */
void knts_pcpu_uninit(void)
{
	int cpu;

	if (!knts_pcpu)
		return;
	for_each_possible_cpu(cpu) {
		struct knts_pcpu *pc = per_cpu_ptr(knts_pcpu, cpu);

		knts_siv_uninit(&pc->siv);
		memzero_explicit(&pc->kgk, sizeof(pc->kgk));
		memzero_explicit(&pc->mek, sizeof(pc->mek));
		kfree(pc->req);
		memzero_explicit(pc->keys, sizeof(pc->keys));
	}
	free_percpu(knts_pcpu);
	knts_pcpu = NULL;
}
