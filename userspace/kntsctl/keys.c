// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl keys [list] | import FILE | del ID | set ID FILE [current] |
 * generate FILE [aead 15|30] | rotate FILE [aead 15|30]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/aead.h"
#include "uapi/linux/knts.h"
#include "ctl.h"
#include "lib/ntskeys.h"
#include "lib/print.h"
#include "lib/util.h"

static const char *aead_name(uint16_t aead)
{
	return aead == 15 ? "AES-SIV-CMAC-256" :
	       aead == 30 ? "AES-128-GCM-SIV" : "unknown";
}

/* chrony's roles: the slot after the current one holds the next key. */
static const char *key_role(const struct knts_nl_keys *l,
			    const struct knts_nl_key *k)
{
	if (k->current)
		return "current";
	if (l->has_current && k->slot == (l->current_id + 1) % NTSKEYS_MAX)
		return "next";
	return l->has_current ? "previous" : "-";
}

static int keys_list(struct ctl *c)
{
	struct knts_nl_keys l = { .n = 0 };
	char id[16];
	unsigned int i;
	int err;

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_GET, NULL, knts_nl_parse_keys,
			      &l);
	if (err)
		return ctl_nl_error(c, "keys", err);

	print_begin(stdout, c->json);
	open_json_array("keys");
	if (!l.n)
		print_text("No master keys loaded (kntsctl keys import FILE).\n");
	else
		print_text("Slot ID        Algorithm          Role      Age (s)        Opened       Failed\n");
	for (i = 0; i < l.n; i++) {
		const struct knts_nl_key *k = &l.k[i];

		snprintf(id, sizeof(id), "%08X", k->id);
		open_json_object(NULL);
		print_u64(PRINT_ANY, "slot", "%-4llu ", k->slot);
		print_string(PRINT_ANY, "id", "%-9s ", id);
		print_u64(PRINT_JSON, "aead", NULL, k->aead);
		print_string(PRINT_ANY, "algorithm", "%-18s ",
			     aead_name(k->aead));
		print_string(PRINT_ANY, "role", "%-9s ", key_role(&l, k));
		print_double(PRINT_ANY, "age", "%7.0f ",
			     (double)k->age_ms / 1000.0);
		print_u64(PRINT_ANY, "opens", "%12llu ", k->opens);
		print_u64(PRINT_ANY, "fails", "%12llu\n", k->fails);
		close_json_object();
	}
	close_json_array();
	return print_end() ? 1 : 0;
}

/* With -j, what a command that changed the keys did, as an object. */
static void report_json(const char *action, const char *path,
			const struct ntskeys *k)
{
	char id[16];

	print_begin(stdout, true);
	print_string(PRINT_JSON, "action", NULL, action);
	print_string(PRINT_JSON, "file", NULL, path);
	print_u64(PRINT_JSON, "keys", NULL, k->n);
	snprintf(id, sizeof(id), "%08X", k->keys[k->current].id);
	print_string(PRINT_JSON, "current", NULL, id);
	print_end();
}

static int keys_import(struct ctl *c, const char *path)
{
	struct ntskeys k;
	char err_msg[256];
	int err;

	err = ntskeys_load(path, geteuid() ? geteuid() : NTSKEYS_ANY_OWNER, &k,
			   err_msg, sizeof(err_msg));
	if (err) {
		return ctl_error("%s", err_msg);
	}
	if (!ctl_nl(c)) {
		ntskeys_wipe(&k);
		return 1;
	}
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_SET, knts_nl_build_keys, NULL, &k);
	/* The message buffer was freed by now; wipe our copy. */
	if (!err && c->json)
		report_json("imported", path, &k);
	else if (!err)
		printf("Imported %u key%s from %s, current %08X\n", k.n,
		       k.n == 1 ? "" : "s", path, k.keys[k.current].id);
	ntskeys_wipe(&k);
	return err ? ctl_nl_error(c, "keys import", err) : 0;
}

static int build_del(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, KNTS_A_KEY_ID, *(uint32_t *)arg) ? -EMSGSIZE : 0;
}

