// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd's NTS-KE server.
 *
 * Every worker thread waits on the listening sockets (EPOLLEXCLUSIVE: one
 * worker wakes per connection) and drives its own connections through the
 * TLS handshake, reading the request, and writing the response, all
 * non-blocking: a slow or silent client costs a file descriptor and a
 * buffer until its deadline, never a thread.  Cookies are sealed with the
 * current master key through the same protocol core as the kernel's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/cookie.h"
#include "kesrv.h"
#include "log.h"
#include "lib/nke_client.h"
#include "lib/ntske.h"
#include "lib/siv_openssl.h"
#include "lib/sock.h"
#include "lib/util.h"

#define KESRV_EVENTS 64
#define KESRV_OUT_MAX 2048

struct kesrv_ctxs {
	SSL_CTX *ctx[CONF_MAX_CERTS];
	X509 *cert[CONF_MAX_CERTS];
	unsigned int n;
	_Atomic int refs;
};

enum conn_state { CONN_HANDSHAKE, CONN_READ, CONN_WRITE, CONN_SHUTDOWN };

struct conn {
	int fd;
	SSL *ssl;
	enum conn_state state;
	double deadline;
	bool alpn_refused;
	struct kesrv_ctxs *cx;	/* held: SNI callbacks use it */
	size_t inlen, outlen, outoff;
	unsigned int src;	/* its slot in kesrv.src */
	struct nke_scanner scan;	/* how far the request was scanned */
	char peer[INET6_ADDRSTRLEN + 8];
	struct conn *prev, *next;
	uint8_t out[KESRV_OUT_MAX];
	uint8_t in[NKE_MAX_MESSAGE];
};

struct worker {
	struct kesrv *s;
	int efd;
	struct conn *conns;		/* list, for deadlines */
	struct knts_aead_ctx master;	/* keyed with the current master key */
	double listen_paused;		/* listeners off until then (no fds) */
	uint32_t key_id;
	uint64_t key_gen;
};

static int conn_ex_index = -1;

/* ---- TLS contexts ---------------------------------------------------- */

static int alpn_select(SSL *ssl, const unsigned char **out,
		       unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	static const unsigned char want[] = "\x07" NKE_ALPN;
	struct conn *c = SSL_get_ex_data(ssl, conn_ex_index);
	unsigned int i;

	(void)arg;
	for (i = 0; i + 1 <= inlen && i + 1 + in[i] <= inlen; i += 1 + in[i]) {
		if (in[i] == 7 && !memcmp(in + i + 1, NKE_ALPN, 7)) {
			*out = want + 1;
			*outlen = 7;
			return SSL_TLSEXT_ERR_OK;
		}
	}
	/* RFC 8915 4: a server MUST NOT proceed without ntske/1. */
	if (c)
		c->alpn_refused = true;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* SNI: the certificate whose names match, else the first one. */
static int sni_select(SSL *ssl, int *alert, void *arg)
{
	struct kesrv_ctxs *cx = arg;
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	unsigned int i;

	(void)alert;
	if (!name)
		return SSL_TLSEXT_ERR_OK;
	for (i = 1; i < cx->n; i++) {
		if (X509_check_host(cx->cert[i], name, 0, 0, NULL) == 1) {
			SSL_set_SSL_CTX(ssl, cx->ctx[i]);
			break;
		}
	}
	return SSL_TLSEXT_ERR_OK;
}

static void ssl_errors(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "unknown error");
	ERR_clear_error();
}

static void ctxs_put(struct kesrv_ctxs *cx)
{
	unsigned int i;

	if (!cx || atomic_fetch_sub(&cx->refs, 1) != 1)
		return;
	for (i = 0; i < cx->n; i++) {
		SSL_CTX_free(cx->ctx[i]);
		X509_free(cx->cert[i]);
	}
	free(cx);
}

static struct kesrv_ctxs *ctxs_get(struct kesrv *s)
{
	struct kesrv_ctxs *cx;

	pthread_mutex_lock(&s->ctx_lock);
	cx = s->ctxs;
	if (cx)
		atomic_fetch_add(&cx->refs, 1);
	pthread_mutex_unlock(&s->ctx_lock);
	return cx;
}

