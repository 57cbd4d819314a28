// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd's own NTP server, the fallback of knts.ko.
 *
 * One thread reads batches of requests with recvmmsg(), answers each
 * through the protocol core exactly as the module does (parse, open the
 * cookie with the master key it names, verify, seal fresh cookies, take
 * T3, seal the reply) and sends each reply as soon as it is sealed.
 */
#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/nts.h"
#include "core/ratelimit.h"
#include "log.h"
#include "ntpsrv.h"
#include "lib/siv_openssl.h"
#include "lib/sock.h"
#include "lib/util.h"

#define BATCH 32
#define CMSG_SPACE_ALL 256

/* The thread's keys: one keyed cipher per slot, refreshed on rotation. */
struct keyring {
	struct knts_aead_ctx key[NTSKEYS_MAX];
	uint32_t id[NTSKEYS_MAX];
	bool present[NTSKEYS_MAX];
	uint32_t current_id;
	uint64_t gen;
};

/* One recvmmsg() round of requests, and the reply being sent. */
struct ntp_batch {
	uint8_t in[BATCH][KNTS_NTP_MAX_LEN + 4];	/* + 4: see MSG_TRUNC */
	uint8_t out[1][KNTS_NTP_MAX_LEN];
	uint8_t cin[BATCH][CMSG_SPACE_ALL], cout[CMSG_SPACE_ALL];
	struct sockaddr_storage peer[BATCH];
	struct mmsghdr rx[BATCH], tx;
	struct iovec riov[BATCH], tiov;
};

struct ntp_thread {
	struct ntpsrv *n;
	struct keyring kr;
	struct knts_aead_ctx session;	/* C2S, then S2C, per request */
	uint8_t keys[KNTS_COOKIE_KEYS_LEN];	/* C2S || S2C */
	struct ntp_batch b;
};

static void stat_inc(struct ntpsrv *n, enum knts_stat s, uint64_t v)
{
	atomic_fetch_add_explicit(&n->stats[s], v, memory_order_relaxed);
}

static void drop(struct ntpsrv *n, enum knts_stat why)
{
	stat_inc(n, why, 1);
	stat_inc(n, KNTS_STAT_RX_DROPPED, 1);
}

static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ntp_ts_from_timespec(&ts);
}

static int keyring_refresh(struct ntp_thread *t)
{
	struct keyring *kr = &t->kr;
	struct ntskeys k;
	unsigned int i, slot;
	uint64_t gen;
	int ret = 0;

	/* Most packets: the table has not changed since the last one. */
	if (kr->gen && keymgr_generation(t->n->keys) == kr->gen)
		return 0;
	keymgr_snapshot(t->n->keys, &k, &gen);
	if (gen == kr->gen)
		goto out;
	memset(kr->present, 0, sizeof(kr->present));
	for (i = 0; i < k.n; i++) {
		slot = k.keys[i].id % NTSKEYS_MAX;
		if (knts_aead_ctx_setkey(&kr->key[slot], k.keys[i].aead,
					 k.keys[i].key, ntskey_len(&k.keys[i]),
					 true)) {
			ret = -EIO;
			goto out;
		}
		kr->id[slot] = k.keys[i].id;
		kr->present[slot] = true;
	}
	kr->current_id = k.keys[k.current].id;
	kr->gen = gen;
out:
	ntskeys_wipe(&k);
	return ret;
}

/* The time parameters a reply carries now: leap 3 once stale. */
static void time_params(struct ntpsrv *n, struct knts_time_params *tp)
{
	memset(tp, 0, sizeof(*tp));
	pthread_mutex_lock(&n->ts_lock);
	tp->precision = n->ts.precision;
	if (n->ts.valid && mono_now() - n->ts_set < n->conf->stale) {
		tp->leap = n->ts.leap;
		tp->stratum = n->ts.stratum;
		tp->root_delay = n->ts.root_delay;
		tp->root_disp = n->ts.root_disp;
		tp->refid = n->ts.refid;
		tp->ref_time = n->ts.ref_time;
	} else {
		tp->leap = KNTS_LEAP_UNSYNC;
		tp->stratum = KNTS_STRATUM_UNSYNC;
	}
	pthread_mutex_unlock(&n->ts_lock);
}

