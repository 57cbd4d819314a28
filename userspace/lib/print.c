// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output from the same calls.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

#define MAX_DEPTH 16

static struct {
	FILE *f;
	bool json;
	int depth;
	bool need_comma[MAX_DEPTH];
	bool overflow;
} out = { .f = NULL };

void print_begin(FILE *f, bool json)
{
	memset(&out, 0, sizeof(out));
	out.f = f;
	out.json = json;
	if (json)
		open_json_object(NULL);
}

/* Returns 0, or -1 when the object nesting was unbalanced or too deep. */
int print_end(void)
{
	int ret = out.overflow ? -1 : 0;

	if (out.json) {
		close_json_object();
		fputc('\n', out.f);
	}
	if (out.depth != 0)
		ret = -1;
	fflush(out.f);
	return ret;
}

bool print_is_json(void)
{
	return out.json;
}

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out.f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out.f);
			break;
		case '\\':
			fputs("\\\\", out.f);
			break;
		case '\n':
			fputs("\\n", out.f);
			break;
		case '\t':
			fputs("\\t", out.f);
			break;
		case '\r':
			fputs("\\r", out.f);
			break;
		default:
			if (*p < 0x20)
				fprintf(out.f, "\\u%04x", *p);
			else
				fputc(*p, out.f);
		}
	}
	fputc('"', out.f);
}

/* Comma and key before a value at the current depth. */
static void json_key(const char *key)
{
	if (out.depth > 0) {
		if (out.need_comma[out.depth - 1])
			fputc(',', out.f);
		out.need_comma[out.depth - 1] = true;
	}
	if (key) {
		json_string(key);
		fputc(':', out.f);
	}
}

static void json_open(const char *key, char c)
{
	json_key(key);
	fputc(c, out.f);
	if (out.depth >= MAX_DEPTH) {
		out.overflow = true;
		return;
	}
	out.need_comma[out.depth++] = false;
}

static void json_close(char c)
{
	if (out.depth > 0)
		out.depth--;
	fputc(c, out.f);
}

void open_json_object(const char *key)
{
	if (out.json)
		json_open(key, '{');
}

void close_json_object(void)
{
	if (out.json)
		json_close('}');
}

void open_json_array(const char *key)
{
	if (out.json)
		json_open(key, '[');
}

void close_json_array(void)
{
	if (out.json)
		json_close(']');
}

/* Each printer: JSON value under key, or the text format, never both. */
#define PRINT_BODY(jsonfmt, textval)				\
	do {							\
		if (out.json) {					\
			if (t & PRINT_JSON) {			\
				json_key(key);			\
				jsonfmt;			\
			}					\
		} else if ((t & PRINT_FP) && fmt) {		\
			fprintf(out.f, fmt, textval);		\
		}						\
	} while (0)

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t v)
{
	PRINT_BODY(fprintf(out.f, "%" PRIu64, v), (unsigned long long)v);
}

void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t v)
{
	PRINT_BODY(fprintf(out.f, "%" PRId64, v), (long long)v);
}

void print_double(enum output_type t, const char *key, const char *fmt,
		  double v)
{
	PRINT_BODY(fprintf(out.f, "%.9g", v), v);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *v)
{
	PRINT_BODY(json_string(v), v);
}

void print_bool(enum output_type t, const char *key, const char *fmt, bool v)
{
	PRINT_BODY(fputs(v ? "true" : "false", out.f), v ? "yes" : "no");
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vfprintf(out.f, fmt, ap);
	va_end(ap);
}
