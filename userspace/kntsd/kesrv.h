/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsd's NTS-KE server (RFC 8915 section 4) on OpenSSL: TLS 1.3 only,
 * ALPN "ntske/1", one or more certificates chosen by SNI, worker threads
 * each with its own epoll loop over non-blocking connections, chrony's
 * limits and per-connection timeout.
 */
#ifndef KNTS_KESRV_H
#define KNTS_KESRV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "config.h"
#include "keymgr.h"

/* chrony's SERVER_TIMEOUT: a session must be done in 2 seconds. */
#define KESRV_TIMEOUT 2.0
#define KESRV_RL_BUCKETS 4096

struct kesrv_stats {
	_Atomic uint64_t accepted;	/* connections accepted */
	_Atomic uint64_t drop_maxconn;	/* over maxntsconnections */
	_Atomic uint64_t drop_ratelimit;	/* over ntsratelimit */
	_Atomic uint64_t drop_tls;	/* TLS handshake failed */
	_Atomic uint64_t drop_alpn;	/* ... for want of ALPN ntske/1 */
	_Atomic uint64_t drop_timeout;	/* not done within KESRV_TIMEOUT */
	_Atomic uint64_t drop_invalid;	/* records that can never parse */
	_Atomic uint64_t drop_io;	/* connection reset or closed early */
	_Atomic uint64_t errors_sent;	/* NTS-KE Error records sent */
	_Atomic uint64_t completed;	/* responses with cookies sent */
	_Atomic uint64_t cookies;	/* cookies issued */
};

uint64_t kesrv_dropped(const struct kesrv_stats *st);

struct kesrv_ctxs;

struct kesrv {
	const struct conf *conf;
	struct keymgr *keys;
	int lfd[2];
	unsigned int nlfd;
	pthread_mutex_t ctx_lock;	/* guards ctxs (replaced on reload) */
	struct kesrv_ctxs *ctxs;
	pthread_t *threads;
	unsigned int nthreads;
	int stop_fd;			/* eventfd: workers stop */
	_Atomic unsigned int conns;	/* connections open */
	struct kesrv_stats st;
	pthread_mutex_t rl_lock;
	struct kesrv_bucket {
		double tokens;
		double last;
	} *rl;
	uint64_t rl_key[2];
};

int kesrv_init(struct kesrv *s, const struct conf *c, struct keymgr *k,
	       char *err, size_t errlen);
int kesrv_load_certs(struct kesrv *s, const struct conf *c, char *err,
		     size_t errlen);
int kesrv_start(struct kesrv *s);
void kesrv_stop(struct kesrv *s);

#endif /* KNTS_KESRV_H */
