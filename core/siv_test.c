// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: AES-SIV-CMAC-256 on knts's kernel AES against RFC 5297 appendix
 * A, against pyca/cryptography over lengths around block boundaries
 * (core/siv_lengths.h), and its CMAC against RFC 4493 split at every byte.
 * UML has no AES-NI: this is the library path; the module's load self-test
 * checks AES-NI against it (kmod/aes.c).
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "kmod/siv_kernel.h"
#include "siv_lengths.h"
#include "test_util.h"

struct siv_vector {
	const char *name;
	u8 key[KNTS_SIV_KEY_LEN];
	const u8 *ad[3];
	unsigned int ad_len[3];
	unsigned int nad;
	const u8 *pt;
	unsigned int pt_len;
	const u8 *out;	/* V || C */
};

static const u8 a1_ad[] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
};

static const u8 a1_pt[] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
	0xdd, 0xee,
};

static const u8 a1_out[] = {
	0x85, 0x63, 0x2d, 0x07, 0xc6, 0xe8, 0xf3, 0x7f, 0x95, 0x0a, 0xcd, 0x32,
	0x0a, 0x2e, 0xcc, 0x93, 0x40, 0xc0, 0x2b, 0x96, 0x90, 0xc4, 0xdc, 0x04,
	0xda, 0xef, 0x7f, 0x6a, 0xfe, 0x5c,
};

static const u8 a2_ad1[] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0xcc, 0xdd, 0xee, 0xff, 0xde, 0xad, 0xda, 0xda, 0xde, 0xad, 0xda, 0xda,
	0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44,
	0x33, 0x22, 0x11, 0x00,
};

static const u8 a2_ad2[] = {
	0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0,
};

static const u8 a2_nonce[] = {
	0x09, 0xf9, 0x11, 0x02, 0x9d, 0x74, 0xe3, 0x5b, 0xd8, 0x41, 0x56, 0xc5,
	0x63, 0x56, 0x88, 0xc0,
};

static const u8 a2_pt[] = "this is some plaintext to encrypt using SIV-AES";

static const u8 a2_out[] = {
	0x7b, 0xdb, 0x6e, 0x3b, 0x43, 0x26, 0x67, 0xeb, 0x06, 0xf4, 0xd1, 0x4b,
	0xff, 0x2f, 0xbd, 0x0f, 0xcb, 0x90, 0x0f, 0x2f, 0xdd, 0xbe, 0x40, 0x43,
	0x26, 0x60, 0x19, 0x65, 0xc8, 0x89, 0xbf, 0x17, 0xdb, 0xa7, 0x7c, 0xeb,
	0x09, 0x4f, 0xa6, 0x63, 0xb7, 0xa3, 0xf7, 0x48, 0xba, 0x8a, 0xf8, 0x29,
	0xea, 0x64, 0xad, 0x54, 0x4a, 0x27, 0x2e, 0x9c, 0x48, 0x5b, 0x62, 0xa3,
	0xfd, 0x5c, 0x0d,
};

static const struct siv_vector siv_vectors[] = {
	{
		.name = "RFC 5297 A.1 (deterministic)",
		.key = {
			0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8,
			0xf7, 0xf6, 0xf5, 0xf4, 0xf3, 0xf2, 0xf1, 0xf0,
			0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
			0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
		},
		.ad = { a1_ad },
		.ad_len = { sizeof(a1_ad) },
		.nad = 1,
		.pt = a1_pt,
		.pt_len = sizeof(a1_pt),
		.out = a1_out,
	},
	{
		.name = "RFC 5297 A.2 (nonce based)",
		.key = {
			0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x7a, 0x79, 0x78,
			0x77, 0x76, 0x75, 0x74, 0x73, 0x72, 0x71, 0x70,
			0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
			0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
		},
		.ad = { a2_ad1, a2_ad2, a2_nonce },
		.ad_len = { sizeof(a2_ad1), sizeof(a2_ad2), sizeof(a2_nonce) },
		.nad = 3,
		.pt = a2_pt,
		.pt_len = sizeof(a2_pt) - 1,
		.out = a2_out,
	},
};

static void siv_vector_desc(const struct siv_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(siv_vector, siv_vectors, siv_vector_desc);

static struct knts_siv *siv_new(struct kunit *test, const u8 *key)
{
	struct knts_siv *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, knts_siv_init(s), 0);
	KUNIT_ASSERT_EQ(test, knts_siv_setkey(s, key, KNTS_SIV_KEY_LEN), 0);
	return s;
}

static void siv_prepare(const struct siv_vector *v,
			struct knts_siv_vec *ad)
{
	unsigned int i;

