// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: chrony-format cookies on the kernel backend: cookies sealed by the
 * userspace core on OpenSSL (cookie_vectors.h, master AEAD 15 and AEAD 15
 * sessions), and pyca/cryptography's cookies under AEAD 30 and AEAD 15
 * master keys with both sessions' keys (cookie30_vectors.h: 96, 64, 68 and
 * 100 bytes), opened, resealed byte for byte with their nonce, and refused
 * when tampered with, cut, or opened under another key.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "cookie.h"
#include "kmod/siv_kernel.h"
#include "test_util.h"
#include "cookie_vectors.h"
#include "cookie30_vectors.h"

/* A master key of either AEAD: its instances and a CPU's scratch. */
struct master {
	struct knts_siv siv;
	struct knts_aes128 kgk, mek;
	struct knts_aead a;
};

/*
 * A keyed master key, as kmod/keys.c keys one (@long_lived) or as a
 * session's AES-SIV key is set.
 */
static struct master *master_new(struct kunit *test, u16 alg, const u8 *key,
				 bool long_lived)
{
	struct master *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	bool simd;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_EQ(test, knts_siv_init(&m->siv), 0);
	m->a = (struct knts_aead){
		.alg = alg, .siv = &m->siv, .kgk = &m->kgk, .mek = &m->mek,
	};
	if (alg == KNTS_AEAD_AES_SIV_CMAC_256 && long_lived) {
		err = knts_siv_setkey_long(&m->siv, key, KNTS_SIV_KEY_LEN);
	} else {
		simd = knts_siv_begin();
		err = knts_aead_setkey(&m->a, key, knts_aead_key_len(alg),
				       simd);
		knts_siv_end(simd);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	return m;
}

static void master_free(struct master *m)
{
	knts_siv_uninit(&m->siv);
}

static bool all_zero(const u8 *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static void knts_cookie_opens_userspace_vectors(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	u8 *keys = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	/* Each vector twice: plain key, then with the precomputed S2V. */
	for (i = 0; i < 2 * ARRAY_SIZE(cookie_vectors); i++) {
		struct master *m = master_new(test, KNTS_AEAD_AES_SIV_CMAC_256,
					      cookie_vectors[i / 2].master,
					      i % 2);

		memcpy(buf, cookie_vectors[i / 2].cookie, KNTS_COOKIE_LEN);
		memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
		KUNIT_EXPECT_EQ(test, knts_cookie_key_id(buf),
				get_unaligned_be32(cookie_vectors[i / 2].cookie));
		KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, KNTS_COOKIE_LEN, keys),
				KNTS_COOKIE_KEYS_LEN);
		KNTS_EXPECT_MEMEQ(test, keys, cookie_vectors[i / 2].keys,
				  KNTS_COOKIE_KEYS_LEN);
		/* The cookie is not written to. */
		KNTS_EXPECT_MEMEQ(test, buf, cookie_vectors[i / 2].cookie,
				  KNTS_COOKIE_LEN);
		master_free(m);
	}
}

/* Every kind of cookie: sealed with fresh nonces, opened again. */
static void knts_cookie_round_trip(struct kunit *test)
{
	static const u16 algs[] = { 15, 30 };
	static const unsigned int klens[] = { 64, 32 };
	u8 *a = kunit_kzalloc(test, KNTS_COOKIE_MAX_LEN, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, KNTS_COOKIE_MAX_LEN, GFP_KERNEL);
	u8 *keys = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	unsigned int i, j, len, off;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		for (j = 0; j < ARRAY_SIZE(klens); j++) {
			const u8 *k = cookie_vectors[0].keys;
			const u8 *key = algs[i] == 15 ?
					cookie_vectors[0].master :
					cookie30_vectors[2].master;
			struct master *m = master_new(test, algs[i], key, true);

			len = knts_cookie_len(algs[i], klens[j]);
			off = knts_cookie_keys_off(algs[i]);
			memcpy(a + off, k, klens[j]);
			memcpy(b + off, k, klens[j]);
			KUNIT_ASSERT_EQ(test, knts_cookie_seal(&m->a, 0x12345677,
							       a, klens[j]), 0);
			KUNIT_ASSERT_EQ(test, knts_cookie_seal(&m->a, 0x12345677,
							       b, klens[j]), 0);
			KUNIT_EXPECT_EQ(test, knts_cookie_key_id(a),
					0x12345677u);
			/* Fresh nonces: the same keys, never the same cookie. */
			KUNIT_EXPECT_NE(test, memcmp(a, b, len), 0);
			KUNIT_EXPECT_NE(test, memcmp(a + 4, b + 4,
						     knts_aead_nonce_len(algs[i])),
					0);
			/* The session keys do not appear in the clear. */
			KUNIT_EXPECT_NE(test, memcmp(a + off, k, klens[j]), 0);
			KUNIT_ASSERT_EQ(test, knts_test_cookie_open(&m->a, a, len, keys),
					(int)klens[j]);
			KNTS_EXPECT_MEMEQ(test, keys, k, klens[j]);
			KUNIT_ASSERT_EQ(test, knts_test_cookie_open(&m->a, b, len, keys),
					(int)klens[j]);
			KNTS_EXPECT_MEMEQ(test, keys, k, klens[j]);
			/* Only a session's length of keys is sealed. */
			KUNIT_EXPECT_EQ(test, knts_cookie_seal(&m->a, 1, a, 48),
					-EINVAL);
			master_free(m);
		}
	}
}

