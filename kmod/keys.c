// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the master-key table.
 *
 * Keys are built outside any lock (transforms allocated and keyed), then
 * published with rcu_replace_pointer() under the server's config mutex; the
 * keys they replace are freed after a grace period, their key schedules
 * wiped by the crypto API.  The packet path only reads, under RCU.
 */

#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "keys.h"
#include "knts.h"

/**
 * knts_key_create() - build a keyed master key, not yet published
 * @id: key id
 * @aead: its AEAD, %KNTS_AEAD_AES_SIV_CMAC_256 or %KNTS_AEAD_AES_128_GCM_SIV
 * @secret: key bytes; the caller wipes them
 * @len: their length, knts_aead_key_len(@aead)
 *
 * Context: process context.
 * Return: the key or an ERR_PTR().
 */
struct knts_key *knts_key_create(u32 id, u16 aead, const u8 *secret,
				 unsigned int len)
{
	struct knts_key *key;
	struct knts_aead a;
	int cpu, err;
	bool simd;

	if (!len || len != knts_aead_key_len(aead))
		return ERR_PTR(-EINVAL);
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->id = id;
	key->aead = aead;
	key->added_ns = ktime_get_boottime_ns();
	key->stats = alloc_percpu(struct knts_key_stats);
	if (!key->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(key->stats, cpu)->syncp);
	err = knts_siv_init(&key->siv);
	if (err)
		goto err_stats;
	if (aead == KNTS_AEAD_AES_SIV_CMAC_256) {
		err = knts_siv_setkey_long(&key->siv, secret, len);
	} else {
		a = knts_key_aead(key, NULL);
		simd = knts_siv_begin();
		err = knts_aead_setkey(&a, secret, len, simd);
		knts_siv_end(simd);
	}
	if (err)
		goto err_siv;
	return key;

err_siv:
	knts_siv_uninit(&key->siv);
err_stats:
	free_percpu(key->stats);
err_free:
	kfree(key);
	return ERR_PTR(err);
}

/**
 * knts_key_destroy() - free a key no reader can see any more
 * @key: the key, or NULL
 *
 * Context: process context, after a grace period.
 */
void knts_key_destroy(struct knts_key *key)
{
	if (!key)
		return;
	knts_siv_uninit(&key->siv);
	memzero_explicit(&key->kgk, sizeof(key->kgk));
	free_percpu(key->stats);
	kfree_sensitive(key);
}

/**
 * knts_key_stats_sum() - a key's use counters over all CPUs
 * @key: the key
 * @opens: out, cookies opened
 * @fails: out, cookies naming the key that did not open
 */
void knts_key_stats_sum(struct knts_key *key, u64 *opens, u64 *fails)
{
	int cpu;

	*opens = 0;
	*fails = 0;
	for_each_possible_cpu(cpu) {
		const struct knts_key_stats *st = per_cpu_ptr(key->stats, cpu);
		unsigned int start;
		u64 o, f;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			o = u64_stats_read(&st->opens);
			f = u64_stats_read(&st->fails);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		*opens += o;
		*fails += f;
	}
}

/**
 * knts_keys_install() - publish new keys, each in the slot of its id
 * @srv: server
 * @keys: keys from knts_key_create(); ownership passes to the table (or,
 *	on error, stays with the caller)
 * @n: how many, at most %KNTS_KEY_SLOTS, each for a different slot
 * @set_current: whether to change the current key
 * @current_id: id of the new current key, which must be in the table once
 *	@keys are installed
 *
 * A replaced key that was current leaves the table without a current key
 * unless @set_current names another; cookies are then sealed with the key
 * that opened the request's cookie.
 *
 * Context: process context; takes @srv->lock; waits for a grace period.
 * Return: 0, or -EINVAL (two keys for one slot, unknown current id).
 */
int knts_keys_install(struct knts_server *srv, struct knts_key **keys,
		      unsigned int n, bool set_current, u32 current_id)
{
	struct knts_key *old[KNTS_KEY_SLOTS] = {};
	struct knts_keys *kt = &srv->keys;
	struct knts_key *cur = NULL;
	unsigned int i, j;

	if (n > KNTS_KEY_SLOTS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (keys[i]->id % KNTS_KEY_SLOTS ==
			    keys[j]->id % KNTS_KEY_SLOTS)
				return -EINVAL;

	mutex_lock(&srv->lock);
	if (set_current) {
		for (i = 0; i < n && !cur; i++)
			if (keys[i]->id == current_id)
				cur = keys[i];
		if (!cur) {
			/* An installed key, unless a new one takes its slot. */
			cur = rcu_dereference_protected(kt->slot[current_id % KNTS_KEY_SLOTS],
							lockdep_is_held(&srv->lock));
			if (cur && cur->id != current_id)
				cur = NULL;
			for (i = 0; i < n && cur; i++)
				if (keys[i]->id % KNTS_KEY_SLOTS ==
				    current_id % KNTS_KEY_SLOTS)
					cur = NULL;
		}
		if (!cur) {
			mutex_unlock(&srv->lock);
			return -EINVAL;
		}
	} else {
		cur = rcu_dereference_protected(kt->current_key,
						lockdep_is_held(&srv->lock));
	}
	for (i = 0; i < n; i++) {
		unsigned int s = keys[i]->id % KNTS_KEY_SLOTS;

		old[s] = rcu_replace_pointer(kt->slot[s], keys[i],
					     lockdep_is_held(&srv->lock));
		if (old[s] == cur)
			cur = NULL;
	}
	rcu_assign_pointer(kt->current_key, cur);
	mutex_unlock(&srv->lock);

	for (i = 0; i < KNTS_KEY_SLOTS && !old[i]; i++)
		;
	if (i == KNTS_KEY_SLOTS)
		return 0;	/* nothing replaced, nothing to free */
	synchronize_rcu();
	for (i = 0; i < KNTS_KEY_SLOTS; i++)
		knts_key_destroy(old[i]);
	return 0;
}

/**
 * knts_keys_delete() - remove the key with this id
 * @srv: server
 * @id: key id
 *
 * Context: process context; takes @srv->lock; waits for a grace period.
 * Return: 0 or -ENOENT.
 */
int knts_keys_delete(struct knts_server *srv, u32 id)
{
	struct knts_keys *kt = &srv->keys;
	unsigned int s = id % KNTS_KEY_SLOTS;
	struct knts_key *key;

	mutex_lock(&srv->lock);
	key = rcu_dereference_protected(kt->slot[s],
					lockdep_is_held(&srv->lock));
	if (!key || key->id != id) {
		mutex_unlock(&srv->lock);
		return -ENOENT;
	}
	RCU_INIT_POINTER(kt->slot[s], NULL);
	if (rcu_access_pointer(kt->current_key) == key)
		RCU_INIT_POINTER(kt->current_key, NULL);
	mutex_unlock(&srv->lock);

	synchronize_rcu();
	knts_key_destroy(key);
	return 0;
}

/**
 * knts_keys_uninit() - free every key
 * @srv: server, no longer reachable by readers
 */
void knts_keys_uninit(struct knts_server *srv)
{
	unsigned int i;

	RCU_INIT_POINTER(srv->keys.current_key, NULL);
	for (i = 0; i < KNTS_KEY_SLOTS; i++)
		knts_key_destroy(rcu_replace_pointer(srv->keys.slot[i], NULL,
						     true));
}
