/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small parsers, converters and clocks shared by kntsctl, kntsd and the
 * test tools.
 */
#ifndef KNTS_UTIL_H
#define KNTS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds from the NTP era 0 epoch (1900) to the Unix epoch (1970). */
#define NTP_UNIX_OFFSET 2208988800ULL

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_s32(const char *s, int32_t min, int32_t max, int32_t *out);
int parse_ntp_short(const char *s, uint32_t *out);
int parse_refid(const char *s, uint32_t *out);
int hex_digit(char c);
int parse_hex(const char *s, size_t slen, uint8_t *out, size_t n);
int parse_hex_u32(const char *s, uint32_t *out);
unsigned int split_words(char *line, const char *blanks, char **words,
			 unsigned int max);

double mono_now(void);
double now_real(void);

uint64_t ntp_ts_from_timespec(const struct timespec *ts);
void ntp_ts_to_timespec(uint64_t ntp, struct timespec *ts);
double ntp_short_to_double(uint32_t v);
void format_refid(uint32_t refid, unsigned int stratum, char *buf,
		  size_t len);
void format_utc(uint64_t unix_ns, char *buf, size_t len);

bool matches(const char *arg, const char *word);
void knts_module_hint(char *buf, size_t len);
uint64_t knts_siphash(const void *data, size_t len, const uint64_t key[2]);

#endif /* KNTS_UTIL_H */
