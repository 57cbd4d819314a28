// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the announced time status: freshness, the staleness rule,
 * and replacement under RCU.
 */

#include <kunit/test.h>
#include <linux/time64.h>

#include "timestatus.h"

static const struct knts_time_params sample = {
	.leap = 0,
	.stratum = 2,
	.precision = -23,
	.root_delay = 0x00000042,
	.root_disp = 0x00000123,
	.refid = 0xc0000201,
	.ref_time = 0xec0a1b2c3d4e5f60ULL,
};

static int knts_time_test_init(struct kunit *test)
{
	struct knts_server *srv;

	srv = kunit_kzalloc(test, sizeof(*srv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, srv);
	mutex_init(&srv->lock);
	test->priv = srv;
	return 0;
}

static void knts_time_test_exit(struct kunit *test)
{
	struct knts_server *srv = test->priv;

	synchronize_rcu();
	knts_time_uninit(srv);
}

static void knts_time_never_set_is_unsynchronised(struct kunit *test)
{
	struct knts_server *srv = test->priv;
	struct knts_time_params p;
	u64 age = 12345;

	KUNIT_EXPECT_FALSE(test, knts_time_get(srv, 1000, &p, &age));
	KUNIT_EXPECT_EQ(test, p.leap, KNTS_LEAP_UNSYNC);
	KUNIT_EXPECT_EQ(test, p.stratum, KNTS_STRATUM_UNSYNC);
	KUNIT_EXPECT_EQ(test, p.precision, KNTS_PRECISION_DEFAULT);
	KUNIT_EXPECT_EQ(test, p.refid, 0u);
	KUNIT_EXPECT_EQ(test, p.ref_time, 0ull);
	/* Age is left alone when there is no status. */
	KUNIT_EXPECT_EQ(test, age, 12345ull);
}

static void knts_time_fresh_is_announced(struct kunit *test)
{
	struct knts_server *srv = test->priv;
	struct knts_time_params p;
	u64 now = 50 * NSEC_PER_SEC, age = 0;

	KUNIT_ASSERT_EQ(test, knts_time_set(srv, &sample, 10, now), 0);
	KUNIT_EXPECT_TRUE(test, knts_time_get(srv, now + 9 * NSEC_PER_SEC,
					      &p, &age));
	KUNIT_EXPECT_EQ(test, age, 9 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, p.leap, sample.leap);
	KUNIT_EXPECT_EQ(test, p.stratum, sample.stratum);
	KUNIT_EXPECT_EQ(test, p.precision, sample.precision);
	KUNIT_EXPECT_EQ(test, p.root_delay, sample.root_delay);
	KUNIT_EXPECT_EQ(test, p.root_disp, sample.root_disp);
	KUNIT_EXPECT_EQ(test, p.refid, sample.refid);
	KUNIT_EXPECT_EQ(test, p.ref_time, sample.ref_time);
}

static void knts_time_stale_at_limit(struct kunit *test)
{
	struct knts_server *srv = test->priv;
	struct knts_time_params p;
	u64 now = 7 * NSEC_PER_SEC;

	KUNIT_ASSERT_EQ(test, knts_time_set(srv, &sample, 10, now), 0);
	/* One nanosecond before the limit: fresh; at the limit: stale. */
	KUNIT_EXPECT_TRUE(test, knts_time_get(srv, now + 10 * NSEC_PER_SEC - 1,
					      &p, NULL));
	KUNIT_EXPECT_FALSE(test, knts_time_get(srv, now + 10 * NSEC_PER_SEC,
					       &p, NULL));
	KUNIT_EXPECT_EQ(test, p.leap, KNTS_LEAP_UNSYNC);
	KUNIT_EXPECT_EQ(test, p.stratum, KNTS_STRATUM_UNSYNC);
	KUNIT_EXPECT_EQ(test, p.refid, 0u);
	/* The clock's precision stays known while its state is not. */
	KUNIT_EXPECT_EQ(test, p.precision, sample.precision);
}

static void knts_time_replace(struct kunit *test)
{
	struct knts_server *srv = test->priv;
	struct knts_time_params p, second = sample;

	second.stratum = 3;
	second.leap = 1;
	KUNIT_ASSERT_EQ(test, knts_time_set(srv, &sample, 5, 0), 0);
	/* Stale, then renewed: fresh again with the new values. */
	KUNIT_EXPECT_FALSE(test, knts_time_get(srv, 6 * NSEC_PER_SEC, &p,
					       NULL));
	KUNIT_ASSERT_EQ(test, knts_time_set(srv, &second, 5,
					    6 * NSEC_PER_SEC), 0);
	KUNIT_EXPECT_TRUE(test, knts_time_get(srv, 7 * NSEC_PER_SEC, &p,
					      NULL));
	KUNIT_EXPECT_EQ(test, p.stratum, 3);
	KUNIT_EXPECT_EQ(test, p.leap, 1);
}

static void knts_time_clock_before_set(struct kunit *test)
{
	struct knts_server *srv = test->priv;
	struct knts_time_params p;
	u64 age = 1;

	/* A reader whose "now" predates the set (another CPU) sees age 0. */
	KUNIT_ASSERT_EQ(test, knts_time_set(srv, &sample, 1,
					    100 * NSEC_PER_SEC), 0);
	KUNIT_EXPECT_TRUE(test, knts_time_get(srv, 99 * NSEC_PER_SEC, &p,
					      &age));
	KUNIT_EXPECT_EQ(test, age, 0ull);
}

static struct kunit_case knts_time_cases[] = {
	KUNIT_CASE(knts_time_never_set_is_unsynchronised),
	KUNIT_CASE(knts_time_fresh_is_announced),
	KUNIT_CASE(knts_time_stale_at_limit),
	KUNIT_CASE(knts_time_replace),
	KUNIT_CASE(knts_time_clock_before_set),
	{}
};

static struct kunit_suite knts_time_suite = {
	.name = "knts_time",
	.init = knts_time_test_init,
	.exit = knts_time_test_exit,
	.test_cases = knts_time_cases,
};

kunit_test_suite(knts_time_suite);

MODULE_LICENSE("GPL");
