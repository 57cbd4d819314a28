/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chrony's ntskeys file (ntsdumpdir/ntskeys): the NTS master keys.
 *
 *   NKS0                         NKS1
 *   15 <age>                     <age>
 *   <ID> <HEX KEY>     x4        <ID> <HEX KEY> <AEAD>   x4
 *
 * IDs are 8 hex digits; a key sits in slot ID % 4; lines run from the
 * oldest key to the next (future) one, so the current key is the one in
 * the slot before the last line's.  An AEAD 15 key (AES-SIV-CMAC-256) has
 * 32 bytes, an AEAD 30 key (AES-128-GCM-SIV) 16; NKS1 names each key's,
 * and one file may mix them.  chrony 4.3 reads and writes only NKS0 (AEAD
 * 15); chrony 4.4 and later write NKS1, with AEAD 30 keys when their
 * crypto library has AES-128-GCM-SIV, and read both.  knts reads both and
 * writes NKS0 whenever every key is AEAD 15, so that chrony 4.3 can share
 * the file, else NKS1.
 */
#ifndef KNTS_NTSKEYS_H
#define KNTS_NTSKEYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NTSKEYS_MAX 4
#define NTSKEYS_KEY_LEN 32		/* the longest key, AEAD 15's */
#define NTSKEYS_AEAD 15			/* NKS0's, and the default */

struct ntskey {
	uint32_t id;
	uint16_t aead;			/* 15 or 30 */
	uint8_t key[NTSKEYS_KEY_LEN];	/* ntskey_len() bytes of it */
};

unsigned int ntskey_len(const struct ntskey *k);

struct ntskeys {
	struct ntskey keys[NTSKEYS_MAX];	/* in file order */
	unsigned int n;
	unsigned int current;			/* index into keys */
	double age;				/* of the newest key, seconds */
};

int ntskeys_parse(const char *text, size_t len, const char *name,
		  struct ntskeys *out, char *err, size_t errlen);
/* ntskeys_load()'s owner: a file the admin names, whoever owns it. */
#define NTSKEYS_ANY_OWNER ((uid_t)-1)

int ntskeys_load(const char *path, uid_t owner, struct ntskeys *out,
		 char *err, size_t errlen);
int ntskeys_format(const struct ntskeys *k, char *buf, size_t len);
void ntskeys_wipe(struct ntskeys *k);
void ntskeys_generate(struct ntskeys *k, uint16_t aead);
void ntskeys_rotate(struct ntskeys *k, uint16_t aead);
int ntskeys_save(const char *path, const struct ntskeys *k, uid_t uid,
		 gid_t gid, char *err, size_t errlen);

#endif /* KNTS_NTSKEYS_H */
