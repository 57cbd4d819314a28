/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsd's own NTP server: the fallback when knts.ko is not there (or
 * "kntsntp userspace"), through the same protocol core as the module, with
 * the same counters.  When the module serves, these are the sockets kntsd
 * hands it, and this server reads what the module leaves on them (other
 * modes, garbage, a request that came while a socket changed hands).  recvmmsg in, a sendmsg per reply as soon as it is
 * sealed (T3 is when it leaves), kernel RX timestamps via
 * SO_TIMESTAMPING, replies sent from the address the request came to.
 */
#ifndef KNTS_NTPSRV_H
#define KNTS_NTPSRV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "uapi/linux/knts.h"
#include "config.h"
#include "keymgr.h"
#include "timesync.h"

struct ntpsrv {
	const struct conf *conf;
	struct keymgr *keys;
	bool kernel;			/* the module serves the sockets */
	int fd[2];
	unsigned int nfd;
	int stop_fd;
	pthread_t thread;
	bool running;
	pthread_mutex_t ts_lock;	/* guards ts, ts_set */
	struct time_status ts;
	double ts_set;			/* mono_now() when ts was set */
	_Atomic uint64_t stats[__KNTS_STAT_MAX];
	/* ratelimit: knts.ko's algorithm (core/ratelimit.h), chrony's knobs */
	_Atomic int64_t *rl_tat;	/* NTPSRV_RL_BUCKETS arrival times */
	uint64_t rl_key[2];		/* source address -> bucket */
};

#define NTPSRV_RL_BUCKETS 16384

int ntpsrv_init(struct ntpsrv *n, const struct conf *c, struct keymgr *k,
		char *err, size_t errlen);
int ntpsrv_start(struct ntpsrv *n);
void ntpsrv_stop(struct ntpsrv *n);
void ntpsrv_set_time(struct ntpsrv *n, const struct time_status *ts);

#endif /* KNTS_NTPSRV_H */
