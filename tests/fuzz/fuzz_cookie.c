// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: knts_cookie_open() on arbitrary bytes under both fixed master
 * keys (AEAD 15 and AEAD 30, fuzz_common.h).  Under each it returns the
 * session keys' length (64 or 32, and then the input is a cookie of that
 * master's AEAD: resealing the keys with its nonce gives the same bytes),
 * -EMSGSIZE (exactly when the length is none of that AEAD's cookies: 100
 * and 68 bytes under AEAD 15, 96 and 64 under AEAD 30; the keys wiped) or
 * -EBADMSG (the plaintext's length of keys wiped), never writes the cookie,
 * and never reads or writes outside it.  Each input is also used as key id
 * and session keys for a seal/open round trip of every kind of cookie.
 */
#include "fuzz_common.h"

static struct fuzz_masters m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_cookie_len(u16 alg, size_t size)
{
	return size == knts_cookie_len(alg, 2 * KNTS_SIV_KEY_LEN) ||
	       size == knts_cookie_len(alg, 2 * KNTS_GCMSIV_KEY_LEN);
}

static void open_under(struct knts_aead_ctx *c, const u8 *data, size_t size)
{
	unsigned int nlen = knts_aead_nonce_len(c->a.alg), i, wiped;
	u8 keys[KNTS_COOKIE_KEYS_LEN], again[KNTS_COOKIE_MAX_LEN];
	u8 *cookie = fuzz_dup(data, size);
	int err;

	memset(keys, 0xee, sizeof(keys));
	err = knts_cookie_open(&c->a, false, cookie, (unsigned int)size, keys);
	FUZZ_CHECK(err == 64 || err == 32 || err == -EMSGSIZE ||
		   err == -EBADMSG);
	FUZZ_CHECK(!size || !memcmp(cookie, data, size));
	FUZZ_CHECK((err == -EMSGSIZE) == !is_cookie_len(c->a.alg, size));
	if (err > 0) {
		FUZZ_CHECK(size == knts_cookie_len(c->a.alg,
						   (unsigned int)err));
		/* Deterministic: the same nonce and keys, the same cookie. */
		memcpy(again + knts_cookie_keys_off(c->a.alg), keys,
		       (size_t)err);
		FUZZ_CHECK(knts_cookie_seal_nonce(&c->a,
						  knts_cookie_key_id(data),
						  again, (unsigned int)err,
						  data + 4, false) == 0);
		FUZZ_CHECK(!memcmp(again, data, size));
	} else {
		wiped = err == -EMSGSIZE ? KNTS_COOKIE_KEYS_LEN :
			(unsigned int)size - 4 - nlen - KNTS_AEAD_TAG_LEN;
		for (i = 0; i < wiped; i++)
			FUZZ_CHECK(keys[i] == 0);
	}
	free(cookie);
}

/* Seal then open: the same id and keys come back, at the right length. */
static void round_trip(struct knts_aead_ctx *c, const u8 *data,
		       unsigned int keys_len)
{
	u8 *sealed, keys[KNTS_COOKIE_KEYS_LEN];
	unsigned int len = knts_cookie_len(c->a.alg, keys_len);

	/* Exactly its length, so that ASan sees any overrun. */
	sealed = malloc(len);
	FUZZ_CHECK(sealed != NULL);
	memcpy(sealed + knts_cookie_keys_off(c->a.alg), data + 4, keys_len);
	FUZZ_CHECK(knts_cookie_seal(&c->a, get_unaligned_be32(data), sealed,
				    keys_len) == 0);
	FUZZ_CHECK(knts_cookie_key_id(sealed) == get_unaligned_be32(data));
	FUZZ_CHECK(knts_cookie_open(&c->a, false, sealed, len, keys) ==
		   (int)keys_len);
	FUZZ_CHECK(!memcmp(keys, data + 4, keys_len));
	free(sealed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;

	if (size > 4096)
		return -1;
	if (!done) {
		fuzz_masters_init(&m);
		done = 1;
	}

	open_under(&m.m15, data, size);
	open_under(&m.m30, data, size);

	if (size >= 4 + KNTS_COOKIE_KEYS_LEN) {
		round_trip(&m.m15, data, 64);
		round_trip(&m.m15, data, 32);
		round_trip(&m.m30, data, 64);
		round_trip(&m.m30, data, 32);
	}
	return 0;
}