/*
 * The key is read at start and on reload, by a daemon: a passphrase would
 * be asked on whatever terminal it has, or hang it.  Refused at once, and
 * noted (*asked) for the error message.
 */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)asked = 1;
	return -1;
}

static SSL_CTX *make_ctx(const struct conf_cert *cc, X509 **cert, char *err,
			 size_t errlen)
{
	char why[256];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int asked = 0;

	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
	/*
	 * No resumption at all: in TLS 1.3, SSL_OP_NO_TICKET alone still sends
	 * (stateful) tickets, two per connection, for a cache that is off.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &asked);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cc->cert) != 1) {
		ssl_errors(why, sizeof(why));
		snprintf(err, errlen, "ntsservercert %s: %s", cc->cert, why);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cc->key, SSL_FILETYPE_PEM) != 1) {
		ssl_errors(why, sizeof(why));
		if (asked)
			snprintf(err, errlen,
				 "ntsserverkey %s is protected by a passphrase, which kntsd does not support: store the key unencrypted, readable by kntsd only",
				 cc->key);
		else
			snprintf(err, errlen, "ntsserverkey %s: %s", cc->key,
				 why);
		goto fail;
	}
	/* Nothing after this may ask: the userdata is on this stack. */
	SSL_CTX_set_default_passwd_cb(ctx, NULL);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "ntsserverkey %s does not match ntsservercert %s",
			 cc->key, cc->cert);
		goto fail;
	}
	*cert = SSL_CTX_get0_certificate(ctx);
	if (X509_cmp_current_time(X509_get0_notAfter(*cert)) < 0)
		log_warn("certificate %s has expired: clients will refuse it",
			 cc->cert);
	X509_up_ref(*cert);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* The first notAfter of the certificates, Unix seconds; 0 if unknown. */
static int64_t certs_not_after(const struct kesrv_ctxs *cx)
{
	int64_t first = 0, t;
	unsigned int i;
	struct tm tm;

	for (i = 0; i < cx->n; i++) {
		memset(&tm, 0, sizeof(tm));
		if (ASN1_TIME_to_tm(X509_get0_notAfter(cx->cert[i]), &tm) != 1)
			continue;
		t = (int64_t)timegm(&tm);
		if (!first || t < first)
			first = t;
	}
	return first;
}

/**
 * kesrv_load_certs() - (re)load every ntsserverkey/ntsservercert pair
 * @s: server
 * @c: configuration
 * @err: why it failed
 * @errlen: its size
 *
 * All pairs load, or none replaces what is in use: on reload a bad new
 * certificate keeps the old ones serving.  Connections in progress keep
 * the context they started with.
 *
 * Returns 0 or -EINVAL.
 */
int kesrv_load_certs(struct kesrv *s, const struct conf *c, char *err,
		     size_t errlen)
{
	struct kesrv_ctxs *cx, *old;
	unsigned int i;

	if (!c->ncerts) {
		snprintf(err, errlen, "no ntsserverkey/ntsservercert pair");
		return -EINVAL;
	}
	cx = calloc(1, sizeof(*cx));
	if (!cx)
		return -ENOMEM;
	atomic_init(&cx->refs, 1);
	for (i = 0; i < c->ncerts; i++) {
		cx->ctx[i] = make_ctx(&c->certs[i], &cx->cert[i], err, errlen);
		if (!cx->ctx[i]) {
			ctxs_put(cx);
			return -EINVAL;
		}
		cx->n++;
	}
	for (i = 0; i < cx->n && cx->n > 1; i++) {
		SSL_CTX_set_tlsext_servername_callback(cx->ctx[i], sni_select);
		SSL_CTX_set_tlsext_servername_arg(cx->ctx[i], cx);
	}
	atomic_store(&s->cert_not_after, certs_not_after(cx));

	pthread_mutex_lock(&s->ctx_lock);
	old = s->ctxs;
	s->ctxs = cx;
	pthread_mutex_unlock(&s->ctx_lock);
	ctxs_put(old);
	return 0;
}

/* ---- rate limiting ---------------------------------------------------- */

