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
#include "uapi/knts_counters.h"
#include "keymgr.h"

/* chrony's SERVER_TIMEOUT: a session must be done in 2 seconds. */
#define KESRV_TIMEOUT 2.0
#define KESRV_RL_BUCKETS 4096
/* Open connections per source (/32, /64), counted in hashed slots. */
#define KESRV_SRC_SLOTS 4096
/* Connections taken from a listener per wake-up: the rest wait their turn. */
#define KESRV_ACCEPT_BATCH 32
/* Out of descriptors even for shedding: listeners rest this long. */
#define KESRV_FD_PAUSE 0.1

/* The NTS-KE counters of uapi/knts_counters.h; the total is derived. */
#define KESRV_STAT_FIELD(field, label, key) _Atomic uint64_t field;
#define KESRV_STAT_NONE(field, label, key)
struct kesrv_stats {
	KNTS_KE_STATS(KESRV_STAT_FIELD, KESRV_STAT_NONE, KESRV_STAT_FIELD)
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
	_Atomic uint32_t *src;		/* KESRV_SRC_SLOTS open counts */
	_Atomic int64_t cert_not_after;	/* first certificate expiry, Unix s */
	pthread_mutex_t reserve_lock;
	int reserve_fd;			/* given up to shed a connection */
};

int kesrv_init(struct kesrv *s, const struct conf *c, struct keymgr *k,
	       char *err, size_t errlen);
int kesrv_load_certs(struct kesrv *s, const struct conf *c, char *err,
		     size_t errlen);
int kesrv_start(struct kesrv *s);
void kesrv_stop(struct kesrv *s);

#endif /* KNTS_KESRV_H */
