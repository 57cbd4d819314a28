/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets and mkseeds: the fixed keys (cookie
 * vector 0 of core/cookie_vectors.h), the client's unique identifier and
 * transmit timestamp that fuzz_reply checks replies against, and a check
 * that aborts (so that libFuzzer keeps the input) with a message.
 */
#ifndef KNTS_FUZZ_COMMON_H
#define KNTS_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "core/nts_client.h"
#include "core/cookie_vectors.h"
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

/* The master key (vector 0), its id, and the session's keys. */
static inline u32 fuzz_key_id(void)
{
	return knts_cookie_key_id(cookie_vectors[0].cookie);
}

static inline const u8 *fuzz_c2s_key(void)
{
	return cookie_vectors[0].keys;
}

static inline const u8 *fuzz_s2c_key(void)
{
	return cookie_vectors[0].keys + KNTS_SESSION_KEY_LEN;
}

static inline void fuzz_keyed(struct knts_siv *s, const u8 *key)
{
	FUZZ_CHECK(knts_siv_init(s) == 0);
	FUZZ_CHECK(knts_siv_setkey(s, key, KNTS_SIV_KEY_LEN) == 0);
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