/* chrony's ntsratelimit: a bucket of `burst` sessions per client address,
 * refilled at one per 2^interval seconds; 1 in 2^leak over it still served. */
static bool ratelimit_ok(struct kesrv *s, const struct sockaddr_storage *ss)
{
	const struct conf *c = s->conf;
	uint8_t addr[16] = { 0 };
	struct kesrv_bucket *b;
	double now = mono_now(), rate;
	unsigned int r;
	size_t len;
	uint64_t h;
	bool ok;

	if (!c->ratelimit)
		return true;
	memcpy(addr, sock_addr(ss, &len), len);
	h = knts_siphash(addr, sizeof(addr), s->rl_key);
	rate = 1.0 / (c->rl_interval >= 0 ? (double)(1u << c->rl_interval) :
		      1.0 / (double)(1u << -c->rl_interval));

	pthread_mutex_lock(&s->rl_lock);
	b = &s->rl[h % KESRV_RL_BUCKETS];
	if (b->last == 0)
		b->tokens = c->rl_burst;
	b->tokens += (now - b->last) * rate;
	if (b->tokens > c->rl_burst)
		b->tokens = c->rl_burst;
	b->last = now;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&s->rl_lock);
	if (!ok && c->rl_leak == 0)
		return true;	/* leak 0: limited sessions are all served */
	if (!ok) {
		knts_random_bytes(&r, sizeof(r));
		ok = (r & ((1u << c->rl_leak) - 1)) == 0;
	}
	return ok;
}

/*
 * Open connections per source: an IPv4 address, or an IPv6 /64 (what one
 * host, or one customer, can use at will).  Slots are counted under a
 * keyed SipHash, so a source cannot aim at another's slot; two sources
 * that share one by chance share its limit.
 */
static unsigned int source_slot(const struct kesrv *s,
				const struct sockaddr_storage *ss)
{
	const uint8_t *a;
	uint8_t key[9];
	size_t n;

	a = sock_addr(ss, &n);
	/* An IPv4-mapped address is that IPv4 address; IPv6, its /64. */
	if (n == 16 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a)) {
		a += 12;
		n = 4;
	} else if (n == 16) {
		n = 8;
	}
	/* Not the rate limiter's hash of the same address: a tag byte. */
	key[0] = (uint8_t)n;
	memcpy(key + 1, a, n);
	return (unsigned int)(knts_siphash(key, 1 + n, s->rl_key) %
			      KESRV_SRC_SLOTS);
}

static bool source_take(struct kesrv *s, unsigned int slot)
{
	unsigned int max = s->conf->source_connections;
	uint32_t n = atomic_fetch_add(&s->src[slot], 1);

	if (max && n >= max) {
		atomic_fetch_sub(&s->src[slot], 1);
		return false;
	}
	return true;
}

/* ---- connections ------------------------------------------------------ */

/* Connections refused or failed: the sum of the causes. */
uint64_t kesrv_dropped(const struct kesrv_stats *st)
{
#define KESRV_STAT_ADD(field, label, key) + atomic_load(&st->field)
	return 0 KNTS_KE_STATS(KESRV_STAT_NONE, KESRV_STAT_NONE, KESRV_STAT_ADD);
#undef KESRV_STAT_ADD
}

static void conn_close(struct worker *w, struct conn *c, _Atomic uint64_t *why)
{
	struct kesrv *s = w->s;

	if (why)
		atomic_fetch_add(why, 1);
	epoll_ctl(w->efd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->ssl)
		SSL_free(c->ssl);
	ctxs_put(c->cx);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	OPENSSL_cleanse(c->in, c->inlen);
	atomic_fetch_sub(&s->src[c->src], 1);
	free(c);
	atomic_fetch_sub(&s->conns, 1);
}

