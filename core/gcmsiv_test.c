// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: AES-128-GCM-SIV on knts's kernel AES: RFC 8452's POLYVAL example,
 * its Appendix C.1 vectors and pyca/cryptography's answers over other
 * lengths (core/gcmsiv_vectors.h, shared with the userspace unit tests),
 * sealed and opened in place and out of place, in allocations of the
 * message's exact size; every bit flip of a message refused.  UML has no
 * AES-NI: this is the library path.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "kmod/siv_kernel.h"
#include "gcmsiv_vectors.h"
#include "test_util.h"

static void knts_gcmsiv_polyval(struct kunit *test)
{
	struct knts_polyval p;
	u64 s[2] = { 0, 0 };
	u8 out[16];

	knts_polyval_setkey(&p, polyval_h);
	knts_polyval_update(&p, s, polyval_x, sizeof(polyval_x));
	put_unaligned_le64(s[0], out);
	put_unaligned_le64(s[1], out + 8);
	KNTS_EXPECT_MEMEQ(test, out, polyval_out, sizeof(out));
}

static void gcmsiv_desc(const struct gcmsiv_vector *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", v->name);
}

KUNIT_ARRAY_PARAM(gcmsiv, gcmsiv_vectors, gcmsiv_desc);

static void knts_gcmsiv_known_answer(struct kunit *test)
{
	const struct gcmsiv_vector *v = test->param_value;
	size_t len = v->pt_len + KNTS_GCMSIV_TAG_LEN;
	struct knts_aes128 *kgk, *mek;
	u8 *buf, *pt;
	bool simd;

	kgk = kunit_kzalloc(test, sizeof(*kgk), GFP_KERNEL);
	mek = kunit_kzalloc(test, sizeof(*mek), GFP_KERNEL);
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	pt = kunit_kmalloc(test, v->pt_len ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kgk);
	KUNIT_ASSERT_NOT_NULL(test, mek);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, pt);

	memcpy(buf, v->pt, v->pt_len);
	simd = knts_siv_begin();
	KUNIT_ASSERT_EQ(test, knts_aes128_setkey(kgk, v->key, simd), 0);
	KUNIT_ASSERT_EQ(test, knts_gcmsiv_seal(kgk, mek, simd, v->nonce, v->ad,
					       v->ad_len, buf, v->pt_len), 0);
	knts_siv_end(simd);
	KNTS_EXPECT_MEMEQ(test, buf, v->out, len);

	simd = knts_siv_begin();
	KUNIT_EXPECT_EQ(test, knts_gcmsiv_open(kgk, mek, simd, v->nonce, v->ad,
					       v->ad_len, v->out, pt, len), 0);
	knts_siv_end(simd);
	KNTS_EXPECT_MEMEQ(test, pt, v->pt, v->pt_len);

	simd = knts_siv_begin();
	KUNIT_EXPECT_EQ(test, knts_gcmsiv_open(kgk, mek, simd, v->nonce, v->ad,
					       v->ad_len, buf, buf, len), 0);
	knts_siv_end(simd);
	KNTS_EXPECT_MEMEQ(test, buf, v->pt, v->pt_len);
}

static void knts_gcmsiv_tamper_detected(struct kunit *test)
{
	const struct gcmsiv_vector *v = test->param_value;
	size_t len = v->pt_len + KNTS_GCMSIV_TAG_LEN, i;
	struct knts_aes128 *kgk, *mek;
	unsigned int bad = 0;
	u8 *buf;
	bool simd;

	kgk = kunit_kzalloc(test, sizeof(*kgk), GFP_KERNEL);
	mek = kunit_kzalloc(test, sizeof(*mek), GFP_KERNEL);
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kgk);
	KUNIT_ASSERT_NOT_NULL(test, mek);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	simd = knts_siv_begin();
	KUNIT_ASSERT_EQ(test, knts_aes128_setkey(kgk, v->key, simd), 0);
	knts_siv_end(simd);
	/* Every bit of a short message; of a long one, a bit a block. */
	for (i = 0; i < len * 8; i += len > 64 ? 8 * 16 + 1 : 1) {
		memcpy(buf, v->out, len);
		buf[i / 8] ^= (u8)(1 << (i % 8));
		simd = knts_siv_begin();
		if (knts_gcmsiv_open(kgk, mek, simd, v->nonce, v->ad, v->ad_len,
				     buf, buf, len) != -EBADMSG ||
		    memchr_inv(buf, 0, v->pt_len))
			bad++;
		knts_siv_end(simd);
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
}

static struct kunit_case knts_gcmsiv_cases[] = {
	KUNIT_CASE(knts_gcmsiv_polyval),
	KUNIT_CASE_PARAM(knts_gcmsiv_known_answer, gcmsiv_gen_params),
	KUNIT_CASE_PARAM(knts_gcmsiv_tamper_detected, gcmsiv_gen_params),
	{}
};

static struct kunit_suite knts_gcmsiv_suite = {
	.name = "knts_gcmsiv",
	.test_cases = knts_gcmsiv_cases,
};

kunit_test_suite(knts_gcmsiv_suite);
