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

static const char *aead_name(uint16_t aead)
{
	return aead == 15 ? "AES-SIV-CMAC-256" : "unknown";
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
	err = knts_nl_request(c->nl, KNTS_CMD_KEY_SET, knts_nl_build_keys, NULL, &k);
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
