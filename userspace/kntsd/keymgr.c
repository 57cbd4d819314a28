// SPDX-License-Identifier: GPL-2.0
/*
 * kntsd's master keys.
 *
 * The table is kept as chrony writes it: oldest first, then the previous
 * key, the current one, and the next one, in consecutive slots.  Rotation
 * makes the next key current, drops the oldest and appends a fresh next
 * key, whose id is random with the slot in its low two bits (chrony's
 * scheme).  The file is replaced atomically (write, fsync, rename) with
 * mode 0600, so a server restarted (or a chrony sharing the directory)
 * keeps accepting the cookies it issued.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "keymgr.h"
#include "lib/util.h"

/* Writes the table; the caller holds m->lock. */
static int save_locked(struct keymgr *m, char *err, size_t errlen)
{
	m->k.age = mono_now() - m->last_rotation;
	if (m->k.age < 0)
		m->k.age = 0;
	return ntskeys_save(m->path, &m->k, m->uid, m->gid, err, errlen);
}

/* Reads the file into the table; the caller holds m->lock. */
static int load_locked(struct keymgr *m, char *err, size_t errlen)
{
	struct ntskeys k;
	int ret;

	ret = ntskeys_load(m->path, m->uid != (uid_t)-1 ? m->uid : geteuid(),
			   &k, err, errlen);
	if (ret)
		return ret;
	ntskeys_wipe(&m->k);
	m->k = k;
	ntskeys_wipe(&k);
	m->last_rotation = mono_now() - (m->k.age > 0 ? m->k.age : 0);
	atomic_fetch_add_explicit(&m->generation, 1, memory_order_release);
	return 0;
}

/**
 * keymgr_init() - load ntsdumpdir/ntskeys, or make and save a new table
 * @m: manager
 * @dumpdir: ntsdumpdir
 * @rotate: ntsrotate
 * @aead: the AEAD of the keys it makes (kntskeyaead)
 * @uid: the service user (kntsuser), who owns the file besides root and to
 *	 whom a new file is given; (uid_t)-1: the caller
 * @gid: the service user's group
 * @err: message buffer
 * @errlen: its size
 *
 * A file that exists but cannot be used is an error (its keys may be
 * shared with other servers): it is never silently replaced.
 *
 * Returns 0 or a negative errno.
 */
int keymgr_init(struct keymgr *m, const char *dumpdir, uint32_t rotate,
		uint16_t aead, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	int ret;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->rotate = rotate;
	m->aead = aead;
	m->uid = uid;
	m->gid = gid;
	if ((size_t)snprintf(m->path, sizeof(m->path), "%s/ntskeys", dumpdir) >=
	    sizeof(m->path)) {
		snprintf(err, errlen, "%s: path too long", dumpdir);
		return -ENAMETOOLONG;
	}
	pthread_mutex_lock(&m->lock);
	ret = load_locked(m, err, errlen);
	if (ret == -ENOENT) {
		/* chrony: four fresh keys, the third current. */
		ntskeys_generate(&m->k, m->aead);
		m->last_rotation = mono_now();
		atomic_fetch_add_explicit(&m->generation, 1, memory_order_release);
		ret = save_locked(m, err, errlen);
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/**
 * keymgr_reload() - read the file again (ntsrotate 0 with keys copied in)
 * @m: manager
 * @err: message buffer
 * @errlen: its size
 *
 * On error the table in use is kept.  Returns 0 or a negative errno.
 */
int keymgr_reload(struct keymgr *m, char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = load_locked(m, err, errlen);
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/**
 * keymgr_rotate() - the next key becomes current, a new next key is made
 * @m: manager
 * @err: message buffer
 * @errlen: its size
 *
 * Returns 0, or a negative errno when the file could not be written (the
 * rotated table is in use all the same).
 */
int keymgr_rotate(struct keymgr *m, char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ntskeys_rotate(&m->k, m->aead);
	m->last_rotation = mono_now();
	atomic_fetch_add_explicit(&m->generation, 1, memory_order_release);
	ret = save_locked(m, err, errlen);
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/**
 * keymgr_next_rotation() - seconds until the next rotation is due
 * @m: manager
 *
 * Returns a negative number when it is overdue, and a very large one
 * when keys are not rotated (ntsrotate 0).
 */
double keymgr_next_rotation(struct keymgr *m)
{
	double left;

	if (!m->rotate)
		return 1e9;
	pthread_mutex_lock(&m->lock);
	left = m->last_rotation + m->rotate - mono_now();
	pthread_mutex_unlock(&m->lock);
	return left;
}

/**
 * keymgr_key_age() - seconds since the newest key was made
 * @m: manager
 *
 * Return: the age, as ntskeys records it (across restarts).
 */
double keymgr_key_age(struct keymgr *m)
{
	double age;

	pthread_mutex_lock(&m->lock);
	age = mono_now() - m->last_rotation;
	pthread_mutex_unlock(&m->lock);
	return age > 0 ? age : 0;
}

/**
 * keymgr_snapshot() - copy the table (the caller wipes it)
 * @m: manager
 * @out: the keys
 * @gen: the table's generation
 */
void keymgr_snapshot(struct keymgr *m, struct ntskeys *out, uint64_t *gen)
{
	pthread_mutex_lock(&m->lock);
	*out = m->k;
	if (gen)
		*gen = atomic_load(&m->generation);
	pthread_mutex_unlock(&m->lock);
}

void keymgr_destroy(struct keymgr *m)
{
	ntskeys_wipe(&m->k);
	pthread_mutex_destroy(&m->lock);
}