	for (i = 0; i < v->nad; i++) {
		ad[i].data = v->ad[i];
		ad[i].len = v->ad_len[i];
	}
}

static void knts_siv_known_answer(struct kunit *test)
{
	const struct siv_vector *v = test->param_value;
	struct knts_siv_vec ad[3];
	struct knts_siv *s = siv_new(test, v->key);
	unsigned int len = KNTS_SIV_TAG_LEN + v->pt_len;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	siv_prepare(v, ad);

	/* Encrypt: V || C as in the RFC. */
	memcpy(buf + KNTS_SIV_TAG_LEN, v->pt, v->pt_len);
	KUNIT_ASSERT_EQ(test, knts_siv_encrypt(s, ad, v->nad, buf, v->pt_len),
			0);
	KNTS_EXPECT_MEMEQ(test, buf, v->out, len);

	/* Decrypt it back. */
	KUNIT_ASSERT_EQ(test, knts_siv_decrypt(s, ad, v->nad, buf, len), 0);
	KNTS_EXPECT_MEMEQ(test, buf + KNTS_SIV_TAG_LEN, v->pt, v->pt_len);
	knts_siv_uninit(s);
}

static void knts_siv_tamper_detected(struct kunit *test)
{
	const struct siv_vector *v = test->param_value;
	struct knts_siv_vec ad[3];
	struct knts_siv *s = siv_new(test, v->key);
	unsigned int len = KNTS_SIV_TAG_LEN + v->pt_len, i;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	u8 *zero = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, zero);
	siv_prepare(v, ad);

	/* Any flipped bit of V or C fails, and the output is wiped. */
	for (i = 0; i < len * 8; i += 7) {
		memcpy(buf, v->out, len);
		buf[i / 8] ^= 1 << (i % 8);
		KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, ad, v->nad, buf, len),
				-EBADMSG);
		KNTS_EXPECT_MEMEQ(test, buf + KNTS_SIV_TAG_LEN, zero,
				  v->pt_len);
	}
	/* So does other associated data. */
	memcpy(buf, v->out, len);
	ad[0].len--;
	KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, ad, v->nad, buf, len),
			-EBADMSG);
	knts_siv_uninit(s);
}

static void knts_siv_empty_plaintext(struct kunit *test)
{
	static const u8 key[KNTS_SIV_KEY_LEN] = { 1, 2, 3 };
	struct knts_siv_vec ad[1] = { { .data = key, .len = 5 } };
	struct knts_siv *s = siv_new(test, key);
	u8 *buf = kunit_kzalloc(test, KNTS_SIV_TAG_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* The NTS request authenticator: a tag over the AD, no plaintext. */
	KUNIT_ASSERT_EQ(test, knts_siv_encrypt(s, ad, 1, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, ad, 1, buf,
					       KNTS_SIV_TAG_LEN), 0);
	buf[3] ^= 0x80;
	KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, ad, 1, buf,
					       KNTS_SIV_TAG_LEN), -EBADMSG);
	KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, ad, 1, buf, 15), -EINVAL);
	knts_siv_uninit(s);
}