/* One key, no change of the current one. */
static int build_one_key(struct nl_msg *msg, void *arg)
{
	const struct ntskeys *k = arg;
	struct nlattr *nest = nla_nest_start(msg, KNTS_A_KEY);

	if (!nest || nla_put_u32(msg, KNTS_KEY_A_ID, k->keys[0].id) ||
	    nla_put_u16(msg, KNTS_KEY_A_AEAD, k->keys[0].aead) ||
	    nla_put(msg, KNTS_KEY_A_SECRET, ntskey_len(&k->keys[0]),
		    k->keys[0].key))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* A key id as kntsctl keys prints it: hex, "0x" allowed. */
static int parse_key_id(const char *s, uint32_t *id)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return parse_hex_u32(s, id);
}

static int keys_del(struct ctl *c, const char *arg)
{
	uint32_t id;
	int err;

	if (parse_key_id(arg, &id))
		return ctl_usage_error("keys del: a key id in hex, not \"%s\"",
				       arg);
	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_DEL, build_del, NULL, &id);
	return err ? ctl_nl_error(c, "keys del", err) : 0;
}

/*
 * A key file: 32 bytes as 64 hex digits, an AEAD 15 key, or 16 bytes as
 * 32, an AEAD 30 key (whitespace ignored).
 */
static int read_key(const char *path, struct ntskey *key)
{
	char buf[256];
	size_t len, i, n = 0;
	struct stat st;
	FILE *f;
	int ret;

	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		ctl_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (f != stdin && (fstat(fileno(f), &st) ||
			   (st.st_mode & (S_IRWXG | S_IRWXO)))) {
		ctl_error("%s: others may read or change it (chmod 600)",
			path);
		fclose(f);
		return -1;
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	if (f != stdin)
		fclose(f);
	/* The digits, closed up in place; a NUL is kept, for parse_hex to refuse. */
	for (i = 0; i < len; i++)
		if (!buf[i] || !strchr(" \t\r\n", buf[i]))
			buf[n++] = buf[i];
	key->aead = n == 2 * KNTS_GCMSIV_KEY_LEN ? KNTS_AEAD_AES_128_GCM_SIV :
						    KNTS_AEAD_AES_SIV_CMAC_256;
	ret = parse_hex(buf, n, key->key, ntskey_len(key));
	explicit_bzero(buf, sizeof(buf));
	if (ret) {
		ctl_error("%s: want 64 hex digits (an AEAD 15 key) or 32 (AEAD 30)",
			path);
		explicit_bzero(key->key, sizeof(key->key));
		return -1;
	}
	return 0;
}

static int push_keys(struct ctl *c, struct ntskeys *k, const char *what)
{
	int err;

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_SET, knts_nl_build_keys,
			      NULL, k);
	return err ? ctl_nl_error(c, what, err) : 0;
}

/* keys set ID FILE|- [current] */
static int keys_set(struct ctl *c, int argc, char **argv)
{
	struct ntskeys k = { .n = 1, .current = 0 };
	bool current = false;
	int ret;

	if (argc < 2 || argc > 3 || (argc == 3 && !matches(argv[2], "current")))
		return ctl_usage_error("keys set ID FILE|- [current]");
	if (parse_key_id(argv[0], &k.keys[0].id))
		return ctl_usage_error("keys set: a key id in hex, not \"%s\"",
				       argv[0]);
	current = argc == 3;
	if (read_key(argv[1], &k.keys[0]))
		return 1;
	if (!current) {
		/* Install only: keep the module's current key as it is. */
		struct knts_nl_keys l = { .n = 0 };

		if (!ctl_nl(c)) {
			ntskeys_wipe(&k);
			return 1;
		}
		ret = knts_nl_request(c->nl, KNTS_CMD_KEY_GET, NULL,
				      knts_nl_parse_keys, &l);
		if (!ret && l.has_current &&
		    l.current_id % NTSKEYS_MAX == k.keys[0].id % NTSKEYS_MAX &&
		    l.current_id != k.keys[0].id)
			fprintf(stderr, "kntsctl: warning: key %08X takes the slot of the current key %08X; no key is current now\n",
				k.keys[0].id, l.current_id);
		if (!ret && l.has_current && l.current_id != k.keys[0].id) {
			ret = knts_nl_request(c->nl, KNTS_CMD_KEY_SET,
					      build_one_key, NULL, &k);
			ntskeys_wipe(&k);
			return ret ? ctl_nl_error(c, "keys set", ret) : 0;
		}
	}
	ret = push_keys(c, &k, "keys set");
	ntskeys_wipe(&k);
	return ret;
}