static void knts_cookie_rejects(struct kunit *test)
{
	struct master *other = master_new(test, KNTS_AEAD_AES_SIV_CMAC_256,
					  cookie_vectors[1].master, true);
	struct master *m = master_new(test, KNTS_AEAD_AES_SIV_CMAC_256,
				      cookie_vectors[0].master, true);
	u8 *buf = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	u8 *keys = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	/* Another master key: the tag fails, the keys are wiped. */
	memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
	memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&other->a, buf, KNTS_COOKIE_LEN, keys),
			-EBADMSG);
	KUNIT_EXPECT_TRUE(test, all_zero(keys, KNTS_COOKIE_KEYS_LEN));
	/* Any byte after the key id changed: the tag fails. */
	for (i = 4; i < KNTS_COOKIE_LEN; i++) {
		memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
		buf[i] ^= 0x01;
		KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, KNTS_COOKIE_LEN, keys),
				-EBADMSG);
	}
	/* Not an AEAD 15 cookie's length: refused before any crypto. */
	memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
	memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, KNTS_COOKIE_LEN - 4, keys),
			-EMSGSIZE);
	KUNIT_EXPECT_TRUE(test, all_zero(keys, KNTS_COOKIE_KEYS_LEN));
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, 96, keys), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, 64, keys), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, 0, keys), -EMSGSIZE);
	/* 68 is one (an AEAD 30 session's): cut, it fails the tag. */
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, 68, keys), -EBADMSG);
	master_free(m);
	master_free(other);
}

static void cookie30_desc(const struct cookie30_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cookie30, cookie30_vectors, cookie30_desc);

/* pyca's cookie opens to its keys, under a long-lived key or not. */
static void knts_cookie30_open(struct kunit *test)
{
	const struct cookie30_vector *v = test->param_value;
	u8 *buf = kunit_kzalloc(test, v->cookie_len, GFP_KERNEL);
	u8 *keys = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	unsigned int lived;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	KUNIT_EXPECT_EQ(test, v->cookie_len,
			knts_cookie_len(v->master_alg, v->keys_len));
	for (lived = 0; lived < 2; lived++) {
		struct master *m = master_new(test, v->master_alg, v->master,
					      lived);

		memcpy(buf, v->cookie, v->cookie_len);
		memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
		KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, v->cookie_len, keys),
				(int)v->keys_len);
		KNTS_EXPECT_MEMEQ(test, keys, v->keys, v->keys_len);
		KUNIT_EXPECT_EQ(test, knts_session_alg(v->keys_len),
				v->keys_len == 64 ? 15u : 30u);
		KNTS_EXPECT_MEMEQ(test, buf, v->cookie, v->cookie_len);
		master_free(m);
	}
}

/* Sealed with the vector's nonce: pyca's bytes, and no byte more. */
static void knts_cookie30_seal(struct kunit *test)
{
	const struct cookie30_vector *v = test->param_value;
	u8 *buf = kunit_kzalloc(test, KNTS_COOKIE_MAX_LEN + 4, GFP_KERNEL);
	struct master *m = master_new(test, v->master_alg, v->master, true);
	bool simd;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xcc, KNTS_COOKIE_MAX_LEN + 4);
	memcpy(buf + knts_cookie_keys_off(v->master_alg), v->keys, v->keys_len);
	simd = knts_siv_begin();
	KUNIT_EXPECT_EQ(test, knts_cookie_seal_nonce(&m->a,
						     get_unaligned_be32(v->cookie),
						     buf, v->keys_len, v->nonce,
						     simd), 0);
	knts_siv_end(simd);
	KNTS_EXPECT_MEMEQ(test, buf, v->cookie, v->cookie_len);
	KUNIT_EXPECT_EQ(test, buf[v->cookie_len], 0xcc);
	master_free(m);
}