static void knts_siv_bad_key_length(struct kunit *test)
{
	static const u8 key[64];
	struct knts_siv s = {};

	KUNIT_ASSERT_EQ(test, knts_siv_init(&s), 0);
	KUNIT_EXPECT_EQ(test, knts_siv_setkey(&s, key, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, knts_siv_setkey(&s, key, 64), -EINVAL);
	knts_siv_uninit(&s);
}

static void siv_len_desc(const struct siv_len_vector *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes", v->len);
}

KUNIT_ARRAY_PARAM(siv_len, siv_len_vectors, siv_len_desc);

/* Associated data and plaintext of a length vector, as the generator. */
static void siv_len_fill(u8 *ad, u8 *pt, unsigned int len)
{
	unsigned int j;

	for (j = 0; j < len; j++) {
		ad[j] = (u8)(j * 31 + 7);
		pt[j] = (u8)(j * 13 + 5);
	}
}

static void knts_siv_lengths(struct kunit *test)
{
	const struct siv_len_vector *v = test->param_value;
	unsigned int len = KNTS_SIV_TAG_LEN + v->len;
	struct knts_siv *s = siv_new(test, siv_len_key);
	u8 *ad = kunit_kzalloc(test, v->len + 1, GFP_KERNEL);
	u8 *pt = kunit_kzalloc(test, v->len + 1, GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	struct knts_siv_vec vec[2];

	KUNIT_ASSERT_NOT_NULL(test, ad);
	KUNIT_ASSERT_NOT_NULL(test, pt);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	siv_len_fill(ad, pt, v->len);
	vec[0].data = ad;
	vec[0].len = v->len;
	vec[1].data = siv_len_nonce;
	vec[1].len = sizeof(siv_len_nonce);

	memcpy(buf + KNTS_SIV_TAG_LEN, pt, v->len);
	KUNIT_ASSERT_EQ(test, knts_siv_encrypt(s, vec, 2, buf, v->len), 0);
	KNTS_EXPECT_MEMEQ(test, buf, v->out, len);
	KUNIT_ASSERT_EQ(test, knts_siv_decrypt(s, vec, 2, buf, len), 0);
	KNTS_EXPECT_MEMEQ(test, buf + KNTS_SIV_TAG_LEN, pt, v->len);
	/* The last byte is the one a batched loop most easily misses. */
	memcpy(buf, v->out, len);
	buf[len - 1] ^= 1;
	KUNIT_EXPECT_EQ(test, knts_siv_decrypt(s, vec, 2, buf, len),
			-EBADMSG);
	knts_siv_uninit(s);
}

/*
 * The backend's CMAC over RFC 4493's messages, each in an allocation of its
 * exact length so that KASAN sees any read past it; then P xorend D, which
 * the backend folds into its last blocks, against the CMAC of the message
 * with D xored in by hand, at every length from 16 to 64 bytes.
 */
static void knts_siv_cmac_xorend(struct kunit *test)
{
	static const u8 d[KNTS_SIV_TAG_LEN] = {
		0x5a, 0x01, 0xf0, 0x33, 0x9c, 0x47, 0x80, 0x0e,
		0xd2, 0x6b, 0x11, 0xa4, 0x3f, 0x78, 0xc5, 0x29,
	};
	u8 key[KNTS_SIV_KEY_LEN] = {}, mac[KNTS_SIV_TAG_LEN];
	u8 ref[KNTS_SIV_TAG_LEN];
	unsigned int i, len;
	struct knts_siv *s;
	u8 *p, *q;
	bool simd;

	memcpy(key, cmac_key, sizeof(cmac_key));
	s = siv_new(test, key);
	for (i = 0; i < ARRAY_SIZE(cmac_vectors); i++) {
		len = cmac_vectors[i].len;
		p = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		memcpy(p, cmac_msg, len);
		simd = knts_siv_begin();
		KUNIT_ASSERT_EQ(test, knts_siv_ready(s, simd, false), 0);
		KUNIT_ASSERT_EQ(test, knts_siv_cmac(s, simd, p, len, NULL, mac),
				0);
		knts_siv_end(simd);
		KNTS_EXPECT_MEMEQ(test, mac, cmac_vectors[i].mac,
				  KNTS_SIV_TAG_LEN);
		kunit_kfree(test, p);
	}
	for (len = KNTS_SIV_TAG_LEN; len <= sizeof(cmac_msg); len++) {
		p = kunit_kmalloc(test, len, GFP_KERNEL);
		q = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_NOT_NULL(test, q);
		memcpy(p, cmac_msg, len);
		memcpy(q, cmac_msg, len);
		for (i = 0; i < KNTS_SIV_TAG_LEN; i++)
			q[len - KNTS_SIV_TAG_LEN + i] ^= d[i];
		simd = knts_siv_begin();
		KUNIT_ASSERT_EQ(test, knts_siv_cmac(s, simd, p, len, d, mac), 0);
		KUNIT_ASSERT_EQ(test, knts_siv_cmac(s, simd, q, len, NULL, ref),
				0);
		knts_siv_end(simd);
		KNTS_EXPECT_MEMEQ(test, mac, ref, KNTS_SIV_TAG_LEN);
		kunit_kfree(test, p);
		kunit_kfree(test, q);
	}
	/* Too short for D: refused, nothing read. */
	simd = knts_siv_begin();
	KUNIT_EXPECT_EQ(test, knts_siv_cmac(s, simd, cmac_msg,
					    KNTS_SIV_TAG_LEN - 1, d, mac),
			-EINVAL);
	knts_siv_end(simd);
	knts_siv_uninit(s);
}

static struct kunit_case knts_siv_cases[] = {
	KUNIT_CASE_PARAM(knts_siv_known_answer, siv_vector_gen_params),
	KUNIT_CASE_PARAM(knts_siv_tamper_detected, siv_vector_gen_params),
	KUNIT_CASE(knts_siv_empty_plaintext),
	KUNIT_CASE(knts_siv_bad_key_length),
	KUNIT_CASE_PARAM(knts_siv_lengths, siv_len_gen_params),
	KUNIT_CASE(knts_siv_cmac_xorend),
	{}
};

static struct kunit_suite knts_siv_suite = {
	.name = "knts_siv",
	.test_cases = knts_siv_cases,
};

kunit_test_suite(knts_siv_suite);