/* Serves one request into out; returns the reply length, 0 to drop. */
static unsigned int serve(struct ntp_thread *t, uint8_t *pkt,
			  unsigned int len, uint64_t rx_ts, uint8_t *out)
{
	struct ntpsrv *n = t->n;
	struct keyring *kr = &t->kr;
	struct knts_time_params tp;
	unsigned int slot, cur, klen, ret = 0;
	struct knts_req req;
	struct knts_resp r;
	uint32_t id;
	int err;

	stat_inc(n, KNTS_STAT_RX_PACKETS, 1);
	err = knts_ntp_parse(pkt, len, &req);
	if (err) {
		/* ntpq's and ntpdc's modes (any length): chronyd drops them. */
		bool control = len && ((pkt[0] & 7) == 6 || (pkt[0] & 7) == 7);

		drop(n, control ? KNTS_STAT_DROP_CONTROL :
			err == -EMSGSIZE ? KNTS_STAT_DROP_SIZE :
			err == -EPROTO ? KNTS_STAT_DROP_MODE :
			KNTS_STAT_DROP_MALFORMED);
		return 0;
	}
	time_params(n, &tp);
	if (!req.nts) {
		stat_inc(n, KNTS_STAT_PLAIN_REPLIES, 1);
		return knts_ntp_build_plain(out, &req, &tp, rx_ts, ntp_now());
	}
	if (keyring_refresh(t)) {
		drop(n, KNTS_STAT_DROP_TX);
		return 0;
	}
	id = knts_cookie_key_id(req.cookie);
	slot = id % NTSKEYS_MAX;
	if (!kr->present[slot] || kr->id[slot] != id) {
		stat_inc(n, KNTS_STAT_COOKIE_UNKNOWN_KEY, 1);
		goto nak;
	}
	err = knts_cookie_open(&kr->key[slot].a, false, req.cookie,
			       req.cookie_len, t->keys);
	if (err < 0) {
		stat_inc(n, err == -EMSGSIZE ? KNTS_STAT_COOKIE_BAD_LENGTH :
			 KNTS_STAT_COOKIE_BAD_TAG, 1);
		goto nak;
	}
	klen = (unsigned int)err;
	err = knts_aead_ctx_setkey(&t->session, knts_session_alg(klen),
				   t->keys, klen / 2, false);
	if (!err)
		err = knts_nts_verify(&req, &t->session.a, false);
	if (err == -EBADMSG) {
		stat_inc(n, KNTS_STAT_AUTH_FAILED, 1);
		goto nak;
	}
	if (err) {
		drop(n, KNTS_STAT_DROP_MALFORMED);
		goto out;
	}
	/* As knts.ko: the opener's key when the current one's is longer. */
	cur = kr->current_id % NTSKEYS_MAX;
	if (!kr->present[cur] || kr->id[cur] != kr->current_id ||
	    !knts_nts_cookie_fits(&req, kr->key[cur].a.alg, klen))
		cur = slot;
	err = knts_nts_reply_begin(&r, out, &req, &tp, rx_ts, &kr->key[cur].a,
				   kr->id[cur], t->keys, klen, false);
	if (!err)
		err = knts_nts_reply_seal(&r, &t->session.a, t->keys + klen / 2,
					  ntp_now(), false);
	if (err) {
		drop(n, KNTS_STAT_DROP_TX);
		goto out;
	}
	stat_inc(n, KNTS_STAT_COOKIES_ISSUED, r.cookies);
	stat_inc(n, KNTS_STAT_AUTH_REPLIES, 1);
	ret = r.len;
	goto out;
nak:
	stat_inc(n, KNTS_STAT_NAKS, 1);
	ret = knts_ntp_build_kod(out, &req, &tp, KNTS_KISS_NTSN, rx_ts,
				 ntp_now());
out:
	knts_wipe(t->keys, sizeof(t->keys));
	return ret;
}

/* T2 from SO_TIMESTAMPING, and the address the request was sent to. */
static uint64_t parse_cmsgs(struct ntpsrv *n, struct msghdr *mh,
			    struct in_pktinfo *pi4, struct in6_pktinfo *pi6,
			    int *family)
{
	struct cmsghdr *cm;
	uint64_t ts = 0;

	*family = 0;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPING) {
			struct timespec t[3];

			memcpy(t, CMSG_DATA(cm), sizeof(t));
			if (t[0].tv_sec || t[0].tv_nsec)
				ts = ntp_ts_from_timespec(&t[0]);
		} else if (cm->cmsg_level == IPPROTO_IP &&
			   cm->cmsg_type == IP_PKTINFO) {
			memcpy(pi4, CMSG_DATA(cm), sizeof(*pi4));
			*family = AF_INET;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			memcpy(pi6, CMSG_DATA(cm), sizeof(*pi6));
			*family = AF_INET6;
		}
	}
	if (ts) {
		stat_inc(n, KNTS_STAT_RX_TS_KERNEL, 1);
		return ts;
	}
	stat_inc(n, KNTS_STAT_RX_TS_FALLBACK, 1);
	return ntp_now();
}

