// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/ntskeys.c: chrony's ntskeys file, NKS0 and NKS1
 * with AEAD 15 and AEAD 30 keys (alone and mixed), the current key, every
 * error naming file:line, format/parse round trips (NKS0 exactly when every
 * key is AEAD 15), generate/rotate/save with either AEAD, and the file mode
 * check of ntskeys_load().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* An AEAD 15 key n: all 32 bytes. */
static bool key_is(const struct ntskey *k, uint32_t id, unsigned int n)
{
	uint8_t want[NTSKEYS_KEY_LEN];

	key_bytes(n, want);
	return k->id == id && k->aead == NTSKEYS_AEAD &&
	       ntskey_len(k) == 32 && !memcmp(k->key, want, sizeof(want));
}

/* An AEAD 30 key n: its first 16 bytes, the rest of the array zero. */
static bool key30_is(const struct ntskey *k, uint32_t id, unsigned int n)
{
	static const uint8_t zero[NTSKEYS_KEY_LEN - 16];
	uint8_t want[NTSKEYS_KEY_LEN];

	key_bytes(n, want);
	return k->id == id && k->aead == 30 && ntskey_len(k) == 16 &&
	       !memcmp(k->key, want, 16) && !memcmp(k->key + 16, zero, 16);
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

/*
 * chrony 4.4+ with AES-128-GCM-SIV writes AEAD 30 keys, exactly
 * "NKS1\n%.1f\n" then "%08X %s %d\n" four times (upper-case hex, 16 bytes).
 */
static void nks1_aead30_keys(void)
{
	struct ntskeys k;
	char err[256];

	fmt("NKS1\n86399.9\n"
	    "0B2C3D45 %.32s 30\n0B2C3D46 %.32s 30\n"
	    "0B2C3D47 %.32s 30\n0B2C3D44 %.32s 30\n",
	    key_hex(1), key_hex(2), key_hex(3), key_hex(4));
	EXPECT(parse(text, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && k.age == 86399.9);
	EXPECT(key30_is(&k.keys[0], 0x0B2C3D45, 1));
	EXPECT(key30_is(&k.keys[1], 0x0B2C3D46, 2));
	EXPECT(key30_is(&k.keys[2], 0x0B2C3D47, 3));
	EXPECT(key30_is(&k.keys[3], 0x0B2C3D44, 4));
	/* Last line slot 0: slot 3, line 3, is current. */
	EXPECT(k.current == 2);
}

/* One file may hold both (a switch of ntskeyaead, keys rotating in). */
static void nks1_mixed_keys(void)
{
	struct ntskeys k;
	char err[256];

	fmt("NKS1\n0.0\n"
	    "00000011 %s 15\n00000012 %.32s 30\n"
	    "00000013 %s 15\n00000010 %.32s 30\n",
	    key_hex(1), key_hex(2), key_hex(3), key_hex(4));
	EXPECT(parse(text, &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && k.current == 2);
	EXPECT(key_is(&k.keys[0], 0x11, 1));
	EXPECT(key30_is(&k.keys[1], 0x12, 2));
	EXPECT(key_is(&k.keys[2], 0x13, 3));
	EXPECT(key30_is(&k.keys[3], 0x10, 4));
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

	/* Key length and digits, by the line's AEAD. */
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

	/* NKS1: AEAD 15 and 30, each with its key length. */
	EXPECT(parse(fmt("NKS1\n0\n1 %s 15\n2 %s 30\n3 %s 15\n4 %s 15\n",
			 h1, h2, h1, h2), &k, err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 4, "AEAD 30 key"));
	EXPECT(err_at(err, 4, "32 hex digits"));
	EXPECT(parse(fmt("NKS1\n0\n1 %.32s 15\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "AEAD 15 key"));
	EXPECT(err_at(err, 3, "64 hex digits"));
	EXPECT(parse(fmt("NKS1\n0\n1 %.30s 30\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "32 hex digits"));
	EXPECT(parse(fmt("NKS1\n0\n1 %s 15\n2 %.32s 16\n", h1, h2), &k,
		     err, sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 4, "AEAD 16 master keys are not supported"));
	EXPECT(parse(fmt("NKS1\n0\n1 %.32s 31\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "AEAD 31"));
	EXPECT(parse(fmt("NKS1\n0\n1 %.32s 0\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "AEAD 0"));
	/* NKS0 has no AEAD column: its keys are AEAD 15's 32 bytes. */
	EXPECT(parse(fmt("NKS0\n15 0\n1 %.32s\n", h1), &k, err,
		     sizeof(err)) == -EINVAL);
	EXPECT(err_at(err, 3, "64 hex digits"));
	/* Exactly four keys. */
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

/*
 * n keys, key i of AEAD aead[i]: written as NKS0 exactly when every one is
 * AEAD 15, read back the same.
 */
static void round_trip(unsigned int n, const uint16_t *aead)
{
	struct ntskeys k, back;
	char buf[1024], err[256];
	unsigned int i;
	bool nks0 = true;
	int len;

	memset(&k, 0, sizeof(k));
	k.n = n;
	k.age = 3599.5;
	for (i = 0; i < n; i++) {
		k.keys[i].id = 0xC0FFEE00u + (i + 3) % 4 + 4 * i;
		k.keys[i].aead = aead[i];
		key_bytes(10 + i, k.keys[i].key);
		if (aead[i] == 30)
			memset(k.keys[i].key + 16, 0, 16);
		nks0 &= aead[i] == 15;
	}
	len = ntskeys_format(&k, buf, sizeof(buf));
	EXPECT(len > 0 && (size_t)len == strlen(buf));
	EXPECT(!strncmp(buf, nks0 ? "NKS0\n15 3599.5\n" : "NKS1\n3599.5\n",
			nks0 ? 15 : 12));
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
		EXPECT(back.keys[i].aead == aead[i]);
		EXPECT(!memcmp(back.keys[i].key, k.keys[i].key,
			       NTSKEYS_KEY_LEN));
	}
	/* Slots 3, 0, 1, 2: the current key is the one before the last. */
	EXPECT(back.current == n - 2);

	/* Too small a buffer: -ENOSPC, at any size. */
	for (i = 0; i < (unsigned int)len; i += 7)
		EXPECT(ntskeys_format(&k, buf, i) == -ENOSPC);
	EXPECT(ntskeys_format(&k, buf, (size_t)len) == -ENOSPC);
	EXPECT(ntskeys_format(&k, buf, (size_t)len + 1) == len);
}

static void format_round_trip(void)
{
	static const uint16_t all15[4] = { 15, 15, 15, 15 };
	static const uint16_t all30[4] = { 30, 30, 30, 30 };
	static const uint16_t mixed[4] = { 15, 30, 30, 15 };
	static const uint16_t last30[4] = { 15, 15, 15, 30 };
	unsigned int n;

	for (n = 1; n <= 4; n++) {
		round_trip(n, all15);
		round_trip(n, all30);
	}
	round_trip(4, mixed);
	round_trip(4, last30);
}

/* What chrony writes, byte for byte: NKS1 with AEAD 30 keys. */
static void format_chrony_layout(void)
{
	struct ntskeys k;
	char buf[1024], want[1024];
	unsigned int i;

	memset(&k, 0, sizeof(k));
	k.n = 4;
	k.age = 12.5;
	for (i = 0; i < 4; i++) {
		k.keys[i].id = 0xA1B2C3D0u + (i + 1) % 4;
		k.keys[i].aead = 30;
		key_bytes(i + 1, k.keys[i].key);
		memset(k.keys[i].key + 16, 0, 16);
	}
	snprintf(want, sizeof(want),
		 "NKS1\n12.5\n%08X %.32s %d\n%08X %.32s %d\n"
		 "%08X %.32s %d\n%08X %.32s %d\n",
		 k.keys[0].id, key_hex(1), 30, k.keys[1].id, key_hex(2), 30,
		 k.keys[2].id, key_hex(3), 30, k.keys[3].id, key_hex(4), 30);
	EXPECT(ntskeys_format(&k, buf, sizeof(buf)) == (int)strlen(want));
	EXPECT_STR(buf, want);

	/* One AEAD 15 key among them: its 64 digits, the same layout. */
	k.keys[1].aead = 15;
	key_bytes(2, k.keys[1].key);
	snprintf(want, sizeof(want),
		 "NKS1\n12.5\n%08X %.32s 30\n%08X %s 15\n"
		 "%08X %.32s 30\n%08X %.32s 30\n",
		 k.keys[0].id, key_hex(1), k.keys[1].id, key_hex(2),
		 k.keys[2].id, key_hex(3), k.keys[3].id, key_hex(4));
	EXPECT(ntskeys_format(&k, buf, sizeof(buf)) == (int)strlen(want));
	EXPECT_STR(buf, want);

	/* All AEAD 15: chrony 4.3's NKS0. */
	for (i = 0; i < 4; i++) {
		k.keys[i].aead = 15;
		key_bytes(i + 1, k.keys[i].key);
	}
	snprintf(want, sizeof(want),
		 "NKS0\n15 12.5\n%08X %s\n%08X %s\n%08X %s\n%08X %s\n",
		 k.keys[0].id, key_hex(1), k.keys[1].id, key_hex(2),
		 k.keys[2].id, key_hex(3), k.keys[3].id, key_hex(4));
	EXPECT(ntskeys_format(&k, buf, sizeof(buf)) == (int)strlen(want));
	EXPECT_STR(buf, want);
}

static bool key_tail_zero(const struct ntskey *k)
{
	unsigned int i;

	for (i = ntskey_len(k); i < NTSKEYS_KEY_LEN; i++)
		if (k->key[i])
			return false;
	return true;
}

/* New tables and rotations with either AEAD; ntskeys_save/load agree. */
static void generate_rotate_save(void)
{
	struct ntskeys k, back;
	char err[256], path[64];
	unsigned int i;
	int fd;

	ntskeys_generate(&k, 30);
	EXPECT(k.n == 4 && k.current == 2);
	for (i = 0; i < 4; i++) {
		EXPECT(k.keys[i].aead == 30 && ntskey_len(&k.keys[i]) == 16);
		EXPECT(k.keys[i].id % 4 == i);
		EXPECT(key_tail_zero(&k.keys[i]));
	}
	/* Random: not two alike. */
	EXPECT(memcmp(k.keys[0].key, k.keys[1].key, 16) != 0);

	/* Rotating in an AEAD 15 key: a mixed table, in slot order. */
	ntskeys_rotate(&k, 15);
	EXPECT(k.current == 2 && k.age == 0);
	EXPECT(k.keys[3].aead == 15 && ntskey_len(&k.keys[3]) == 32);
	EXPECT(k.keys[3].id % 4 == (k.keys[2].id + 1) % 4);
	EXPECT(k.keys[0].aead == 30 && k.keys[2].aead == 30);

	strcpy(path, "/tmp/knts-ntskeys-XXXXXX");
	fd = mkstemp(path);
	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	EXPECT(ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err, sizeof(err)) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &back, err, sizeof(err)) == 0);
	EXPECT(back.n == 4 && back.current == 2);
	for (i = 0; i < 4; i++) {
		EXPECT(back.keys[i].id == k.keys[i].id);
		EXPECT(back.keys[i].aead == k.keys[i].aead);
		EXPECT(!memcmp(back.keys[i].key, k.keys[i].key,
			       NTSKEYS_KEY_LEN));
	}

	/* Three more AEAD 15 rotations: NKS0 again, as chrony 4.3 reads. */
	for (i = 0; i < 3; i++)
		ntskeys_rotate(&k, 15);
	EXPECT(ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err, sizeof(err)) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &back, err, sizeof(err)) == 0);
	for (i = 0; i < 4; i++)
		EXPECT(back.keys[i].aead == 15 &&
		       !memcmp(back.keys[i].key, k.keys[i].key, 32));
	{
		char head[5] = "";
		FILE *f = fopen(path, "r");

		EXPECT(f && fread(head, 1, 4, f) == 4);
		EXPECT(!strcmp(head, "NKS0"));
		if (f)
			fclose(f);
	}
	unlink(path);

	ntskeys_generate(&k, 15);
	for (i = 0; i < 4; i++)
		EXPECT(k.keys[i].aead == 15 && k.keys[i].id % 4 == i);
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

/* A temporary NKS0 file of four AEAD 15 keys, ids 1 to 4. */
static char *four_keys_file(void)
{
	return temp_file(fmt("NKS0\n15 0\n00000001 %s\n00000002 %s\n"
			     "00000003 %s\n00000004 %s\n", key_hex(1),
			     key_hex(2), key_hex(3), key_hex(4)));
}

static void load_checks_mode(void)
{
	struct ntskeys k;
	char err[256], *path;

	path = four_keys_file();
	EXPECT(path != NULL);
	if (!path)
		return;

	EXPECT(chmod(path, 0644) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == -EPERM);
	EXPECT(strstr(err, path) && strstr(err, "chmod 600"));
	EXPECT(chmod(path, 0640) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == -EPERM);
	EXPECT(chmod(path, 0602) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == -EPERM);

	EXPECT(chmod(path, 0600) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == 0);
	EXPECT(k.n == 4 && k.current == 2);
	EXPECT(key_is(&k.keys[1], 2, 2));
	EXPECT(chmod(path, 0400) == 0);
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == 0);
	unlink(path);

	/* Parse errors name the path and line. */
	path = temp_file("NKS0\n15 0\n1 00\n");
	EXPECT(path != NULL);
	if (!path)
		return;
	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == -EINVAL);
	EXPECT(!strncmp(err, path, strlen(path)) &&
	       !strncmp(err + strlen(path), ":3: ", 4));
	unlink(path);

	EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == -ENOENT);
	EXPECT(ntskeys_load("/tmp", geteuid(), &k, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "not a regular file") != NULL);
}

/*
 * Who the file belongs to: a symbolic link is refused, not followed; a
 * file owned by someone other than root and the service user is refused
 * (who can write it chooses the keys), unless the admin names it to
 * kntsctl as root.
 */
static void load_checks_owner(void)
{
	const uid_t other = 4242;
	char err[256], link[80], *path;
	struct ntskeys k;

	path = four_keys_file();
	EXPECT(path != NULL);
	if (!path)
		return;
	EXPECT(chmod(path, 0600) == 0);
	snprintf(link, sizeof(link), "%s.link", path);
	EXPECT(symlink(path, link) == 0);
	EXPECT(ntskeys_load(link, geteuid(), &k, err, sizeof(err)) == -ELOOP);
	EXPECT(strstr(err, link) && strstr(err, "symbolic link"));
	EXPECT(ntskeys_load(link, NTSKEYS_ANY_OWNER, &k, err, sizeof(err)) ==
	       -ELOOP);
	unlink(link);

	if (geteuid() == 0) {
		/* Root: the file given to another user. */
		EXPECT(chown(path, other, other) == 0);
		EXPECT(ntskeys_load(path, 0, &k, err, sizeof(err)) == -EPERM);
		EXPECT(strstr(err, "owned by uid 4242") != NULL);
		EXPECT(ntskeys_load(path, 1234, &k, err, sizeof(err)) == -EPERM);
		EXPECT(ntskeys_load(path, other, &k, err, sizeof(err)) == 0);
		EXPECT(ntskeys_load(path, NTSKEYS_ANY_OWNER, &k, err,
				    sizeof(err)) == 0);
		EXPECT(chown(path, 0, 0) == 0);
		/* Root's own file: every service user may read it. */
		EXPECT(ntskeys_load(path, other, &k, err, sizeof(err)) == 0);
	} else {
		/* Our own file, read for another service user. */
		EXPECT(ntskeys_load(path, geteuid() + 1, &k, err,
				    sizeof(err)) == -EPERM);
		EXPECT(ntskeys_load(path, geteuid(), &k, err, sizeof(err)) == 0);
	}
	unlink(path);
}

/* Entries of @dir other than "." and "..". */
static int dir_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/*
 * Writing: through a temporary file of its own name (chrony's fixed
 * "ntskeys.tmp" may exist, even as a directory), none left behind,
 * ownership given through the descriptor, a short write an error that
 * leaves the old file whole, and a writer waits for the one holding the
 * directory's lock.
 */
static void save_hardened(void)
{
	char dir[64], path[96], tmp[112], err[256];
	struct ntskeys k, back;
	struct stat st;
	int status, dfd;
	pid_t pid;

	strcpy(dir, "/tmp/knts-ntskeys-dir-XXXXXX");
	EXPECT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/ntskeys", dir);
	snprintf(tmp, sizeof(tmp), "%s/ntskeys.tmp", dir);
	EXPECT(mkdir(tmp, 0700) == 0);
	ntskeys_generate(&k, 15);
	EXPECT(ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err,
			    sizeof(err)) == 0);
	EXPECT(dir_entries(dir) == 2);
	EXPECT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	EXPECT(ntskeys_load(path, geteuid(), &back, err, sizeof(err)) == 0);
	EXPECT(back.keys[2].id == k.keys[2].id);
	if (geteuid() == 0) {
		EXPECT(ntskeys_save(path, &k, 4242, 4343, err,
				    sizeof(err)) == 0);
		EXPECT(stat(path, &st) == 0 && st.st_uid == 4242 &&
		       st.st_gid == 4343);
	}

	/* A short write (the file size limit, one byte): an error, the old
	 * table still there, no temporary file left. */
	ntskeys_rotate(&k, 15);
	pid = fork();
	EXPECT(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 1, 1 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err,
				   sizeof(err)) == -EFBIG &&
		      strstr(err, dir) ? 0 : 1);
	}
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	EXPECT(dir_entries(dir) == 2);
	EXPECT(ntskeys_load(path, NTSKEYS_ANY_OWNER, &back, err,
			    sizeof(err)) == 0);
	EXPECT(back.keys[2].id != k.keys[2].id);

	/* A second writer waits for the first's lock on the directory. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	EXPECT(dfd >= 0 && flock(dfd, LOCK_EX) == 0);
	pid = fork();
	EXPECT(pid >= 0);
	if (pid == 0) {
		/* The lock belongs to the open directory, which this child
		 * shares until it closes its copy. */
		close(dfd);
		_exit(ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err,
				   sizeof(err)) ? 1 : 0);
	}
	usleep(300 * 1000);
	EXPECT(waitpid(pid, &status, WNOHANG) == 0);
	EXPECT(ntskeys_load(path, NTSKEYS_ANY_OWNER, &back, err,
			    sizeof(err)) == 0 &&
	       back.keys[2].id != k.keys[2].id);
	close(dfd);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	EXPECT(ntskeys_load(path, NTSKEYS_ANY_OWNER, &back, err,
			    sizeof(err)) == 0 &&
	       back.keys[2].id == k.keys[2].id);
	EXPECT(dir_entries(dir) == 2);

	unlink(path);
	rmdir(tmp);
	rmdir(dir);
}

int main(void)
{
	unit_file = "ntskeys";
	RUN(nks0_four_keys);
	RUN(nks0_partial_refused);
	RUN(nks1_keys);
	RUN(nks1_aead30_keys);
	RUN(nks1_mixed_keys);
	RUN(errors_name_the_line);
	RUN(errors_whole_file);
	RUN(error_wipes);
	RUN(format_round_trip);
	RUN(format_chrony_layout);
	RUN(generate_rotate_save);
	RUN(load_checks_mode);
	RUN(load_checks_owner);
	RUN(save_hardened);
	return unit_any_failed;
}
