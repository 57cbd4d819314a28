// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/util.c: argument parsers, hex, word
 * splitting and NTP conversions.
 */
#include <stdint.h>

#include "core/ratelimit.h"
#include "lib/util.h"
#include "unit.h"

static void parse_u32_bounds(void)
{
	uint32_t v = 99;

	EXPECT(parse_u32("0", 0, 10, &v) == 0 && v == 0);
	EXPECT(parse_u32("10", 0, 10, &v) == 0 && v == 10);
	EXPECT(parse_u32("4294967295", 0, UINT32_MAX, &v) == 0 &&
	       v == UINT32_MAX);
	v = 7;
	EXPECT(parse_u32("11", 0, 10, &v) < 0);
	EXPECT(parse_u32("4294967296", 0, UINT32_MAX, &v) < 0);
	EXPECT(parse_u32("", 0, 10, &v) < 0);
	EXPECT(parse_u32("-1", 0, 10, &v) < 0);
	EXPECT(parse_u32(" 1", 0, 10, &v) < 0);
	EXPECT(parse_u32("1x", 0, 10, &v) < 0);
	EXPECT(parse_u32("0x1", 0, 10, &v) < 0);
	EXPECT(parse_u32(NULL, 0, 10, &v) < 0);
	EXPECT(v == 7);	/* untouched on error */
}

static void parse_s32_bounds(void)
{
	int32_t v = 5;

	EXPECT(parse_s32("-32", -32, 0, &v) == 0 && v == -32);
	EXPECT(parse_s32("0", -32, 0, &v) == 0 && v == 0);
	EXPECT(parse_s32("-33", -32, 0, &v) < 0);
	EXPECT(parse_s32("1", -32, 0, &v) < 0);
	EXPECT(parse_s32("-", -32, 0, &v) < 0);
	EXPECT(parse_s32("--1", -32, 0, &v) < 0);
	EXPECT(v == 0);
}

static void parse_ntp_short_rounds(void)
{
	uint32_t v;

	EXPECT(parse_ntp_short("0", &v) == 0 && v == 0);
	EXPECT(parse_ntp_short("1", &v) == 0 && v == 0x10000);
	EXPECT(parse_ntp_short("0.5", &v) == 0 && v == 0x8000);
	EXPECT(parse_ntp_short(".25", &v) == 0 && v == 0x4000);
	/* 1 us is 0.065536 units: rounds to 0; 10 us to 1 (0.65536). */
	EXPECT(parse_ntp_short("0.000001", &v) == 0 && v == 0);
	EXPECT(parse_ntp_short("0.00001", &v) == 0 && v == 1);
	EXPECT(parse_ntp_short("65535.99998", &v) == 0 && v == 0xffffffff);
	EXPECT(parse_ntp_short("65536", &v) < 0);
	EXPECT(parse_ntp_short("-0.1", &v) < 0);
	EXPECT(parse_ntp_short("nan", &v) < 0);
	EXPECT(parse_ntp_short("inf", &v) < 0);
	EXPECT(parse_ntp_short("1s", &v) < 0);
	EXPECT(parse_ntp_short("", &v) < 0);
}

static void parse_refid_forms(void)
{
	uint32_t v;

	EXPECT(parse_refid("192.0.2.1", &v) == 0 && v == 0xc0000201);
	EXPECT(parse_refid("0x7F7F0101", &v) == 0 && v == 0x7f7f0101);
	EXPECT(parse_refid("GPS", &v) == 0 && v == 0x47505300);
	EXPECT(parse_refid("PPS1", &v) == 0 && v == 0x50505331);
	EXPECT(parse_refid("X", &v) == 0 && v == 0x58000000);
	EXPECT(parse_refid("TOOLONG", &v) < 0);
	EXPECT(parse_refid("0x7F7F01", &v) < 0);
	EXPECT(parse_refid("0xZZZZZZZZ", &v) < 0);
	EXPECT(parse_refid("", &v) < 0);
	EXPECT(parse_refid("a\tb", &v) < 0);
}

static void format_refid_forms(void)
{
	char buf[32];

	format_refid(0x47505300, 1, buf, sizeof(buf));
	EXPECT_STR(buf, "GPS");
	format_refid(0x4e54534e, 0, buf, sizeof(buf));
	EXPECT_STR(buf, "NTSN");
	format_refid(0x01020304, 1, buf, sizeof(buf));
	EXPECT_STR(buf, "????");
	format_refid(0xc0000201, 2, buf, sizeof(buf));
	EXPECT_STR(buf, "192.0.2.1");
}

static void ntp_timestamps(void)
{
	struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 500000000 };
	struct timespec back;
	uint64_t ntp = ntp_ts_from_timespec(&ts);

	EXPECT(ntp >> 32 == 1700000000ULL + NTP_UNIX_OFFSET);
	EXPECT((uint32_t)ntp == 0x80000000u);
	ntp_ts_to_timespec(ntp, &back);
	EXPECT(back.tv_sec == ts.tv_sec);
	EXPECT(back.tv_nsec == ts.tv_nsec);

	/* Sub-nanosecond truncation: always within 1 ns. */
	ts.tv_nsec = 123456789;
	ntp_ts_to_timespec(ntp_ts_from_timespec(&ts), &back);
	EXPECT(back.tv_sec == ts.tv_sec);
	EXPECT(ts.tv_nsec - back.tv_nsec <= 1 && ts.tv_nsec >= back.tv_nsec);

	EXPECT(ntp_short_to_double(0x00018000) == 1.5);
}

