/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: master keys, chrony's model: four slots chosen by key_id % 4, one
 * of them current (new cookies are sealed with it), every one of them
 * accepted for opening cookies.
 */
#ifndef _KNTS_KEYS_H
#define _KNTS_KEYS_H

#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>

#include "core/cookie.h"
#include "siv_kernel.h"

/**
 * struct knts_key_stats - one CPU's use of a key
 * @opens: cookies opened
 * @fails: cookies naming this key that did not open
 * @syncp: 64-bit consistency on 32-bit machines
 */
struct knts_key_stats {
	u64_stats_t opens;
	u64_stats_t fails;
	struct u64_stats_sync syncp;
};

/**
 * struct knts_key - one master key; immutable once published
 * @id: key id; its slot is id % %KNTS_KEY_SLOTS
 * @aead: AEAD of the master key, 15 or 30
 * @added_ns: CLOCK_BOOTTIME when it was installed
 * @siv: AEAD 15: keyed AES-SIV, used concurrently by every CPU
 * @kgk: AEAD 30: the keyed AES-128-GCM-SIV key, likewise
 * @stats: per-CPU use counters
 */
struct knts_key {
	u32 id;
	u16 aead;
	u64 added_ns;
	struct knts_siv siv;
	struct knts_aes128 kgk;
	struct knts_key_stats __percpu *stats;
};

/**
 * struct knts_keys - the key table
 * @slot: keys by id % %KNTS_KEY_SLOTS
 * @current_key: the key new cookies are sealed with, also in @slot
 */
struct knts_keys {
	struct knts_key __rcu *slot[KNTS_KEY_SLOTS];
	struct knts_key __rcu *current_key;
};

struct knts_server;

struct knts_key *knts_key_create(u32 id, u16 aead, const u8 *secret,
				 unsigned int len);
void knts_key_destroy(struct knts_key *key);

int knts_keys_install(struct knts_server *srv, struct knts_key **keys,
		      unsigned int n, bool set_current, u32 current_id);
int knts_keys_delete(struct knts_server *srv, u32 id);
void knts_keys_uninit(struct knts_server *srv);

/**
 * knts_key_lookup() - the key a cookie names
 * @keys: the table
 * @id: key id from the cookie
 *
 * Context: RCU read-side critical section.
 * Return: the key, or NULL when no key with that id is loaded.
 */
static inline struct knts_key *knts_key_lookup(struct knts_keys *keys, u32 id)
{
	struct knts_key *key;

	key = rcu_dereference(keys->slot[id % KNTS_KEY_SLOTS]);
	return key && key->id == id ? key : NULL;
}

/**
 * knts_key_aead() - a master key as an AEAD handle
 * @key: the key
 * @mek: the caller's scratch for AES-128-GCM-SIV's message key (the CPU's)
 *
 * Return: the handle.
 */
static inline struct knts_aead knts_key_aead(struct knts_key *key,
					     struct knts_aes128 *mek)
{
	return (struct knts_aead){
		.alg = key->aead, .siv = &key->siv, .kgk = &key->kgk,
		.mek = mek,
	};
}

static inline void knts_key_count(struct knts_key *key, bool opened)
{
	struct knts_key_stats *st = this_cpu_ptr(key->stats);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(opened ? &st->opens : &st->fails);
	u64_stats_update_end(&st->syncp);
}

void knts_key_stats_sum(struct knts_key *key, u64 *opens, u64 *fails);

#endif /* _KNTS_KEYS_H */
