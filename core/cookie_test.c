// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: chrony-format cookies on the kernel backend, including cookies
 * sealed by the userspace core on OpenSSL (cookie_vectors.h).
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "cookie.h"
#include "kmod/siv_kernel.h"
#include "test_util.h"
#include "cookie_vectors.h"

static struct knts_siv *master_new(struct kunit *test, const u8 *key)
{
	struct knts_siv *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, knts_siv_init(s), 0);
	KUNIT_ASSERT_EQ(test, knts_siv_setkey(s, key, KNTS_SIV_KEY_LEN), 0);
	return s;
}

static void knts_cookie_opens_userspace_vectors(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Each vector twice: plain key, then with the precomputed S2V. */
	for (i = 0; i < 2 * ARRAY_SIZE(cookie_vectors); i++) {
		const u8 *master = cookie_vectors[i / 2].master;
		struct knts_siv *s = master_new(test, master);

		if (i % 2)
			KUNIT_ASSERT_EQ(test, knts_siv_setkey_long(s, master,
								   KNTS_SIV_KEY_LEN),
					0);

		memcpy(buf, cookie_vectors[i / 2].cookie, KNTS_COOKIE_LEN);
		KUNIT_EXPECT_EQ(test, knts_cookie_key_id(buf),
				get_unaligned_be32(cookie_vectors[i / 2].cookie));
		KUNIT_EXPECT_EQ(test, knts_cookie_open(s, buf, KNTS_COOKIE_LEN),
				0);
		KNTS_EXPECT_MEMEQ(test, buf + KNTS_COOKIE_LEN -
				  KNTS_COOKIE_KEYS_LEN, cookie_vectors[i / 2].keys,
				  KNTS_COOKIE_KEYS_LEN);
		knts_siv_uninit(s);
	}
}

static void knts_cookie_round_trip(struct kunit *test)
{
	const u8 *keys = cookie_vectors[0].keys;
	struct knts_siv *s = master_new(test, cookie_vectors[0].master);
	u8 *a = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	memcpy(a + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN, keys,
	       KNTS_COOKIE_KEYS_LEN);
	memcpy(b + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN, keys,
	       KNTS_COOKIE_KEYS_LEN);
	KUNIT_ASSERT_EQ(test, knts_cookie_seal(s, 0x12345677, a), 0);
	KUNIT_ASSERT_EQ(test, knts_cookie_seal(s, 0x12345677, b), 0);
	KUNIT_EXPECT_EQ(test, knts_cookie_key_id(a), 0x12345677u);
	/* Fresh nonces: the same keys never give the same cookie twice. */
	KUNIT_EXPECT_NE(test, memcmp(a, b, KNTS_COOKIE_LEN), 0);
	/* The session keys do not appear in the clear. */
	KUNIT_EXPECT_NE(test, memcmp(a + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN,
				     keys, KNTS_SESSION_KEY_LEN), 0);
	KUNIT_ASSERT_EQ(test, knts_cookie_open(s, a, KNTS_COOKIE_LEN), 0);
	KNTS_EXPECT_MEMEQ(test, a + KNTS_COOKIE_LEN - KNTS_COOKIE_KEYS_LEN,
			  keys, KNTS_COOKIE_KEYS_LEN);
	knts_siv_uninit(s);
}

static void knts_cookie_rejects(struct kunit *test)
{
	struct knts_siv *other = master_new(test, cookie_vectors[1].master);
	struct knts_siv *s = master_new(test, cookie_vectors[0].master);
	u8 *buf = kunit_kzalloc(test, KNTS_COOKIE_LEN, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Another master key: the tag fails. */
	memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
	KUNIT_EXPECT_EQ(test, knts_cookie_open(other, buf, KNTS_COOKIE_LEN),
			-EBADMSG);
	/* Any byte after the key id changed: the tag fails. */
	for (i = 4; i < KNTS_COOKIE_LEN; i++) {
		memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
		buf[i] ^= 0x01;
		KUNIT_EXPECT_EQ(test, knts_cookie_open(s, buf, KNTS_COOKIE_LEN),
				-EBADMSG);
	}
	/* Not the length of an AEAD 15 cookie: refused before any crypto. */
	memcpy(buf, cookie_vectors[0].cookie, KNTS_COOKIE_LEN);
	KUNIT_EXPECT_EQ(test, knts_cookie_open(s, buf, KNTS_COOKIE_LEN - 4),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, knts_cookie_open(s, buf, 68), -EMSGSIZE);
	knts_siv_uninit(s);
	knts_siv_uninit(other);
}

static struct kunit_case knts_cookie_cases[] = {
	KUNIT_CASE(knts_cookie_opens_userspace_vectors),
	KUNIT_CASE(knts_cookie_round_trip),
	KUNIT_CASE(knts_cookie_rejects),
	{}
};

static struct kunit_suite knts_cookie_suite = {
	.name = "knts_cookie",
	.test_cases = knts_cookie_cases,
};

kunit_test_suite(knts_cookie_suite);
