/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text and JSON output from the same calls, in the style of iproute2's
 * json_print: print_u64(PRINT_ANY, "key", "text %llu\n", v) prints "key": v
 * in JSON mode and the formatted text otherwise.
 */
#ifndef KNTS_PRINT_H
#define KNTS_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,	/* text only */
	PRINT_JSON = 2,	/* JSON only */
	PRINT_ANY = 3,	/* both */
};

void print_begin(FILE *f, bool json);
int print_end(void);
bool print_is_json(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t v);
void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t v);
void print_double(enum output_type t, const char *key, const char *fmt,
		  double v);
void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *v);
void print_bool(enum output_type t, const char *key, const char *fmt, bool v);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KNTS_PRINT_H */
