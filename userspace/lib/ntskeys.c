// SPDX-License-Identifier: GPL-2.0
/*
 * chrony's ntskeys file, both layouts (NKS0 from chrony 4.3, NKS1 newer).
 * Errors name file:line.  Key bytes are wiped from every buffer they pass
 * through.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/aead.h"
#include "ntskeys.h"
#include "util.h"

/* A key's length in bytes: 32 for AEAD 15, 16 for AEAD 30. */
unsigned int ntskey_len(const struct ntskey *k)
{
	return knts_aead_key_len(k->aead);
}

/* chrony's keys are 32 bytes of hex on one line: lines are short. */
#define NTSKEYS_MAX_FILE 4096

static int fail(char *err, size_t errlen, const char *name, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *name, int line,
		const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", name, line, msg);
	else
		snprintf(err, errlen, "%s: %s", name, msg);
	return -EINVAL;
}

static int parse_age(const char *s, double *age)
{
	char *end;

	errno = 0;
	*age = strtod(s, &end);
	return (errno || *end || !isfinite(*age)) ? -1 : 0;
}

/**
 * ntskeys_parse() - parse the text of an ntskeys file
 * @text: contents (need not be NUL terminated)
 * @len: their length
 * @name: file name for messages
 * @out: the keys; wiped on error
 * @err: message buffer, "name:line: what" on error
 * @errlen: its size
 *
 * Returns 0 or -EINVAL.
 */
int ntskeys_parse(const char *text, size_t len, const char *name,
		  struct ntskeys *out, char *err, size_t errlen)
{
	char buf[NTSKEYS_MAX_FILE + 1], *line, *next, *w[4];
	unsigned int nw, version = 0, slots = 0, i;
	int lineno = 0, ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (len > NTSKEYS_MAX_FILE)
		return fail(err, errlen, name, 0, "too large for an ntskeys file");
	if (memchr(text, '\0', len))
		return fail(err, errlen, name, 0, "not a text file");
	memcpy(buf, text, len);
	buf[len] = '\0';

	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (lineno > 1 && !*line)
			continue;
		nw = split_words(line, " \t", w, 3);
		if (lineno == 1) {
			if (nw == 1 && !strcmp(w[0], "NKS0")) {
				version = 0;
			} else if (nw == 1 && !strcmp(w[0], "NKS1")) {
				version = 1;
			} else {
				fail(err, errlen, name, lineno,
				     "not an ntskeys file (want NKS0 or NKS1)");
				goto out;
			}
		} else if (lineno == 2) {
			if (version == 0 &&
			    (nw != 2 || strcmp(w[0], "15") ||
			     parse_age(w[1], &out->age))) {
				fail(err, errlen, name, lineno,
				     "want \"15 AGE\" (AEAD 15 and the key age)");
				goto out;
			}
			if (version == 1 && (nw != 1 ||
					     parse_age(w[0], &out->age))) {
				fail(err, errlen, name, lineno,
				     "want the key age in seconds");
				goto out;
			}
		} else {
			struct ntskey *k = &out->keys[out->n];

			if (out->n == NTSKEYS_MAX) {
				fail(err, errlen, name, lineno,
				     "more than %d keys", NTSKEYS_MAX);
				goto out;
			}
			if (nw != (version ? 3u : 2u) || parse_hex_u32(w[0], &k->id)) {
				fail(err, errlen, name, lineno,
				     version ? "want \"ID HEXKEY AEAD\"" :
					       "want \"ID HEXKEY\"");
				goto out;
			}
			k->aead = NTSKEYS_AEAD;
			if (version && strcmp(w[2], "15") && strcmp(w[2], "30")) {
				fail(err, errlen, name, lineno,
				     "AEAD %s master keys are not supported (15, AES-SIV-CMAC-256, or 30, AES-128-GCM-SIV)",
				     w[2]);
				goto out;
			}
			if (version && !strcmp(w[2], "30"))
				k->aead = KNTS_AEAD_AES_128_GCM_SIV;
			if (parse_hex(w[1], strlen(w[1]), k->key,
				      ntskey_len(k))) {
				fail(err, errlen, name, lineno,
				     "want an AEAD %u key: %u bytes as %u hex digits",
				     k->aead, ntskey_len(k), 2 * ntskey_len(k));
				goto out;
			}
			if (slots & (1u << (k->id % NTSKEYS_MAX))) {
				fail(err, errlen, name, lineno,
				     "key %08X is in the same slot (id %% 4) as an earlier one",
				     k->id);
				goto out;
			}
			slots |= 1u << (k->id % NTSKEYS_MAX);
			out->n++;
		}
	}
	if (lineno < 2 || out->n == 0) {
		fail(err, errlen, name, lineno, "no keys");
		goto out;
	}
	/* chrony (4.3 and later) loads only a full table, slots in turn. */
	if (out->n != NTSKEYS_MAX) {
		fail(err, errlen, name, lineno, "%u keys; an ntskeys file has exactly %d",
		     out->n, NTSKEYS_MAX);
		goto out;
	}
	for (i = 1; i < out->n; i++) {
		if (out->keys[i].id % NTSKEYS_MAX !=
		    (out->keys[i - 1].id + 1) % NTSKEYS_MAX) {
			fail(err, errlen, name, 0,
			     "keys not in consecutive slots (id %% 4), oldest first, as chrony writes them");
			goto out;
		}
	}
	/* The last line is the next key; the current one is the line before. */
	out->current = out->n - 2;
	ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	if (ret)
		ntskeys_wipe(out);
	return ret;
}

