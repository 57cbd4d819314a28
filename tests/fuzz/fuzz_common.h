/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets and mkseeds: the fixed keys (an AEAD 15
 * master key, vector 0 of core/cookie_vectors.h, and an AEAD 30 one, a
 * vector of core/cookie30_vectors.h, with the session keys of each), the
 * client's unique identifier and transmit timestamp that fuzz_reply checks
 * replies against, and a check that aborts (so that libFuzzer keeps the
 * input) with a message.
 */
#ifndef KNTS_FUZZ_COMMON_H
#define KNTS_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "core/nts_client.h"
#include "core/cookie_vectors.h"
#include "core/cookie30_vectors.h"
#include "lib/siv_openssl.h"

/* The client of fuzz_reply and of the seeds. */
#define FUZZ_UID_LEN	32
#define FUZZ_TX_TS	0xeb1f2a3b4c5d6e7fULL
#define FUZZ_RX_TS	0xeb1f2a3b00000111ULL
#define FUZZ_T3_TS	0xeb1f2a3b00000222ULL

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static inline void fuzz_uid(u8 uid[FUZZ_UID_LEN])
{
	unsigned int i;

	for (i = 0; i < FUZZ_UID_LEN; i++)
		uid[i] = (u8)(0xa0 + i);
}

/* cookie30_vectors[FUZZ_V30]: master 30, session 30, a. */
#define FUZZ_V30	2

/* The AEAD 15 master key (vector 0) and its id. */
static inline u32 fuzz_key_id(void)
{
	return knts_cookie_key_id(cookie_vectors[0].cookie);
}

/* The AEAD 30 master key's id. */
static inline u32 fuzz_key30_id(void)
{
	return knts_cookie_key_id(cookie30_vectors[FUZZ_V30].cookie);
}

/* A session's C2S || S2C: 64 bytes (AEAD 15) or 32 (AEAD 30). */
static inline const u8 *fuzz_keys(unsigned int keys_len)
{
	return keys_len == KNTS_COOKIE_KEYS_LEN ? cookie_vectors[0].keys :
	       cookie30_vectors[FUZZ_V30].keys;
}

static inline const u8 *fuzz_c2s_key(unsigned int keys_len)
{
	return fuzz_keys(keys_len);
}

static inline const u8 *fuzz_s2c_key(unsigned int keys_len)
{
	return fuzz_keys(keys_len) + keys_len / 2;
}

/* An instance of @alg keyed with @key (of that AEAD's length). */
static inline void fuzz_aead(struct knts_aead_ctx *c, u16 alg, const u8 *key,
			     bool long_lived)
{
	FUZZ_CHECK(knts_aead_ctx_init(c) == 0);
	FUZZ_CHECK(knts_aead_ctx_setkey(c, alg, key, knts_aead_key_len(alg),
					long_lived) == 0);
}

/* A session's instance: AEAD 15 for 64 bytes of keys, else 30. */
static inline void fuzz_session(struct knts_aead_ctx *c, const u8 *key,
				unsigned int keys_len)
{
	fuzz_aead(c, (u16)knts_session_alg(keys_len), key, false);
}

/* The server's key table: both master keys, found by key id. */
struct fuzz_masters {
	struct knts_aead_ctx m15, m30;
};

static inline void fuzz_masters_init(struct fuzz_masters *m)
{
	fuzz_aead(&m->m15, KNTS_AEAD_AES_SIV_CMAC_256, cookie_vectors[0].master,
		  true);
	fuzz_aead(&m->m30, KNTS_AEAD_AES_128_GCM_SIV,
		  cookie30_vectors[FUZZ_V30].master, true);
}

static inline struct knts_aead_ctx *fuzz_master(struct fuzz_masters *m,
						u32 id)
{
	if (id == fuzz_key_id())
		return &m->m15;
	if (id == fuzz_key30_id())
		return &m->m30;
	return NULL;
}

static inline u32 fuzz_master_id(u16 alg)
{
	return alg == KNTS_AEAD_AES_128_GCM_SIV ? fuzz_key30_id() :
	       fuzz_key_id();
}

/*
 * A cookie under the master key of @master_alg with the session keys of
 * fuzz_keys(@keys_len), its nonce fixed: the same bytes at every call.
 * Returns its length.
 */
static inline unsigned int fuzz_cookie(struct fuzz_masters *m, u16 master_alg,
				       unsigned int keys_len, u8 *out)
{
	struct knts_aead_ctx *c = master_alg == KNTS_AEAD_AES_128_GCM_SIV ?
				  &m->m30 : &m->m15;
	u8 nonce[KNTS_AEAD_MAX_NONCE_LEN];

	memset(nonce, 0x3c, sizeof(nonce));
	memcpy(out + knts_cookie_keys_off(master_alg), fuzz_keys(keys_len),
	       keys_len);
	FUZZ_CHECK(knts_cookie_seal_nonce(&c->a, fuzz_master_id(master_alg),
					  out, keys_len, nonce, false) == 0);
	return knts_cookie_len(master_alg, keys_len);
}

static const struct knts_time_params fuzz_tp = {
	.leap = 0, .stratum = 2, .precision = -20, .refid = 0x7f000001,
	.root_delay = 0x10, .root_disp = 0x20,
	.ref_time = 0xeb1f2a3a00000000ULL,
};

/* A copy of the input in a buffer of exactly its size, for ASan. */
static inline u8 *fuzz_dup(const u8 *data, size_t size)
{
	u8 *p = malloc(size ? size : 1);

	FUZZ_CHECK(p != NULL);
	if (size)
		memcpy(p, data, size);
	return p;
}

#endif /* KNTS_FUZZ_COMMON_H */