static void conn_want(struct worker *w, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	epoll_ctl(w->efd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Re-keys the worker's cipher when the current master key changed. */
static int worker_key(struct worker *w)
{
	struct ntskeys k;
	uint64_t gen;
	int ret = 0;

	keymgr_snapshot(w->s->keys, &k, &gen);
	if (gen != w->key_gen) {
		ret = knts_aead_ctx_setkey(&w->master, k.keys[k.current].aead,
					   k.keys[k.current].key,
					   ntskey_len(&k.keys[k.current]),
					   true);
		w->key_id = k.keys[k.current].id;
		w->key_gen = ret ? 0 : gen;
	}
	ntskeys_wipe(&k);
	return ret;
}

/* Builds the response to a complete request into c->out. */
static int conn_respond(struct worker *w, struct conn *c)
{
	uint8_t cookies[NKE_MAX_COOKIES][KNTS_COOKIE_MAX_LEN];
	uint8_t keys[KNTS_COOKIE_KEYS_LEN];
	struct nke_response resp = { .ntp_port = w->s->conf->ntp_port,
				     .server = w->s->conf->ntp_server };
	struct nke_request req;
	unsigned int i, clen;
	size_t klen;
	int len, ret = -1;

	nke_parse_request(c->in, c->inlen, &req);
	/* The client's first choice among those ntsaeads allows. */
	resp.aead = nke_select_aead(&req, w->s->conf->aeads);
	resp.compliant_128gcm = resp.aead == NKE_AEAD_GCM_SIV_128 &&
				req.compliant_128gcm;
	if (req.error >= 0 || !req.ntpv4 || !resp.aead) {
		len = nke_build_response(c->out, sizeof(c->out), &req, &resp);
		atomic_fetch_add(&w->s->st.errors_sent, 1);
		goto done;
	}
	/* RFC 8915 5.1: C2S and S2C from the TLS exporter. */
	if (nke_export_keys(c->ssl, resp.aead, resp.compliant_128gcm, keys,
			    &klen))
		goto internal;
	if (worker_key(w))
		goto internal;
	clen = knts_cookie_len(w->master.a.alg, (unsigned int)klen);
	for (i = 0; i < NKE_MAX_COOKIES; i++) {
		memcpy(cookies[i] + knts_cookie_keys_off(w->master.a.alg),
		       keys, klen);
		if (knts_cookie_seal(&w->master.a, w->key_id, cookies[i],
				     (unsigned int)klen))
			goto internal;
		resp.cookies[i] = cookies[i];
		resp.cookie_len[i] = clen;
	}
	resp.ncookies = NKE_MAX_COOKIES;
	len = nke_build_response(c->out, sizeof(c->out), &req, &resp);
	if (len > 0) {
		atomic_fetch_add(&w->s->st.completed, 1);
		atomic_fetch_add(&w->s->st.cookies, NKE_MAX_COOKIES);
	}
	goto done;
internal:
	log_warn("NTS-KE %s: key export or cookie failed", c->peer);
	len = nke_build_error(c->out, sizeof(c->out), NKE_ERR_INTERNAL);
	atomic_fetch_add(&w->s->st.errors_sent, 1);
done:
	OPENSSL_cleanse(keys, sizeof(keys));
	OPENSSL_cleanse(cookies, sizeof(cookies));
	if (len > 0) {
		c->outlen = (size_t)len;
		c->outoff = 0;
		ret = 0;
	}
	return ret;
}

/* After an SSL call returned r <= 0: wait for the socket, or give up. */
static bool conn_retry(struct worker *w, struct conn *c, int r)
{
	int e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ)
		conn_want(w, c, EPOLLIN);
	else if (e == SSL_ERROR_WANT_WRITE)
		conn_want(w, c, EPOLLOUT);
	else
		return false;
	return true;
}

/* Advances a connection as far as it goes without blocking. */
static void conn_step(struct worker *w, struct conn *c)
{
	struct kesrv_stats *st = &w->s->st;
	int r;

	for (;;) {
		ERR_clear_error();
		switch (c->state) {
		case CONN_HANDSHAKE:
			r = SSL_do_handshake(c->ssl);
			if (r == 1) {
				const unsigned char *alpn;
				unsigned int alen;

				/* A client that sent no ALPN at all got here. */
				SSL_get0_alpn_selected(c->ssl, &alpn, &alen);
				if (alen != 7 || memcmp(alpn, NKE_ALPN, 7)) {
					log_debug("NTS-KE %s: no ALPN ntske/1",
						  c->peer);
					return conn_close(w, c, &st->drop_alpn);
				}
				c->state = CONN_READ;
				continue;
			}
			if (conn_retry(w, c, r))
				return;
			log_debug("NTS-KE %s: TLS handshake failed%s", c->peer,
				  c->alpn_refused ? ": no ALPN ntske/1" : "");
			return conn_close(w, c, c->alpn_refused ?
					  &st->drop_alpn : &st->drop_tls);
		case CONN_READ:
			r = SSL_read(c->ssl, c->in + c->inlen,
				     (int)(sizeof(c->in) - c->inlen));
			if (r <= 0) {
				if (!conn_retry(w, c, r))
					conn_close(w, c, &st->drop_io);
				return;
			}
			c->inlen += (size_t)r;
			switch (nke_scan_more(&c->scan, c->in, c->inlen)) {
			case NKE_SCAN_MORE:
				if (c->inlen < sizeof(c->in))
					continue;
				/* Full and still incomplete. */
				__attribute__((fallthrough));
			case NKE_SCAN_INVALID:
				log_debug("NTS-KE %s: malformed request", c->peer);
				return conn_close(w, c, &st->drop_invalid);
			case NKE_SCAN_COMPLETE:
				break;
			}
			if (conn_respond(w, c))
				return conn_close(w, c, &st->drop_io);
			c->state = CONN_WRITE;
			continue;
		case CONN_WRITE:
			r = SSL_write(c->ssl, c->out + c->outoff,
				      (int)(c->outlen - c->outoff));
			if (r <= 0) {
				if (!conn_retry(w, c, r))
					conn_close(w, c, &st->drop_io);
				return;
			}
			c->outoff += (size_t)r;
			if (c->outoff == c->outlen)
				c->state = CONN_SHUTDOWN;
			continue;
		case CONN_SHUTDOWN:
			/* Best effort close_notify; the response is out. */
			SSL_shutdown(c->ssl);
			return conn_close(w, c, NULL);
		}
	}
}

/*
 * Out of descriptors (EMFILE, ENFILE): the pending connection would wake
 * every worker again and again.  Give up the reserve descriptor, take the
 * connection and close it, and take the reserve back.  Returns false when
 * even that failed: the caller then stops listening for a moment.
 */
static bool shed_one(struct kesrv *s, int lfd)
{
	bool shed = false;
	int fd;

	pthread_mutex_lock(&s->reserve_lock);
	/* Lost to a racing accept last time: take it back first. */
	if (s->reserve_fd < 0)
		s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (s->reserve_fd >= 0) {
		close(s->reserve_fd);
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			atomic_fetch_add(&s->st.drop_fds, 1);
		}
		/* Nothing pending any more (another worker took it): fine. */
		shed = fd >= 0 || errno == EAGAIN;
		s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	pthread_mutex_unlock(&s->reserve_lock);
	return shed;
}

/*
 * Listeners off in this worker's loop, or on again (EPOLLEXCLUSIVE allows
 * no EPOLL_CTL_MOD: out and back in).
 */
static void listen_arm(struct worker *w, bool on)
{
	struct kesrv *s = w->s;
	unsigned int i;

	for (i = 0; i < s->nlfd; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE,
					  .data.ptr = &s->lfd[i] };

		epoll_ctl(w->efd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
			  s->lfd[i], &ev);
	}
}