/**
 * ntskeys_load() - read a chrony ntskeys file
 * @path: file; a symbolic link is refused, not followed
 * @owner: who may own it besides root (kntsd: its service user), or
 *	   NTSKEYS_ANY_OWNER for a file the admin names to kntsctl as root
 * @out: the keys
 * @err: message buffer
 * @errlen: its size
 *
 * Refuses a file that others than its owner may read or write, or that
 * someone else owns, as it holds the keys every cookie is sealed with: who
 * can write it chooses the keys.
 *
 * Returns 0 or a negative errno.
 */
int ntskeys_load(const char *path, uid_t owner, struct ntskeys *out,
		 char *err, size_t errlen)
{
	char buf[NTSKEYS_MAX_FILE + 1];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		if (errno == ELOOP)
			snprintf(err, errlen,
				 "%s: a symbolic link; name the file itself",
				 path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		snprintf(err, errlen,
			 "%s: mode %04o lets others read or change the keys (chmod 600)",
			 path, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	if (owner != NTSKEYS_ANY_OWNER && st.st_uid != 0 &&
	    st.st_uid != owner) {
		close(fd);
		snprintf(err, errlen,
			 "%s: owned by uid %u, neither root nor uid %u: someone else chose these keys",
			 path, (unsigned int)st.st_uid, (unsigned int)owner);
		return -EPERM;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	} else if (len > NTSKEYS_MAX_FILE) {
		snprintf(err, errlen, "%s: too large for an ntskeys file", path);
		ret = -EINVAL;
	} else {
		ret = ntskeys_parse(buf, len, path, out, err, errlen);
	}
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

/**
 * ntskeys_format() - write the keys as chrony does
 * @k: keys, in file order (oldest first, the next key last)
 * @buf: output
 * @len: its size
 *
 * NKS0 (which chrony 4.3 reads) when every key is AEAD 15, else NKS1.
 *
 * Returns the length written, or -ENOSPC.  The caller wipes @buf.
 */
int ntskeys_format(const struct ntskeys *k, char *buf, size_t len)
{
	unsigned int i, j, nks1 = 0;
	size_t off;
	int n;

	for (i = 0; i < k->n; i++)
		nks1 |= k->keys[i].aead != NTSKEYS_AEAD;
	n = nks1 ? snprintf(buf, len, "NKS1\n%.1f\n", k->age) :
		   snprintf(buf, len, "NKS0\n15 %.1f\n", k->age);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	off = (size_t)n;
	for (i = 0; i < k->n; i++) {
		/* "ID " + hex + (" 15" for NKS1) + "\n" + the final NUL */
		if (len - off < 9 + 2 * ntskey_len(&k->keys[i]) +
				(nks1 ? 3 : 0) + 2)
			return -ENOSPC;
		off += (size_t)snprintf(buf + off, len - off, "%08X ",
					k->keys[i].id);
		for (j = 0; j < ntskey_len(&k->keys[i]); j++)
			off += (size_t)snprintf(buf + off, len - off, "%02X",
						k->keys[i].key[j]);
		if (nks1)
			off += (size_t)snprintf(buf + off, len - off, " %u",
						k->keys[i].aead);
		off += (size_t)snprintf(buf + off, len - off, "\n");
	}
	return (int)off;
}

void ntskeys_wipe(struct ntskeys *k)
{
	explicit_bzero(k, sizeof(*k));
}

/*
 * A fresh key for a slot: random, the slot in the id's low bits (chrony);
 * an AEAD 30 key's unused bytes are zero, as chrony keeps them.
 */
static void new_key(struct ntskey *key, unsigned int slot, uint16_t aead)
{
	uint32_t r;

	knts_random_bytes(&r, sizeof(r));
	key->id = (r & ~3u) | (slot % NTSKEYS_MAX);
	key->aead = aead;
	memset(key->key, 0, sizeof(key->key));
	knts_random_bytes(key->key, ntskey_len(key));
}

/**
 * ntskeys_generate() - a new table as chrony makes one at start
 * @k: out: four fresh keys in consecutive slots, the third current
 * @aead: their AEAD, 15 or 30
 */
void ntskeys_generate(struct ntskeys *k, uint16_t aead)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->n = NTSKEYS_MAX;
	k->current = 2;
	for (i = 0; i < NTSKEYS_MAX; i++)
		new_key(&k->keys[i], i, aead);
}

/**
 * ntskeys_rotate() - the next key becomes current, a fresh next key is made
 * @k: a full table in file order; the oldest key leaves it
 * @aead: the new key's AEAD, 15 or 30
 */
void ntskeys_rotate(struct ntskeys *k, uint16_t aead)
{
	memmove(&k->keys[0], &k->keys[1], 3 * sizeof(k->keys[0]));
	new_key(&k->keys[3], k->keys[2].id + 1, aead);
	k->current = 2;
	k->age = 0;
}

/* Writes all of @buf or fails: a short write is -EIO. */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * ntskeys_save() - write a table atomically with mode 0600
 * @path: file; replaced by rename so readers see the old or the new one
 * @k: keys
 * @uid: owner of the new file, or (uid_t)-1 to keep the writer's
 * @gid: its group, with @uid
 * @err: message buffer
 * @errlen: its size
 *
 * Two writers (kntsd rotating, kntsctl keys rotate) take turns: each holds
 * an flock() on the directory while it writes.  The new table goes to a
 * temporary file of a name no one else uses (chrony writes a fixed
 * "ntskeys.tmp" of its own), created 0600 and given to @uid through its
 * descriptor, synced, then renamed over @path, and the directory synced.
 *
 * Returns 0 or a negative errno.
 */
int ntskeys_save(const char *path, const struct ntskeys *k, uid_t uid,
		 gid_t gid, char *err, size_t errlen)
{
	char buf[1024], tmp[PATH_MAX], dir[PATH_MAX];
	const char *what = tmp, *slash;
	int fd = -1, dfd, len, ret = 0;
	bool short_write = false;

	slash = strrchr(path, '/');
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp) ||
	    (size_t)snprintf(dir, sizeof(dir), "%.*s",
			     slash ? (int)(slash - path) + (slash == path) : 1,
			     slash ? path : ".") >= sizeof(dir)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	len = ntskeys_format(k, buf, sizeof(buf));
	if (len < 0) {
		snprintf(err, errlen, "%s: cannot format the keys", path);
		return -ENOSPC;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (uid != (uid_t)-1 && fchown(fd, uid, gid))
		ret = -errno;
	if (!ret) {
		ret = write_all(fd, buf, (size_t)len);
		short_write = ret == -EIO;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path)) {
		ret = -errno;
		what = path;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", what,
			 short_write ? "short write" : strerror(-ret));
		unlink(tmp);
	} else if (fsync(dfd)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	}
out:
	if (dfd >= 0)
		close(dfd);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}
