/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: helpers shared by the KUnit suites.
 */
#ifndef _KNTS_TEST_UTIL_H
#define _KNTS_TEST_UTIL_H

#include <kunit/test.h>

#include "cookie.h"
#include "siv.h"

/* KUNIT_EXPECT_MEMEQ() arrives in 6.2; 6.1 needs this. */
#define KNTS_EXPECT_MEMEQ(test, a, b, n)				\
	do {								\
		size_t n__ = (n);					\
									\
		KUNIT_EXPECT_EQ_MSG(test, memcmp(a, b, n__), 0,		\
				    "%s and %s differ in their %zu bytes", \
				    #a, #b, n__);			\
	} while (0)

/* knts_cookie_open() in a SIMD section of its own; returns the keys' length. */
static inline int knts_test_cookie_open(const struct knts_aead *master,
					const u8 *cookie, unsigned int len,
					u8 *keys)
{
	bool simd = knts_siv_begin();
	int ret;

	ret = knts_cookie_open(master, simd, cookie, len, keys);
	knts_siv_end(simd);
	return ret;
}

#endif /* _KNTS_TEST_UTIL_H */