/* Refuses a connection, counted under @why. */
static void refuse(struct kesrv *s, int fd, _Atomic uint64_t *why)
{
	atomic_fetch_sub(&s->conns, 1);
	atomic_fetch_add(why, 1);
	close(fd);
}

/*
 * At most KESRV_ACCEPT_BATCH connections a wake-up: the listener stays
 * readable and comes back in the next epoll_wait, after the connections
 * already open have had their turn.
 */
static void accept_all(struct worker *w, int lfd)
{
	struct kesrv *s = w->s;
	struct sockaddr_storage ss;
	struct kesrv_ctxs *cx;
	unsigned int n, slot;
	struct conn *c;
	socklen_t sl;
	size_t alen;
	int fd;

	for (n = 0; n < KESRV_ACCEPT_BATCH; n++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if ((errno == EMFILE || errno == ENFILE) &&
			    !shed_one(s, lfd)) {
				w->listen_paused = mono_now() + KESRV_FD_PAUSE;
				listen_arm(w, false);
			}
			return;
		}
		atomic_fetch_add(&s->st.accepted, 1);
		/* chrony's allow and deny apply to NTS-KE as to NTP. */
		if (!access_check(&s->conf->access, ss.ss_family,
				  sock_addr(&ss, &alen))) {
			atomic_fetch_add(&s->conns, 1);
			refuse(s, fd, &s->st.drop_denied);
			continue;
		}
		if (atomic_fetch_add(&s->conns, 1) >= s->conf->max_connections) {
			refuse(s, fd, &s->st.drop_maxconn);
			continue;
		}
		slot = source_slot(s, &ss);
		if (!source_take(s, slot)) {
			refuse(s, fd, &s->st.drop_source);
			continue;
		}
		if (!ratelimit_ok(s, &ss)) {
			atomic_fetch_sub(&s->src[slot], 1);
			refuse(s, fd, &s->st.drop_ratelimit);
			continue;
		}
		c = calloc(1, sizeof(*c));
		cx = ctxs_get(s);
		if (!c || !cx || !(c->ssl = SSL_new(cx->ctx[0]))) {
			ctxs_put(cx);
			free(c);
			atomic_fetch_sub(&s->src[slot], 1);
			refuse(s, fd, &s->st.drop_io);
			continue;
		}
		c->src = slot;
		c->cx = cx;
		c->fd = fd;
		c->deadline = mono_now() + KESRV_TIMEOUT;
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
				  c->peer, sizeof(c->peer));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
				  c->peer, sizeof(c->peer));
		SSL_set_fd(c->ssl, fd);
		SSL_set_accept_state(c->ssl);
		SSL_set_ex_data(c->ssl, conn_ex_index, c);
		c->next = w->conns;
		if (c->next)
			c->next->prev = c;
		w->conns = c;
		{
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

			epoll_ctl(w->efd, EPOLL_CTL_ADD, fd, &ev);
		}
		conn_step(w, c);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct kesrv *s = w->s;
	struct epoll_event ev[KESRV_EVENTS];
	int i, n, timeout;

	for (;;) {
		double now = mono_now(), next = now + 1.0;
		struct conn *c, *cn;

		for (c = w->conns; c; c = cn) {
			cn = c->next;
			if (c->deadline <= now)
				conn_close(w, c, &s->st.drop_timeout);
			else if (c->deadline < next)
				next = c->deadline;
		}
		if (w->listen_paused) {
			if (w->listen_paused <= now) {
				w->listen_paused = 0;
				listen_arm(w, true);
			} else if (w->listen_paused < next) {
				next = w->listen_paused;
			}
		}
		timeout = (int)((next - now) * 1000) + 1;
		n = epoll_wait(w->efd, ev, KESRV_EVENTS, timeout);
		for (i = 0; i < n; i++) {
			void *p = ev[i].data.ptr;

			if (p == &s->stop_fd)
				goto out;
			if (p == &s->lfd[0] || p == &s->lfd[1])
				accept_all(w, *(int *)p);
			else
				conn_step(w, p);
		}
	}
