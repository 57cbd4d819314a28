// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: knts_cookie_open() on arbitrary bytes under a fixed master key
 * (vector 0 of core/cookie_vectors.h).  It returns 0, -EMSGSIZE (not 100
 * bytes: the buffer untouched) or -EBADMSG (the key area wiped, the key id
 * and nonce untouched), and never reads or writes outside the cookie.
 * Each input is also used as key id and session keys for a seal/open round
 * trip.
 */
#include "fuzz_common.h"

static struct knts_siv master;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;
	u8 *cookie, *keys, sealed[KNTS_COOKIE_LEN];
	unsigned int i;
	int err;

	if (size > 4096)
		return -1;
	if (!done) {
		fuzz_keyed(&master, cookie_vectors[0].master);
		done = 1;
	}

	cookie = fuzz_dup(data, size);
	err = knts_cookie_open(&master, cookie, (unsigned int)size);
	FUZZ_CHECK(err == 0 || err == -EMSGSIZE || err == -EBADMSG);
	if (err == -EMSGSIZE) {
		FUZZ_CHECK(size != KNTS_COOKIE_LEN);
		FUZZ_CHECK(!size || !memcmp(cookie, data, size));
	} else {
		FUZZ_CHECK(size == KNTS_COOKIE_LEN);
		FUZZ_CHECK(!memcmp(cookie, data, KNTS_COOKIE_HDR_LEN));
		keys = cookie + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN;
		for (i = 0; err && i < KNTS_COOKIE_KEYS_LEN; i++)
			FUZZ_CHECK(keys[i] == 0);
	}
	free(cookie);

	/* Seal then open: the same id and keys come back. */
	if (size >= 4 + KNTS_COOKIE_KEYS_LEN) {
		keys = sealed + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN;
		memcpy(keys, data + 4, KNTS_COOKIE_KEYS_LEN);
		FUZZ_CHECK(knts_cookie_seal(&master, get_unaligned_be32(data),
					    sealed) == 0);
		FUZZ_CHECK(knts_cookie_key_id(sealed) ==
			   get_unaligned_be32(data));
		FUZZ_CHECK(knts_cookie_open(&master, sealed,
					    KNTS_COOKIE_LEN) == 0);
		FUZZ_CHECK(!memcmp(keys, data + 4, KNTS_COOKIE_KEYS_LEN));
	}
	return 0;
}