/*
 * Tampered, cut or stretched, under another key of its AEAD or a key of
 * the other AEAD: -EBADMSG where the tag decides (the plaintext's length
 * of keys wiped), -EMSGSIZE where the length does (all of them wiped).
 */
static void knts_cookie30_rejects(struct kunit *test)
{
	const struct cookie30_vector *v = test->param_value;
	const struct cookie30_vector *o = &cookie30_vectors[(v -
							     cookie30_vectors) ^ 1];
	const struct cookie30_vector *x = &cookie30_vectors[(v -
							     cookie30_vectors) ^ 4];
	unsigned int size = KNTS_COOKIE_MAX_LEN + 8, i, len, wiped;
	struct master *m, *other, *cross;
	u8 *buf, *keys;
	int want;

	KUNIT_ASSERT_EQ(test, o->master_alg, v->master_alg);
	KUNIT_ASSERT_NE(test, x->master_alg, v->master_alg);
	m = master_new(test, v->master_alg, v->master, true);
	other = master_new(test, o->master_alg, o->master, true);
	cross = master_new(test, x->master_alg, x->master, true);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	keys = kunit_kzalloc(test, KNTS_COOKIE_KEYS_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, keys);

	memcpy(buf, v->cookie, v->cookie_len);
	memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&other->a, buf, v->cookie_len, keys),
			-EBADMSG);
	KUNIT_EXPECT_TRUE(test, all_zero(keys, v->keys_len));
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&cross->a, buf, v->cookie_len, keys),
			-EMSGSIZE);

	/* Every byte after the key id; the key id is not covered. */
	for (i = 4; i < v->cookie_len; i++) {
		memcpy(buf, v->cookie, v->cookie_len);
		buf[i] ^= 0x80;
		memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
		KUNIT_EXPECT_EQ_MSG(test,
				    knts_test_cookie_open(&m->a, buf,
							  v->cookie_len, keys),
				    -EBADMSG, "byte %u", i);
		KUNIT_EXPECT_TRUE(test, all_zero(keys, v->keys_len));
	}
	memcpy(buf, v->cookie, v->cookie_len);
	buf[0] ^= 0x80;
	KUNIT_EXPECT_EQ(test, knts_test_cookie_open(&m->a, buf, v->cookie_len, keys),
			(int)v->keys_len);

	/* Every length: only this AEAD's two cookie lengths reach the tag. */
	memset(buf, 0, size);
	memcpy(buf, v->cookie, v->cookie_len);
	for (len = 0; len < size; len++) {
		wiped = KNTS_COOKIE_KEYS_LEN;
		if (len == v->cookie_len) {
			want = v->keys_len;
			wiped = 0;
		} else if (len == knts_cookie_len(v->master_alg, 64) ||
			   len == knts_cookie_len(v->master_alg, 32)) {
			want = -EBADMSG;
			wiped = len - knts_cookie_len(v->master_alg, 0);
		} else {
			want = -EMSGSIZE;
		}
		memset(keys, 0xee, KNTS_COOKIE_KEYS_LEN);
		KUNIT_EXPECT_EQ_MSG(test, knts_test_cookie_open(&m->a, buf, len, keys), want,
				    "length %u", len);
		KUNIT_EXPECT_TRUE_MSG(test, all_zero(keys, wiped),
				      "length %u", len);
	}
	master_free(m);
	master_free(other);
	master_free(cross);
}

static struct kunit_case knts_cookie_cases[] = {
	KUNIT_CASE(knts_cookie_opens_userspace_vectors),
	KUNIT_CASE(knts_cookie_round_trip),
	KUNIT_CASE(knts_cookie_rejects),
	KUNIT_CASE_PARAM(knts_cookie30_open, cookie30_gen_params),
	KUNIT_CASE_PARAM(knts_cookie30_seal, cookie30_gen_params),
	KUNIT_CASE_PARAM(knts_cookie30_rejects, cookie30_gen_params),
	{}
};

static struct kunit_suite knts_cookie_suite = {
	.name = "knts_cookie",
	.test_cases = knts_cookie_cases,
};

kunit_test_suite(knts_cookie_suite);
