// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/ntskeys.c: chrony's ntskeys file, NKS0 and NKS1,
 * the current key, every error naming file:line, format/parse round trips
 * and the file mode check of ntskeys_load().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/ntskeys.h"
#include "unit.h"

#define NAME "ntskeys"

/* Key n: 32 bytes derived from n, as 64 upper-case hex digits. */
static void key_bytes(unsigned int n, uint8_t *k)
{
	unsigned int i;

	for (i = 0; i < NTSKEYS_KEY_LEN; i++)
		k[i] = (uint8_t)(n * 37 + i * 13 + 1);
}

static const char *key_hex(unsigned int n)
{
	static char buf[4][2 * NTSKEYS_KEY_LEN + 1];
	static unsigned int which;
	char *p = buf[which++ % 4];
	uint8_t k[NTSKEYS_KEY_LEN];
	unsigned int i;

	key_bytes(n, k);
	for (i = 0; i < NTSKEYS_KEY_LEN; i++)
		sprintf(p + 2 * i, "%02X", k[i]);
	return p;
}

static char text[8192];

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(text, sizeof(text), f, ap);
	va_end(ap);
	return text;
}

static int parse(const char *t, struct ntskeys *k, char *err, size_t errlen)
{
	err[0] = '\0';
	return ntskeys_parse(t, strlen(t), NAME, k, err, errlen);
}

static bool key_is(const struct ntskey *k, uint32_t id, unsigned int n)
{
	uint8_t want[NTSKEYS_KEY_LEN];

	key_bytes(n, want);
	return k->id == id && k->aead == NTSKEYS_AEAD &&
	       !memcmp(k->key, want, sizeof(want));
}