/* Reads up to BATCH requests; returns how many (0 on error). */
static int batch_receive(struct ntp_batch *b, int fd)
{
	int i, got;

	for (i = 0; i < BATCH; i++) {
		struct msghdr *mh = &b->rx[i].msg_hdr;

		b->riov[i].iov_base = b->in[i];
		b->riov[i].iov_len = sizeof(b->in[i]);
		memset(&b->rx[i], 0, sizeof(b->rx[i]));
		mh->msg_name = &b->peer[i];
		mh->msg_namelen = sizeof(b->peer[i]);
		mh->msg_iov = &b->riov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = b->cin[i];
		mh->msg_controllen = sizeof(b->cin[i]);
	}
	got = recvmmsg(fd, b->rx, BATCH, MSG_DONTWAIT, NULL);
	return got > 0 ? got : 0;
}

/* The reply, rlen bytes of out[0], to request i's sender. */
static void reply_msg(struct ntp_batch *b, int i, unsigned int rlen,
		      int family, struct in_pktinfo *pi4,
		      struct in6_pktinfo *pi6)
{
	struct msghdr *mh = &b->tx.msg_hdr;
	struct cmsghdr *cm;

	memset(&b->tx, 0, sizeof(b->tx));
	b->tiov.iov_base = b->out[0];
	b->tiov.iov_len = rlen;
	mh->msg_name = &b->peer[i];
	mh->msg_namelen = b->rx[i].msg_hdr.msg_namelen;
	mh->msg_iov = &b->tiov;
	mh->msg_iovlen = 1;
	if (!family)
		return;
	/* Reply from the address the request was sent to. */
	mh->msg_control = b->cout;
	mh->msg_controllen = family == AF_INET ? CMSG_SPACE(sizeof(*pi4)) :
						 CMSG_SPACE(sizeof(*pi6));
	memset(b->cout, 0, mh->msg_controllen);
	cm = CMSG_FIRSTHDR(mh);
	if (family == AF_INET) {
		pi4->ipi_ifindex = 0;
		pi4->ipi_spec_dst = pi4->ipi_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi4));
		memcpy(CMSG_DATA(cm), pi4, sizeof(*pi4));
	} else {
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(*pi6));
		memcpy(CMSG_DATA(cm), pi6, sizeof(*pi6));
	}
}

/*
 * chrony's ratelimit on knts.ko's algorithm: a source (an address) may
 * send one request every 2^interval seconds on average and burst at once;
 * over that, one request in 2^leak is still answered, the others are
 * dropped.
 */
static bool source_allowed(struct ntpsrv *n,
			   const struct sockaddr_storage *peer)
{
	size_t len;

	return access_check(&n->conf->access, peer->ss_family,
			    sock_addr(peer, &len));
}

static bool ratelimit_allow(struct ntpsrv *n,
			    const struct sockaddr_storage *peer)
{
	const struct conf *c = n->conf;
	int64_t now, old, next;
	uint64_t interval;
	_Atomic int64_t *b;
	struct timespec ts;
	const void *addr;
	uint8_t pfx[16];
	size_t len;
	uint32_t r;

	if (!c->ntp_ratelimit || !n->rl_tat)
		return true;
	addr = sock_addr(peer, &len);
	if (len == 16) {
		/* As knts.ko: a bucket per /64, a host's own prefix. */
		memcpy(pfx, addr, 8);
		memset(pfx + 8, 0, 8);
		addr = pfx;
	}
	interval = c->ntp_rl_interval >= 0 ?
		   1000000000ULL << c->ntp_rl_interval :
		   1000000000ULL >> -c->ntp_rl_interval;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	b = &n->rl_tat[knts_siphash(addr, len, n->rl_key) %
		       NTPSRV_RL_BUCKETS];
	old = atomic_load(b);
	do {
		if (!knts_gcra(old, now, interval, c->ntp_rl_burst, &next))
			goto limited;
	} while (!atomic_compare_exchange_weak(b, &old, next));
	return true;
limited:
	/* chrony's leak: 1 in 2^leak answered anyway (leak 0: all are). */
	knts_random_bytes(&r, sizeof(r));
	return (r & ((1u << c->ntp_rl_leak) - 1)) == 0;
}

/*
 * Whether a request may be answered, as knts.ko decides: not from source
 * port 0 (a reply there is a reflection), not from an IPv4-mapped IPv6
 * source, and not sent to a broadcast or multicast address (the reply
 * would come from an address that is not the one asked).
 */