out:
	while (w->conns)
		conn_close(w, w->conns, NULL);
	close(w->efd);
	knts_aead_ctx_uninit(&w->master);
	free(w);
	return NULL;
}

static int tcp_setup(int fd, int family)
{
	int one = 1;

	(void)family;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return 0;
}

static int listen_on(int family, uint16_t port, unsigned int backlog)
{
	int fd = sock_bind_any(family, SOCK_STREAM, port, tcp_setup);

	if (fd >= 0 && listen(fd, (int)backlog)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/**
 * kesrv_init() - load the certificates and open the listening sockets
 * @s: server
 * @c: configuration
 * @k: master keys
 * @err: why it failed
 * @errlen: its size
 *
 * Run as root: the key files may be readable only by root and the port
 * may be privileged.  Returns 0 or a negative errno.
 */
int kesrv_init(struct kesrv *s, const struct conf *c, struct keymgr *k,
	       char *err, size_t errlen)
{
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->conf = c;
	s->keys = k;
	s->stop_fd = -1;
	s->reserve_fd = -1;
	pthread_mutex_init(&s->ctx_lock, NULL);
	pthread_mutex_init(&s->rl_lock, NULL);
	pthread_mutex_init(&s->reserve_lock, NULL);
	if (conn_ex_index < 0)
		conn_ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	s->rl = calloc(KESRV_RL_BUCKETS, sizeof(*s->rl));
	s->src = calloc(KESRV_SRC_SLOTS, sizeof(*s->src));
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!s->rl || !s->src || s->reserve_fd < 0)
		return -ENOMEM;
	knts_random_bytes(s->rl_key, sizeof(s->rl_key));
	ret = kesrv_load_certs(s, c, err, errlen);
	if (ret)
		return ret;

	fd = listen_on(AF_INET, c->nts_port, c->max_connections);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on TCP port %u (IPv4): %s",
			 c->nts_port, strerror(-fd));
		return fd;
	}
	s->lfd[s->nlfd++] = fd;
	fd = listen_on(AF_INET6, c->nts_port, c->max_connections);
	if (fd >= 0)
		s->lfd[s->nlfd++] = fd;
	else if (fd != -EAFNOSUPPORT)
		log_warn("NTS-KE: no IPv6 socket on port %u: %s", c->nts_port,
			 strerror(-fd));
	return 0;
}

