// SPDX-License-Identifier: GPL-2.0
/*
 * knts_random_bytes() for the protocol core in userspace: getrandom(2),
 * drawn a page at a time into a per-thread pool so that a reply's two
 * nonces cost no system call each.  A forked child starts with an empty
 * pool, never with its parent's bytes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/core_user.h"

#define POOL 4096

static __thread u8 pool[POOL];
static __thread size_t pool_left;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void child_forget(void)
{
	explicit_bzero(pool, sizeof(pool));
	pool_left = 0;
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, child_forget);
}

static void fill(u8 *p, size_t len)
{
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Never fall back to weak bytes: stop here. */
			abort();
		}
		p += n;
		len -= (size_t)n;
	}
}

void knts_random_bytes(void *buf, size_t len)
{
	pthread_once(&atfork_once, register_atfork);
	if (len > POOL / 4) {
		fill(buf, len);
		return;
	}
	if (pool_left < len) {
		fill(pool, POOL);
		pool_left = POOL;
	}
	/* Bytes are handed out once, and wiped from the pool as they go. */
	memcpy(buf, pool + POOL - pool_left, len);
	explicit_bzero(pool + POOL - pool_left, len);
	pool_left -= len;
}