static bool request_answerable(const struct sockaddr_storage *peer,
			       int family, const struct in_pktinfo *pi4,
			       const struct in6_pktinfo *pi6)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)peer;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)peer;

	if (peer->ss_family == AF_INET && !s4->sin_port)
		return false;
	if (peer->ss_family == AF_INET6 &&
	    (!s6->sin6_port || IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)))
		return false;
	if (family == AF_INET)
		return !IN_MULTICAST(ntohl(pi4->ipi_addr.s_addr)) &&
		       pi4->ipi_addr.s_addr == pi4->ipi_spec_dst.s_addr;
	if (family == AF_INET6)
		return !IN6_IS_ADDR_MULTICAST(&pi6->ipi6_addr);
	return true;
}

/*
 * One batch: receive with recvmmsg(), then answer each request and send
 * its reply at once, so that T3, taken as the reply is sealed, is the
 * time it leaves (a sendmmsg() after the whole batch would send replies
 * sealed up to a batch ago).  A reply the stack refuses counts as lost.
 */
static void serve_batch(struct ntp_thread *t, int fd)
{
	struct ntp_batch *b = &t->b;
	int i, got;

	got = batch_receive(b, fd);
	for (i = 0; i < got; i++) {
		struct msghdr *mh = &b->rx[i].msg_hdr;
		unsigned int len = b->rx[i].msg_len, rlen;
		struct in_pktinfo pi4;
		struct in6_pktinfo pi6;
		uint64_t rx_ts;
		int family;

		rx_ts = parse_cmsgs(t->n, mh, &pi4, &pi6, &family);
		/* chrony's allow and deny, as knts.ko applies them. */
		if (!source_allowed(t->n, &b->peer[i])) {
			stat_inc(t->n, KNTS_STAT_RX_PACKETS, 1);
			drop(t->n, KNTS_STAT_DROP_DENIED);
			continue;
		}
		if ((mh->msg_flags & MSG_TRUNC) || len > KNTS_NTP_MAX_LEN) {
			stat_inc(t->n, KNTS_STAT_RX_PACKETS, 1);
			drop(t->n, KNTS_STAT_DROP_SIZE);
			continue;
		}
		if (!request_answerable(&b->peer[i], family, &pi4, &pi6)) {
			stat_inc(t->n, KNTS_STAT_RX_PACKETS, 1);
			drop(t->n, KNTS_STAT_DROP_MALFORMED);
			continue;
		}
		if (!ratelimit_allow(t->n, &b->peer[i])) {
			stat_inc(t->n, KNTS_STAT_RX_PACKETS, 1);
			drop(t->n, KNTS_STAT_DROP_RATELIMIT);
			continue;
		}
		rlen = serve(t, b->in[i], len, rx_ts, b->out[0]);
		if (!rlen)
			continue;
		reply_msg(b, i, rlen, family, &pi4, &pi6);
		if (sendmsg(fd, &b->tx.msg_hdr, 0) < 0)
			drop(t->n, KNTS_STAT_DROP_TX);
	}
}

static void *ntp_main(void *arg)
{
	struct ntp_thread *t = arg;
	struct ntpsrv *n = t->n;
	struct epoll_event ev[4];
	unsigned int i;
	int efd, k, cnt;

	efd = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < n->nfd; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.fd = n->fd[i] };

		epoll_ctl(efd, EPOLL_CTL_ADD, n->fd[i], &e);
	}
	{
		struct epoll_event e = { .events = EPOLLIN, .data.fd = n->stop_fd };

		epoll_ctl(efd, EPOLL_CTL_ADD, n->stop_fd, &e);
	}
	for (;;) {
		cnt = epoll_wait(efd, ev, 4, -1);
		for (k = 0; k < cnt; k++) {
			if (ev[k].data.fd == n->stop_fd)
				goto out;
			serve_batch(t, ev[k].data.fd);
		}
	}
out:
	close(efd);
	for (i = 0; i < NTSKEYS_MAX; i++)
		knts_aead_ctx_uninit(&t->kr.key[i]);
	knts_aead_ctx_uninit(&t->session);
	free(t);
	return NULL;
}

/*
 * Kernel RX timestamps, and the address each request was sent to.
 * SO_REUSEPORT: a kntsd that starts while the module still serves its
 * predecessor's sockets binds beside them, hands its own over, and only
 * then lets the old ones go; no request finds the port closed.
 */