/**
 * kesrv_start() - start the worker threads
 * @s: server
 *
 * Returns 0 or a negative errno.
 */
int kesrv_start(struct kesrv *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i, j;

	s->nthreads = s->conf->processes ? s->conf->processes :
		      (unsigned int)(cpus > 0 ? cpus : 1);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->threads = calloc(s->nthreads, sizeof(*s->threads));
	if (s->stop_fd < 0 || !s->threads)
		return -ENOMEM;
	for (i = 0; i < s->nthreads; i++) {
		struct worker *w = calloc(1, sizeof(*w));
		struct epoll_event ev;

		if (!w || knts_aead_ctx_init(&w->master))
			return -ENOMEM;
		w->s = s;
		w->efd = epoll_create1(EPOLL_CLOEXEC);
		if (w->efd < 0)
			return -errno;
		for (j = 0; j < s->nlfd; j++) {
			ev.events = EPOLLIN | EPOLLEXCLUSIVE;
			ev.data.ptr = &s->lfd[j];
			epoll_ctl(w->efd, EPOLL_CTL_ADD, s->lfd[j], &ev);
		}
		ev.events = EPOLLIN;
		ev.data.ptr = &s->stop_fd;
		epoll_ctl(w->efd, EPOLL_CTL_ADD, s->stop_fd, &ev);
		if (pthread_create(&s->threads[i], NULL, worker_main, w))
			return -EAGAIN;
	}
	log_info("NTS-KE server on TCP port %u (%s), %u worker thread%s",
		 s->conf->nts_port, s->nlfd > 1 ? "IPv4, IPv6" : "IPv4",
		 s->nthreads, s->nthreads == 1 ? "" : "s");
	return 0;
}

/**
 * kesrv_stop() - stop the workers, close every connection and socket
 * @s: server
 */
void kesrv_stop(struct kesrv *s)
{
	uint64_t one = 1;
	unsigned int i;

	if (s->stop_fd >= 0 && write(s->stop_fd, &one, sizeof(one)) < 0)
		log_warn("cannot stop the NTS-KE workers: %s", strerror(errno));
	for (i = 0; s->threads && i < s->nthreads; i++)
		if (s->threads[i])
			pthread_join(s->threads[i], NULL);
	free(s->threads);
	s->threads = NULL;
	for (i = 0; i < s->nlfd; i++)
		close(s->lfd[i]);
	s->nlfd = 0;
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	s->stop_fd = -1;
	ctxs_put(s->ctxs);
	s->ctxs = NULL;
	free(s->rl);
	s->rl = NULL;
	free(s->src);
	s->src = NULL;
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	s->reserve_fd = -1;
}
