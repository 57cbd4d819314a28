/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit test harness: each test prints "PASS: unit/<file>/<test>"
 * or "FAIL: ..." with the failed expectations; main() returns non-zero when
 * any failed.
 */
#ifndef KNTS_UNIT_H
#define KNTS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_any_failed;
static const char *unit_file;

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  %s:%d: expected %s\n",	\
				__FILE__, __LINE__, #cond);		\
			unit_failed = 1;				\
		}							\
	} while (0)

#define EXPECT_STR(got, want)						\
	do {								\
		const char *g_ = (got), *w_ = (want);			\
		if (strcmp(g_, w_)) {					\
			fprintf(stderr, "  %s:%d: got \"%s\", want \"%s\"\n", \
				__FILE__, __LINE__, g_, w_);		\
			unit_failed = 1;				\
		}							\
	} while (0)

#define RUN(test)							\
	do {								\
		unit_failed = 0;					\
		test();							\
		printf("%s: unit/%s/%s\n", unit_failed ? "FAIL" : "PASS", \
		       unit_file, #test);				\
		unit_any_failed |= unit_failed;				\
	} while (0)

#endif /* KNTS_UNIT_H */
