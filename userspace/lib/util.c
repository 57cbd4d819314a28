// SPDX-License-Identifier: GPL-2.0
/*
 * Small parsers, converters and clocks shared by kntsctl, kntsd and the
 * test tools.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

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
	if (n == 10 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex_u32(s + 2, out);
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

/* One hex digit's value, either case, or -1. */
int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n bytes as 2n hex digits of s[0..slen). Returns 0 or -EINVAL. */
int parse_hex(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t i;

	if (slen != 2 * n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* One to eight hex digits, nothing else (key ids, refids). */
int parse_hex_u32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	size_t i, n = strlen(s);

	if (n < 1 || n > 8)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int h = hex_digit(s[i]);

		if (h < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 0;
}

/*
 * Splits line in place into at most max words separated by any of the
 * characters of blanks.  Returns the count, or max + 1 when there are more.
 */
unsigned int split_words(char *line, const char *blanks, char **words,
			 unsigned int max)
{
	unsigned int n = 0;
	char *p = line;

	for (;;) {
		p += strspn(p, blanks);
		if (!*p)
			return n;
		if (n == max)
			return max + 1;
		words[n++] = p;
		p += strcspn(p, blanks);
		if (*p)
			*p++ = '\0';
	}
}

/* CLOCK_MONOTONIC in seconds: deadlines, intervals. */
double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CLOCK_REALTIME in seconds. */
double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/* The first line of a small file, without its newline; "" if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * knts_module_hint() - why knts.ko may not be there, for an admin
 * @buf: receives one sentence
 * @len: size of @buf
 *
 * Looks at what can be seen without privileges: whether the module is
 * loaded, the kernel's lockdown (Secure Boot refuses unsigned modules),
 * and whether the running kernel has a knts.ko at all.
 */
void knts_module_hint(char *buf, size_t len)
{
	char lock[128], dep[512], line[1024];
	struct utsname u;
	FILE *f;
	bool found = false;

	if (access("/sys/module/knts", F_OK) == 0) {
		snprintf(buf, len, "knts.ko is loaded but does not answer");
		return;
	}
	read_line("/sys/kernel/security/lockdown", lock, sizeof(lock));
	if (lock[0] && !strstr(lock, "[none]")) {
		snprintf(buf, len,
			 "knts.ko is not loaded and the kernel is locked down (%s): with Secure Boot it loads only when signed by an enrolled key (DKMS signing and MOK enrolment, see the admin guide)",
			 lock);
		return;
	}
	if (uname(&u) == 0) {
		snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep",
			 u.release);
		f = fopen(dep, "re");
		while (f && !found && fgets(line, sizeof(line), f))
			found = !strncmp(line, "knts.ko", 7) ||
				strstr(line, "/knts.ko") != NULL;
		if (f) {
			fclose(f);
			if (!found) {
				snprintf(buf, len,
					 "knts.ko is not installed for kernel %s (dkms status knts; are its headers installed?)",
					 u.release);
				return;
			}
		}
	}
	snprintf(buf, len,
		 "knts.ko is not loaded (modprobe knts; its error is in the journal)");
}

/* SipHash (Aumasson and Bernstein, 2012): one round of the permutation. */
#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3)					\
	do {								\
		v0 += v1; v1 = SIP_ROTL(v1, 13); v1 ^= v0;		\
		v0 = SIP_ROTL(v0, 32);					\
		v2 += v3; v3 = SIP_ROTL(v3, 16); v3 ^= v2;		\
		v0 += v3; v3 = SIP_ROTL(v3, 21); v3 ^= v0;		\
		v2 += v1; v1 = SIP_ROTL(v1, 17); v1 ^= v2;		\
		v2 = SIP_ROTL(v2, 32);					\
	} while (0)

static uint64_t le64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v |= (uint64_t)p[n] << (8 * n);
	return v;
}

/*
 * knts_siphash() - SipHash-2-4 of @len bytes under a 128-bit key
 * @data: the bytes
 * @len: their number
 * @key: two 64-bit words, secret
 *
 * For tables keyed by what a network peer chooses (source addresses): a
 * peer that does not know @key cannot aim at a slot.
 */
uint64_t knts_siphash(const void *data, size_t len, const uint64_t key[2])
{
	uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL;
	uint64_t v1 = key[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL;
	uint64_t v3 = key[1] ^ 0x7465646279746573ULL;
	const uint8_t *p = data;
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i, 8);
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = le64(p + i, len - i) | (uint64_t)(len & 0xff) << 56;
	v3 ^= m;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIP_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
