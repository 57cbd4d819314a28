// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl keys [list] | import FILE | del ID
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../uapi/linux/knts.h"
#include "ctl.h"
#include "ntskeys.h"
#include "print.h"
#include "util.h"

struct key_info {
	uint32_t id;
	uint16_t aead;
	uint8_t slot;
	uint64_t age_ms, opens, fails;
	bool current;
};

struct key_list {
	struct key_info k[NTSKEYS_MAX];
	unsigned int n;
	bool has_current;
	uint32_t current_id;
};

static int parse_keys(struct nlattr **tb, struct nlattr *head, int len,
		      void *arg)
{
	struct nlattr *a, *kb[KNTS_KEY_A_MAX + 1];
	struct key_list *l = arg;
	int rem;

	if (tb[KNTS_A_KEY_CURRENT]) {
		l->has_current = true;
		l->current_id = nla_get_u32(tb[KNTS_A_KEY_CURRENT]);
	}
	nla_for_each_attr(a, head, len, rem) {
		struct key_info *k;

		if (nla_type(a) != KNTS_A_KEY)
			continue;
		if (l->n == NTSKEYS_MAX ||
		    nla_parse_nested(kb, KNTS_KEY_A_MAX, a, NULL) ||
		    !kb[KNTS_KEY_A_ID] || !kb[KNTS_KEY_A_SLOT])
			return -EBADMSG;
		k = &l->k[l->n++];
		k->id = nla_get_u32(kb[KNTS_KEY_A_ID]);
		k->slot = nla_get_u8(kb[KNTS_KEY_A_SLOT]);
		k->aead = kb[KNTS_KEY_A_AEAD] ?
			  nla_get_u16(kb[KNTS_KEY_A_AEAD]) : 0;
		k->age_ms = kb[KNTS_KEY_A_AGE_MS] ?
			    nla_get_u64(kb[KNTS_KEY_A_AGE_MS]) : 0;
		k->opens = kb[KNTS_KEY_A_OPENS] ?
			   nla_get_u64(kb[KNTS_KEY_A_OPENS]) : 0;
		k->fails = kb[KNTS_KEY_A_FAILS] ?
			   nla_get_u64(kb[KNTS_KEY_A_FAILS]) : 0;
		k->current = kb[KNTS_KEY_A_CURRENT] != NULL;
	}
	return 0;
}

static const char *aead_name(uint16_t aead)
{
	return aead == 15 ? "AES-SIV-CMAC-256" : "unknown";
}

/* chrony's roles: the slot after the current one holds the next key. */
static const char *key_role(const struct key_list *l,
			    const struct key_info *k)
{
	if (k->current)
		return "current";
	if (l->has_current && k->slot == (l->current_id + 1) % NTSKEYS_MAX)
		return "next";
	return l->has_current ? "previous" : "-";
}

static int keys_list(struct ctl *c)
{
	struct key_list l = { .n = 0 };
	char id[16];
	unsigned int i;
	int err;

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_GET, NULL, parse_keys, &l);
	if (err)
		return ctl_nl_error(c, "keys", err);

	print_begin(stdout, c->json);
	open_json_array("keys");
	if (!l.n)
		print_text("No master keys loaded (kntsctl keys import FILE).\n");
	else
		print_text("Slot ID        Algorithm          Role      Age (s)        Opened       Failed\n");
	for (i = 0; i < l.n; i++) {
		const struct key_info *k = &l.k[i];

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

static int build_import(struct nl_msg *msg, void *arg)
{
	const struct ntskeys *k = arg;
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		nest = nla_nest_start(msg, KNTS_A_KEY);
		if (!nest ||
		    nla_put_u32(msg, KNTS_KEY_A_ID, k->keys[i].id) ||
		    nla_put_u16(msg, KNTS_KEY_A_AEAD, k->keys[i].aead) ||
		    nla_put(msg, KNTS_KEY_A_SECRET, NTSKEYS_KEY_LEN,
			    k->keys[i].key))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return nla_put_u32(msg, KNTS_A_KEY_CURRENT,
			   k->keys[k->current].id) ? -EMSGSIZE : 0;
}

static int keys_import(struct ctl *c, const char *path)
{
	struct ntskeys k;
	char err_msg[256];
	int err;

	err = ntskeys_load(path, &k, err_msg, sizeof(err_msg));
	if (err) {
		fprintf(stderr, "kntsctl: %s\n", err_msg);
		return 1;
	}
	if (!ctl_nl(c)) {
		ntskeys_wipe(&k);
		return 1;
	}
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_SET, build_import, NULL, &k);
	/* The message buffer was freed by now; wipe our copy. */
	if (!err)
		printf("Imported %u key%s from %s, current %08X\n", k.n,
		       k.n == 1 ? "" : "s", path, k.keys[k.current].id);
	ntskeys_wipe(&k);
	return err ? ctl_nl_error(c, "keys import", err) : 0;
}

static int build_del(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, KNTS_A_KEY_ID, *(uint32_t *)arg) ? -EMSGSIZE : 0;
}

static int keys_del(struct ctl *c, const char *arg)
{
	unsigned long long v;
	uint32_t id;
	char *end;
	int err;

	errno = 0;
	v = strtoull(arg, &end, 16);
	if (!*arg || *end || errno || v > UINT32_MAX)
		return ctl_usage_error("keys del: a key id in hex, not \"%s\"",
				       arg);
	id = (uint32_t)v;
	if (!ctl_nl(c))
		return 1;
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_DEL, build_del, NULL, &id);
	return err ? ctl_nl_error(c, "keys del", err) : 0;
}

int do_keys(struct ctl *c, int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "list")) {
		if (argc > 1)
			return ctl_usage_error("keys list takes no argument");
		return keys_list(c);
	}
	if (matches(*argv, "import")) {
		if (argc != 2)
			return ctl_usage_error("keys import: one FILE (chrony's ntskeys)");
		return keys_import(c, argv[1]);
	}
	if (matches(*argv, "del")) {
		if (argc != 2)
			return ctl_usage_error("keys del: one key ID");
		return keys_del(c, argv[1]);
	}
	return ctl_usage_error("keys: unknown command \"%s\"", *argv);
}