static void matches_prefixes(void)
{
	EXPECT(matches("st", "status"));
	EXPECT(matches("status", "status"));
	EXPECT(!matches("statuss", "status"));
	EXPECT(!matches("", "status"));
	EXPECT(!matches("x", "status"));
}

static void hex_forms(void)
{
	uint8_t b[3] = { 0 };
	uint32_t v = 7;

	EXPECT(hex_digit('0') == 0 && hex_digit('9') == 9);
	EXPECT(hex_digit('a') == 10 && hex_digit('F') == 15);
	EXPECT(hex_digit('g') < 0 && hex_digit(' ') < 0);
	EXPECT(parse_hex("00fFa5", 6, b, 3) == 0 && b[0] == 0 &&
	       b[1] == 0xff && b[2] == 0xa5);
	EXPECT(parse_hex("00fFa", 5, b, 3) < 0);	/* odd length */
	EXPECT(parse_hex("00fFa5", 6, b, 2) < 0);	/* too long */
	EXPECT(parse_hex("0g0000", 6, b, 3) < 0);
	EXPECT(parse_hex_u32("1", &v) == 0 && v == 1);
	EXPECT(parse_hex_u32("DEADbeef", &v) == 0 && v == 0xdeadbeef);
	v = 7;
	EXPECT(parse_hex_u32("", &v) < 0);
	EXPECT(parse_hex_u32("123456789", &v) < 0);	/* nine digits */
	EXPECT(parse_hex_u32("0x12", &v) < 0);
	EXPECT(parse_hex_u32(" 12", &v) < 0);
	EXPECT(parse_hex_u32("-1", &v) < 0);
	EXPECT(v == 7);
}

static void split_words_counts(void)
{
	char line[] = "  a\tbb  c \r";
	char three[] = "x y z";
	char *w[3];

	EXPECT(split_words(line, " \t\r", w, 3) == 3);
	EXPECT_STR(w[0], "a");
	EXPECT_STR(w[1], "bb");
	EXPECT_STR(w[2], "c");
	EXPECT(split_words(three, " ", w, 2) == 3);	/* max + 1: too many */
	EXPECT(split_words((char[]){ " \t " }, " \t", w, 3) == 0);
}

static void utc_format(void)
{
	char buf[32];

	format_utc(1700000000ULL * 1000000000ULL, buf, sizeof(buf));
	EXPECT_STR(buf, "2023-11-14T22:13:20Z");
}

/*
 * SipHash-2-4 against the paper's test vectors (key 00..0f): the empty
 * message, and 00..0e (its appendix A); a different key, another value.
 */
static void siphash_vectors(void)
{
	uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[15];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	EXPECT(knts_siphash(msg, 0, key) == 0x726fdb47dd0e0e31ULL);
	EXPECT(knts_siphash(msg, 15, key) == 0xa129ca6149be45e5ULL);
	key[0] ^= 1;
	EXPECT(knts_siphash(msg, 15, key) != 0xa129ca6149be45e5ULL);
}

/* The rate limiter's decision (core/ratelimit.h), as knts.ko makes it. */
static void gcra_burst_and_rate(void)
{
	const uint64_t sec = 1000000000ULL, interval = sec / 4;
	int64_t tat = 0, now = 100 * (int64_t)sec, next;
	unsigned int i, allowed = 0;

	/* A burst of 8 at once, then nothing until a quarter second. */
	for (i = 0; i < 20; i++) {
		if (knts_gcra(tat, now, interval, 8, &next)) {
			tat = next;
			allowed++;
		}
	}
	EXPECT(allowed == 8);
	EXPECT(!knts_gcra(tat, now + (int64_t)interval - 1, interval, 8, &next));
	EXPECT(knts_gcra(tat, now + (int64_t)interval, interval, 8, &next));
	/*
	 * Then ten seconds at 100 a second, the burst spent: one each quarter
	 * second passes, at 0.25 s, 0.5 s, ... 9.75 s.
	 */
	for (allowed = 0, i = 0; i < 1000; i++) {
		if (knts_gcra(tat, now + (int64_t)(i * sec / 100), interval, 8,
			      &next)) {
			tat = next;
			allowed++;
		}
	}
	EXPECT(allowed == 39);
	/* Burst 1: strictly one per interval. */
	EXPECT(knts_gcra(0, now, interval, 1, &next) && next == now + (int64_t)interval);
	EXPECT(!knts_gcra(next, now, interval, 1, &next));
}

int main(void)
{
	unit_file = "util";
	RUN(parse_u32_bounds);
	RUN(parse_s32_bounds);
	RUN(parse_ntp_short_rounds);
	RUN(parse_refid_forms);
	RUN(format_refid_forms);
	RUN(ntp_timestamps);
	RUN(matches_prefixes);
	RUN(hex_forms);
	RUN(split_words_counts);
	RUN(utc_format);
	RUN(siphash_vectors);
	RUN(gcra_burst_and_rate);
	return unit_any_failed;
}
