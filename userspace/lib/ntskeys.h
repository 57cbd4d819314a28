/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chrony's ntskeys file (ntsdumpdir/ntskeys): the NTS master keys.
 *
 *   NKS0                         NKS1
 *   15 <age>                     <age>
 *   <ID> <HEX KEY>     x1..4     <ID> <HEX KEY> <AEAD>   x4
 *
 * IDs are 8 hex digits; a key sits in slot ID % 4; lines run from the
 * oldest key to the next (future) one, so the current key is the one in
 * the slot before the last line's.  chrony 4.3 writes NKS0, newer chrony
 * NKS1; both are read.
 */
#ifndef KNTS_NTSKEYS_H
#define KNTS_NTSKEYS_H

#include <stddef.h>
#include <stdint.h>

#define NTSKEYS_MAX 4
#define NTSKEYS_KEY_LEN 32
#define NTSKEYS_AEAD 15
/* The layout knts writes: NKS0, which chrony 4.3 reads (newer chrony too). */
#define NTSKEYS_NKS0 0
#define NTSKEYS_NKS1 1
#define NTSKEYS_WRITE NTSKEYS_NKS0

struct ntskey {
	uint32_t id;
	uint16_t aead;
	uint8_t key[NTSKEYS_KEY_LEN];
};

struct ntskeys {
	struct ntskey keys[NTSKEYS_MAX];	/* in file order */
	unsigned int n;
	unsigned int current;			/* index into keys */
	double age;				/* of the newest key, seconds */
};

int ntskeys_parse(const char *text, size_t len, const char *name,
		  struct ntskeys *out, char *err, size_t errlen);
int ntskeys_load(const char *path, struct ntskeys *out, char *err,
		 size_t errlen);
int ntskeys_format(const struct ntskeys *k, int version, char *buf,
		   size_t len);
void ntskeys_wipe(struct ntskeys *k);
void ntskeys_generate(struct ntskeys *k);
void ntskeys_rotate(struct ntskeys *k);
int ntskeys_save(const char *path, const struct ntskeys *k, int version,
		 char *err, size_t errlen);

#endif /* KNTS_NTSKEYS_H */
