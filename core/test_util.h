/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: helpers shared by the KUnit suites.
 */
#ifndef _KNTS_TEST_UTIL_H
#define _KNTS_TEST_UTIL_H

#include <kunit/test.h>

/* KUNIT_EXPECT_MEMEQ() arrives in 6.2; 6.1 needs this. */
#define KNTS_EXPECT_MEMEQ(test, a, b, n)				\
	do {								\
		size_t n__ = (n);					\
									\
		KUNIT_EXPECT_EQ_MSG(test, memcmp(a, b, n__), 0,		\
				    "%s and %s differ in their %zu bytes", \
				    #a, #b, n__);			\
	} while (0)

#endif /* _KNTS_TEST_UTIL_H */
