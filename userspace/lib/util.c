// SPDX-License-Identifier: GPL-2.0
/*
 * Small parsers and converters shared by kntsctl and kntsd.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Decimal only, whole string, within [min, max]. Returns 0 or -EINVAL. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int parse_s32(const char *s, int32_t min, int32_t max, int32_t *out)
{
	long long v;
	char *end;

	if (!s || !(isdigit((unsigned char)*s) ||
		    (*s == '-' && isdigit((unsigned char)s[1]))))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (int32_t)v;
	return 0;
}

/* Seconds, as a decimal number in [0, 65536), to NTP short format 16.16. */
int parse_ntp_short(const char *s, uint32_t *out)
{
	double v;
	char *end;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0.0)
		return -EINVAL;
	v = round(v * 65536.0);
	if (v > (double)UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/*
 * A reference id: an IPv4 address (secondary servers), 0x and eight hex
 * digits, or one to four printable ASCII characters (primary sources such
 * as "GPS" or "PPS"), left aligned and zero padded as RFC 5905 says.
 */
int parse_refid(const char *s, uint32_t *out)
{
	struct in_addr a;
	size_t n, i;
	uint32_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, &a) == 1) {
		*out = ntohl(a.s_addr);
		return 0;
	}
	n = strlen(s);
	if (n == 10 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			if (!isxdigit((unsigned char)s[i]))
				return -EINVAL;
			v = v << 4 | (uint32_t)(isdigit((unsigned char)s[i]) ?
					s[i] - '0' :
					tolower((unsigned char)s[i]) - 'a' + 10);
		}
		*out = v;
		return 0;
	}
	if (n > 4)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : 0;

		if (i < n && (c < 0x20 || c > 0x7e))
			return -EINVAL;
		v = v << 8 | c;
	}
	*out = v;
	return 0;
}

uint64_t ntp_ts_from_timespec(const struct timespec *ts)
{
	uint64_t sec = (uint64_t)ts->tv_sec + NTP_UNIX_OFFSET;
	uint64_t frac = ((uint64_t)ts->tv_nsec << 32) / 1000000000ULL;

	return (sec & 0xffffffffULL) << 32 | frac;
}

/* Era 0 only: 1900-2036 (the era ends in 2036 and is handled then). */
void ntp_ts_to_timespec(uint64_t ntp, struct timespec *ts)
{
	uint64_t sec = ntp >> 32;

	ts->tv_sec = (time_t)sec - (time_t)NTP_UNIX_OFFSET;
	ts->tv_nsec = (long)(((ntp & 0xffffffffULL) * 1000000000ULL) >> 32);
}

double ntp_short_to_double(uint32_t v)
{
	return (double)v / 65536.0;
}

/* Text for a refid: ASCII for stratum 0 and 1, dotted quad or hex above. */
void format_refid(uint32_t refid, unsigned int stratum, char *buf, size_t len)
{
	char s[5];
	int i, n = 0;

	if (stratum <= 1) {
		for (i = 0; i < 4; i++) {
			unsigned char c = (unsigned char)(refid >> (24 - 8 * i));

			if (!c)
				break;
			s[n++] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
		}
		s[n] = '\0';
		snprintf(buf, len, "%s", s);
		return;
	}
	snprintf(buf, len, "%u.%u.%u.%u", refid >> 24, (refid >> 16) & 0xff,
		 (refid >> 8) & 0xff, refid & 0xff);
}

void format_utc(uint64_t unix_ns, char *buf, size_t len)
{
	time_t t = (time_t)(unix_ns / 1000000000ULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

/* iproute2's matches(): arg is a non-empty prefix of word. */
bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n > 0 && strncmp(arg, word, n) == 0;
}