static int udp_setup(int fd, int family)
{
	int one = 1, tsflags = SOF_TIMESTAMPING_RX_SOFTWARE |
			       SOF_TIMESTAMPING_SOFTWARE;

	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &tsflags,
		       sizeof(tsflags)))
		log_warn("NTP: no kernel RX timestamps: %s", strerror(errno));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	return 0;
}

static int ntp_socket(const struct conf *c, int family)
{
	const void *addr = NULL;

	if (family == AF_INET && c->has_bind4)
		addr = &c->bind4;
	else if (family == AF_INET6 && c->has_bind6)
		addr = &c->bind6;
	return sock_bind_addr(family, SOCK_DGRAM, addr, c->ntp_port,
			      udp_setup);
}

/**
 * ntpsrv_init() - open the NTP sockets (as root: port 123)
 * @n: server
 * @c: configuration
 * @k: master keys
 * @err: why it failed
 * @errlen: its size
 *
 * Returns 0 or a negative errno (-EADDRINUSE when another NTP server, or
 * knts.ko, has the port).
 */
int ntpsrv_init(struct ntpsrv *n, const struct conf *c, struct keymgr *k,
		char *err, size_t errlen)
{
	int fd;

	memset(n, 0, sizeof(*n));
	n->conf = c;
	n->keys = k;
	n->stop_fd = -1;
	pthread_mutex_init(&n->ts_lock, NULL);
	if (c->ntp_ratelimit) {
		n->rl_tat = calloc(NTPSRV_RL_BUCKETS, sizeof(*n->rl_tat));
		if (!n->rl_tat) {
			snprintf(err, errlen, "ratelimit: out of memory");
			return -ENOMEM;
		}
		knts_random_bytes(n->rl_key, sizeof(n->rl_key));
	}
	fd = ntp_socket(c, AF_INET);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on UDP port %u%s: %s",
			 c->ntp_port, c->has_bind4 ? " (bindaddress)" : "",
			 strerror(-fd));
		return fd;
	}
	n->fd[n->nfd++] = fd;
	fd = ntp_socket(c, AF_INET6);
	if (fd >= 0)
		n->fd[n->nfd++] = fd;
	else if (c->has_bind6) {
		snprintf(err, errlen, "cannot listen on UDP port %u (IPv6 bindaddress): %s",
			 c->ntp_port, strerror(-fd));
		close(n->fd[0]);
		n->nfd = 0;
		return fd;
	}
	return 0;
}

/**
 * ntpsrv_start() - start serving
 * @n: server
 *
 * Returns 0 or a negative errno.
 */
int ntpsrv_start(struct ntpsrv *n)
{
	struct ntp_thread *t = calloc(1, sizeof(*t));
	unsigned int i;

	if (!t)
		return -ENOMEM;
	t->n = n;
	for (i = 0; i < NTSKEYS_MAX; i++)
		if (knts_aead_ctx_init(&t->kr.key[i]))
			return -ENOMEM;
	if (knts_aead_ctx_init(&t->session))
		return -ENOMEM;
	n->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->stop_fd < 0 || pthread_create(&n->thread, NULL, ntp_main, t))
		return -EAGAIN;
	n->running = true;
	if (!n->kernel)
		log_info("NTP served by kntsd on UDP port %u (%s)",
			 n->conf->ntp_port, n->nfd > 1 ? "IPv4, IPv6" : "IPv4");
	return 0;
}

/**
 * ntpsrv_stop() - stop serving and close the sockets
 * @n: server
 */
void ntpsrv_stop(struct ntpsrv *n)
{
	uint64_t one = 1;
	unsigned int i;

	if (n->running) {
		if (write(n->stop_fd, &one, sizeof(one)) < 0)
			log_warn("cannot stop the NTP thread: %s",
				 strerror(errno));
		pthread_join(n->thread, NULL);
		n->running = false;
	}
	for (i = 0; i < n->nfd; i++)
		close(n->fd[i]);
	n->nfd = 0;
	if (n->stop_fd >= 0)
		close(n->stop_fd);
	n->stop_fd = -1;
	free(n->rl_tat);
	n->rl_tat = NULL;
}

/**
 * ntpsrv_set_time() - the clock's state replies announce from now on
 * @n: server
 * @ts: state; with ts->valid false, replies say leap 3 once the previous
 *	state is stale
 */
void ntpsrv_set_time(struct ntpsrv *n, const struct time_status *ts)
{
	pthread_mutex_lock(&n->ts_lock);
	if (ts->valid) {
		n->ts = *ts;
		n->ts_set = mono_now();
	} else {
		n->ts.precision = ts->precision;
	}
	pthread_mutex_unlock(&n->ts_lock);
}
