// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/print.c: the same calls give valid JSON or text.
 */
#include <stdlib.h>

#include "lib/print.h"
#include "unit.h"

static char *buf;
static size_t len;

static FILE *mem(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void emit(void)
{
	print_string(PRINT_ANY, "name", "Name: %s\n", "knts");
	print_u64(PRINT_ANY, "big", "Big: %llu\n", UINT64_MAX);
	print_s64(PRINT_ANY, "neg", "Neg: %lld\n", -20);
	print_bool(PRINT_ANY, "ok", "OK: %s\n", true);
	print_double(PRINT_ANY, "half", "Half: %.1f\n", 0.5);
	open_json_object("nested");
	print_u64(PRINT_JSON, "only_json", NULL, 1);
	print_text("text only\n");
	close_json_object();
	open_json_array("list");
	print_u64(PRINT_JSON, NULL, NULL, 1);
	print_u64(PRINT_JSON, NULL, NULL, 2);
	close_json_array();
}

static void json_output(void)
{
	FILE *f = mem();

	print_begin(f, true);
	emit();
	EXPECT(print_end() == 0);
	fclose(f);
	EXPECT_STR(buf, "{\"name\":\"knts\",\"big\":18446744073709551615,"
		   "\"neg\":-20,\"ok\":true,\"half\":0.5,"
		   "\"nested\":{\"only_json\":1},\"list\":[1,2]}\n");
}

static void text_output(void)
{
	FILE *f = mem();

	print_begin(f, false);
	emit();
	EXPECT(print_end() == 0);
	fclose(f);
	EXPECT_STR(buf, "Name: knts\nBig: 18446744073709551615\nNeg: -20\n"
		   "OK: yes\nHalf: 0.5\ntext only\n");
}

static void json_escapes(void)
{
	FILE *f = mem();

	print_begin(f, true);
	print_string(PRINT_ANY, "k\"ey", NULL, "a\"b\\c\nd\x01");
	EXPECT(print_end() == 0);
	fclose(f);
	EXPECT_STR(buf, "{\"k\\\"ey\":\"a\\\"b\\\\c\\nd\\u0001\"}\n");
}

static void unbalanced_is_reported(void)
{
	FILE *f = mem();

	print_begin(f, true);
	open_json_object("open");
	EXPECT(print_end() != 0);
	fclose(f);
}

int main(void)
{
	unit_file = "print";
	RUN(json_output);
	RUN(text_output);
	RUN(json_escapes);
	RUN(unbalanced_is_reported);
	free(buf);
	return unit_any_failed;
}