/* "aead 15|30" after FILE; *aead is left alone without it. */
static int parse_aead_arg(const char *cmd, int argc, char **argv,
			  uint16_t *aead)
{
	uint32_t v;

	if (argc == 0)
		return 0;
	if (argc != 2 || !matches(argv[0], "aead") ||
	    parse_u32(argv[1], 15, 30, &v) || (v != 15 && v != 30))
		return ctl_usage_error("keys %s FILE [aead 15|30]", cmd);
	*aead = (uint16_t)v;
	return 0;
}

/*
 * keys generate FILE [aead 15|30]: a new chrony table, saved (0600; NKS0
 * for AEAD 15 keys, NKS1 for AEAD 30) and pushed.
 */
static int keys_generate(struct ctl *c, const char *path, uint16_t aead)
{
	struct ntskeys k;
	char err[512];
	int ret;

	if (!access(path, F_OK)) {
		ctl_error("%s exists: keys rotate %s, or remove it first",
			path, path);
		return 1;
	}
	ntskeys_generate(&k, aead);
	ret = ntskeys_save(path, &k, (uid_t)-1, (gid_t)-1, err, sizeof(err));
	if (ret)
		ctl_error("%s", err);
	else
		ret = push_keys(c, &k, "keys generate");
	if (!ret)
		c->json ? report_json("generated", path, &k) :
		(void)printf("Generated 4 AEAD %u keys in %s, current %08X\n",
			     aead, path, k.keys[k.current].id);
	ntskeys_wipe(&k);
	return ret ? 1 : 0;
}

/*
 * keys rotate FILE [aead 15|30]: the next key becomes current, as
 * ntsrotate does; the new next key has the AEAD given, else that of the
 * newest key in the file.
 */
static int keys_rotate(struct ctl *c, const char *path, int aead)
{
	struct ntskeys k;
	struct stat st;
	char err[512];
	int ret;

	ret = ntskeys_load(path, geteuid() ? geteuid() : NTSKEYS_ANY_OWNER, &k,
			   err, sizeof(err));
	if (!ret && lstat(path, &st)) {
		ret = -errno;
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		ntskeys_wipe(&k);
	}
	if (ret) {
		ctl_error("%s", err);
		return 1;
	}
	ntskeys_rotate(&k, aead ? (uint16_t)aead : k.keys[k.n - 1].aead);
	/* The new file keeps the old one's owner (kntsd's service user). */
	ret = ntskeys_save(path, &k, st.st_uid, st.st_gid, err, sizeof(err));
	if (ret)
		ctl_error("%s", err);
	else
		ret = push_keys(c, &k, "keys rotate");
	if (!ret)
		c->json ? report_json("rotated", path, &k) :
		(void)printf("Rotated %s: current %08X, next %08X\n", path,
			     k.keys[k.current].id, k.keys[3].id);
	ntskeys_wipe(&k);
	return ret ? 1 : 0;
}

int do_keys(struct ctl *c, int argc, char **argv)
{
	int ret;

	if (argc < 1 || matches(*argv, "list")) {
		if (argc > 1)
			return ctl_usage_error("keys list takes no argument");
		return keys_list(c);
	}
	if (!strcmp(*argv, "import")) {
		if (argc != 2)
			return ctl_usage_error("keys import: one FILE (chrony's ntskeys)");
		return keys_import(c, argv[1]);
	}
	if (!strcmp(*argv, "del") || !strcmp(*argv, "delete")) {
		if (argc != 2)
			return ctl_usage_error("keys del: one key ID");
		return keys_del(c, argv[1]);
	}
	if (!strcmp(*argv, "set"))
		return keys_set(c, argc - 1, argv + 1);
	if (!strcmp(*argv, "generate")) {
		uint16_t aead = NTSKEYS_AEAD;

		if (argc < 2)
			return ctl_usage_error("keys generate: one FILE to write");
		ret = parse_aead_arg("generate", argc - 2, argv + 2, &aead);
		if (ret)
			return ret;
		return keys_generate(c, argv[1], aead);
	}
	if (!strcmp(*argv, "rotate")) {
		uint16_t aead = 0;

		if (argc < 2)
			return ctl_usage_error("keys rotate: one FILE (chrony's ntskeys)");
		ret = parse_aead_arg("rotate", argc - 2, argv + 2, &aead);
		if (ret)
			return ret;
		return keys_rotate(c, argv[1], aead);
	}
	return ctl_usage_error("keys: unknown command \"%s\" (commands that change keys are spelt in full)",
			       *argv);
}
