/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kntsd's master keys, chrony's model: four slots (key id % 4), the table
 * kept in file order (two previous, current, next), rotated every ntsrotate
 * seconds, saved to ntsdumpdir/ntskeys in chrony's layout.
 */
#ifndef KNTS_KEYMGR_H
#define KNTS_KEYMGR_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <stdint.h>

#include "lib/ntskeys.h"

struct keymgr {
	pthread_mutex_t lock;	/* guards k, generation, last_rotation */
	struct ntskeys k;	/* file order; k.current == 2 */
	char path[PATH_MAX];	/* ntsdumpdir/ntskeys */
	uint32_t rotate;	/* seconds, 0 = never */
	uint16_t aead;		/* of the keys it makes */
	uid_t uid;		/* the file's owner (the service user), or -1 */
	gid_t gid;		/* and group */
	double last_rotation;	/* CLOCK_MONOTONIC when the next key was made */
	_Atomic uint64_t generation;	/* changes whenever the table does */
};

int keymgr_init(struct keymgr *m, const char *dumpdir, uint32_t rotate,
		uint16_t aead, uid_t uid, gid_t gid, char *err, size_t errlen);
int keymgr_reload(struct keymgr *m, char *err, size_t errlen);
int keymgr_rotate(struct keymgr *m, char *err, size_t errlen);
double keymgr_next_rotation(struct keymgr *m);
double keymgr_key_age(struct keymgr *m);
void keymgr_snapshot(struct keymgr *m, struct ntskeys *out, uint64_t *gen);

/* The table's generation, without the lock: cheap enough per packet. */
static inline uint64_t keymgr_generation(struct keymgr *m)
{
	return atomic_load_explicit(&m->generation, memory_order_acquire);
}
void keymgr_destroy(struct keymgr *m);

#endif /* KNTS_KEYMGR_H */