/* chrony's layout: oldest first, slots in turn, the next key last. */
static void nks0_four_keys(void)
{
	struct ntskeys k;
	char err[256];

	fmt("NKS0\n15 1234.5\n"
	    "5A6B7C01 %s\n5A6B7C02 %s\n5A6B7C03 %s\n5A6B7C00 %s\n",
	    key_hex(1), key_hex(2), key_hex(3), key_hex(4));
	EXPECT(parse(text, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4);
	EXPECT(k.age == 1234.5);
	EXPECT(key_is(&k.keys[0], 0x5A6B7C01, 1));
	EXPECT(key_is(&k.keys[1], 0x5A6B7C02, 2));
	EXPECT(key_is(&k.keys[2], 0x5A6B7C03, 3));
	EXPECT(key_is(&k.keys[3], 0x5A6B7C00, 4));
	/* The last line (slot 0) is the next key: slot 3, line 3, is used. */
	EXPECT(k.current == 2);

	/* Lower-case hex, short ids, tabs and blank lines are read too. */
	fmt("NKS0\n15\t0\n\n3 %s\n\t4\t%s\n5 %s\n\n6 %s", key_hex(1),
	    key_hex(2), key_hex(3), key_hex(4));
	for (char *p = text; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	/* ... and no trailing newline. */
	EXPECT(parse(text, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && key_is(&k.keys[0], 3, 1) &&
	       key_is(&k.keys[3], 6, 4));
	EXPECT(k.current == 2);
}

static bool err_at(const char *err, int line, const char *what)
{
	char want[64];

	snprintf(want, sizeof(want), NAME ":%d: ", line);
	if (strncmp(err, want, strlen(want)) || !strstr(err, what)) {
		fprintf(stderr, "  error \"%s\", want \"%s...%s...\"\n", err,
			want, what);
		return false;
	}
	return true;
}

/* chrony loads only full tables in slot order; so does knts. */
static void nks0_partial_refused(void)
{
	struct ntskeys k;
	char err[256];

	fmt("NKS0\n15 0\nABCDEF02 %s\n", key_hex(7));
	EXPECT(parse(text, &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "exactly 4"));

	fmt("NKS0\n15 60\n00000013 %s\n00000014 %s\n00000015 %s\n",
	    key_hex(1), key_hex(2), key_hex(3));
	EXPECT(parse(text, &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 5, "3 keys"));

	/* Four slots, but not in turn. */
	fmt("NKS0\n15 0\n1 %s\n3 %s\n2 %s\n0 %s\n", key_hex(1),
	    key_hex(2), key_hex(3), key_hex(4));
	EXPECT(parse(text, &k, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "consecutive slots") != NULL);
}

static void nks1_keys(void)
{
	struct ntskeys k;
	char err[256];

	fmt("NKS1\n42.25\n"
	    "10000002 %s 15\n10000003 %s 15\n10000000 %s 15\n10000001 %s 15\n",
	    key_hex(1), key_hex(2), key_hex(3), key_hex(4));
	EXPECT(parse(text, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && k.age == 42.25);
	EXPECT(key_is(&k.keys[0], 0x10000002, 1));
	EXPECT(key_is(&k.keys[3], 0x10000001, 4));
	/* Last line slot 1, so slot 0: line 3. */
	EXPECT(k.current == 2);
}

/* err must start with "ntskeys:LINE: " and mention what. */

static void errors_name_the_line(void)
{
	struct ntskeys k;
	char err[256];
	const char *h1 = key_hex(1), *h2 = key_hex(2);

	EXPECT(parse("NKS2\n15 0\n", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 1, "NKS0 or NKS1"));
	EXPECT(parse("NKS0 x\n15 0\n", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 1, "not an ntskeys file"));
	EXPECT(parse("# keys\n", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 1, "not an ntskeys file"));

	/* Line 2: NKS0 wants "15 AGE", NKS1 the age alone. */
	EXPECT(parse(fmt("NKS0\n16 0\n1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "15 AGE"));
	EXPECT(parse(fmt("NKS0\n15\n1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "15 AGE"));
	EXPECT(parse(fmt("NKS0\n15 soon\n1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "15 AGE"));
	EXPECT(parse(fmt("NKS0\n15 nan\n1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "15 AGE"));
	EXPECT(parse(fmt("NKS1\n15 0\n1 %s 15\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "key age"));
	EXPECT(parse(fmt("NKS1\ninf\n1 %s 15\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "key age"));

	/* Bad ids. */
	EXPECT(parse(fmt("NKS0\n15 0\nXYZ %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "want \"ID HEXKEY\""));
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s\n123456789 %s\n", h1, h2), &k,
		     err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 4, "want \"ID HEXKEY\""));
	EXPECT(parse(fmt("NKS0\n15 0\n0x1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "want \"ID HEXKEY\""));
	EXPECT(parse(fmt("NKS1\n0\n1 %s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "want \"ID HEXKEY AEAD\""));
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s 15\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "want \"ID HEXKEY\""));

	/* Key length and digits. */
	EXPECT(parse(fmt("NKS0\n15 0\n1 %.62s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "64 hex digits"));
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s00\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "64 hex digits"));
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s\n2 %.63sG\n", h1, h2), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 4, "64 hex digits"));

	/* Too many keys, two in one slot. */
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s\n2 %s\n3 %s\n4 %s\n5 %s\n",
			 h1, h2, h1, h2, h1), &k, err, sizeof(err)) ==
	       -EINVAL);
	EXPECT(err_at(err, 7, "more than 4 keys"));
	EXPECT(parse(fmt("NKS0\n15 0\n1 %s\n2 %s\n5 %s\n", h1, h2, h1), &k,
		     err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 5, "same slot"));
	EXPECT(err_at(err, 5, "00000005"));

	/* NKS1: AEAD 15 only, exactly four keys. */
	EXPECT(parse(fmt("NKS1\n0\n1 %s 15\n2 %s 30\n3 %s 15\n4 %s 15\n",
			 h1, h2, h1, h2), &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 4, "AEAD 30"));
	EXPECT(parse(fmt("NKS1\n0\n1 %s 15\n2 %s 15\n3 %s 15\n",
			 h1, h2, h1), &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 5, "exactly 4"));

	/* No keys at all. */
	EXPECT(parse("NKS0\n15 0\n", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 2, "no keys"));
	EXPECT(parse("NKS0\n", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 1, "no keys"));
}

/*
 * A NUL byte and an oversize file are refused before any line is read:
 * the message names the file (no line number).
 */
static void errors_whole_file(void)
{
	struct ntskeys k;
	char err[256], *big;
	size_t len;

	fmt("NKS0\n15 0\n1 %s\n", key_hex(1));
	len = strlen(text);
	text[12] = '\0';
	EXPECT(ntskeys_parse(text, len, NAME, &k, err, sizeof(err)) ==
	       -EINVAL);
	EXPECT(!strncmp(err, NAME ": ", strlen(NAME ": ")));
	EXPECT(strstr(err, "not a text file") != NULL);

	big = malloc(4097);
	EXPECT(big != NULL);
	if (!big)
		return;
	memset(big, '\n', 4097);
	memcpy(big, "NKS0\n15 0\n", 10);
	EXPECT(ntskeys_parse(big, 4097, NAME, &k, err, sizeof(err)) ==
	       -EINVAL);
	EXPECT(!strncmp(err, NAME ": ", strlen(NAME ": ")));
	EXPECT(strstr(err, "too large") != NULL);
	/* 4096 bytes are fine: four keys and blank lines. */
	fmt("1 %s\n2 %s\n3 %s\n4 %s\n", key_hex(1), key_hex(2), key_hex(3),
	    key_hex(4));
	memcpy(big + 10, text, strlen(text));
	EXPECT(ntskeys_parse(big, 4096, NAME, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4);
	free(big);

	/* A tiny error buffer is not overrun (ASan). */
	EXPECT(parse("NKS9\n", &k, err, 8) == -EINVAL);
	EXPECT(strlen(err) == 7);
}

/* Keys are wiped on error: nothing half-parsed is left behind. */
static void error_wipes(void)
{
	struct ntskeys k;
	char err[256];
	const uint8_t *p = (const uint8_t *)&k;
	size_t i;
	bool zero = true;

	EXPECT(parse(fmt("NKS0\n15 0\n1 %s\n5 %s\n", key_hex(1), key_hex(2)),
		     &k, err, sizeof(err)) == -EINVAL);
	for (i = 0; i < sizeof(k); i++)
		zero &= !p[i];
	EXPECT(zero);
}

static void round_trip(int version, unsigned int n)
{
	struct ntskeys k, back;
	char buf[1024], err[256];
	unsigned int i;
	int len;

	memset(&k, 0, sizeof(k));
	k.n = n;
	k.age = 3599.5;
	for (i = 0; i < n; i++) {
		k.keys[i].id = 0xC0FFEE00u + (i + 3) % 4 + 4 * i;
		k.keys[i].aead = NTSKEYS_AEAD;
		key_bytes(10 + i, k.keys[i].key);
	}
	len = ntskeys_format(&k, version, buf, sizeof(buf));
	EXPECT(len > 0 && (size_t)len == strlen(buf));
	EXPECT(!strncmp(buf, version ? "NKS1\n" : "NKS0\n15 ", 5));
	if (n < NTSKEYS_MAX) {
		/* Written, but not a table chrony (or knts) loads. */
		EXPECT(ntskeys_parse(buf, (size_t)len, NAME, &back, err,
				     sizeof(err)) == -EINVAL);
		return;
	}
	EXPECT(ntskeys_parse(buf, (size_t)len, NAME, &back, err,
			     sizeof(err)) == 0);
	EXPECT(back.n == n);
	EXPECT(back.age == k.age);
	for (i = 0; i < n; i++) {
		EXPECT(back.keys[i].id == k.keys[i].id);
		EXPECT(back.keys[i].aead == NTSKEYS_AEAD);
		EXPECT(!memcmp(back.keys[i].key, k.keys[i].key,
			       NTSKEYS_KEY_LEN));
	}
	/* Slots 3, 0, 1, 2: the current key is the one before the last. */
	EXPECT(back.current == n - 2);

	/* Too small a buffer: -ENOSPC, at any size. */
	for (i = 0; i < (unsigned int)len; i += 7)
		EXPECT(ntskeys_format(&k, version, buf, i) == -ENOSPC);
}

static void format_round_trip(void)
{
	unsigned int n;

	for (n = 1; n <= 4; n++)
		round_trip(0, n);
	round_trip(1, 4);
}

static char *temp_file(const char *content)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/knts-ntskeys-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	return path;
}

static void load_checks_mode(void)
{
	struct ntskeys k;
	char err[256], *path;

	path = temp_file(fmt("NKS0\n15 0\n00000001 %s\n00000002 %s\n"
			     "00000003 %s\n00000004 %s\n", key_hex(1),
			     key_hex(2), key_hex(3), key_hex(4)));
	EXPECT(path != NULL);
	if (!path)
		return;

	EXPECT(chmod(path, 0644) == 0);
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == -EPERM);
	EXPECT(strstr(err, path) && strstr(err, "chmod 600"));
	EXPECT(chmod(path, 0640) == 0);
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == -EPERM);
	EXPECT(chmod(path, 0602) == 0);
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == -EPERM);

	EXPECT(chmod(path, 0600) == 0);
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && k.current == 2);
	EXPECT(key_is(&k.keys[1], 2, 2));
	EXPECT(chmod(path, 0400) == 0);
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == 0);
	unlink(path);

	/* Parse errors name the path and line. */
	path = temp_file("NKS0\n15 0\n1 00\n");
	EXPECT(path != NULL);
	if (!path)
		return;
	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == -EINVAL);
	EXPECT(!strncmp(err, path, strlen(path)) &&
	       !strncmp(err + strlen(path), ":3: ", 4));
	unlink(path);

	EXPECT(ntskeys_load(path, &k, err, sizeof(err)) == -ENOENT);
	EXPECT(ntskeys_load("/tmp", &k, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "not a regular file") != NULL);
}

int main(void)
{
	unit_file = "ntskeys";
	RUN(nks0_four_keys);
	RUN(nks0_partial_refused);
	RUN(nks1_keys);
	RUN(errors_name_the_line);
	RUN(errors_whole_file);
	RUN(error_wipes);
	RUN(format_round_trip);
	RUN(load_checks_mode);
	return unit_any_failed;
}
