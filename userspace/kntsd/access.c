// SPDX-License-Identifier: GPL-2.0
/*
 * chrony's allow and deny directives, with chrony's meaning, turned into
 * the rules knts.ko and kntsd decide with (core/access.h).
 *
 * chrony keeps a tree per family whose levels are four bits apart; each
 * node has a verdict or takes its parent's, and the root's is "deny".
 * "allow S" and "deny S" set the verdict of S's node; a prefix length that
 * is no multiple of four sets the 2, 4 or 8 nodes one level down that S
 * covers; "allow all S" and "deny all S" also drop every node below, so
 * that no more specific line given earlier outlives them.  A source's
 * verdict is that of the deepest node with one on its path.  The rules
 * here are those nodes: the verdict of the longest rule containing a
 * source is chrony's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

void access_init(struct access *a)
{
	memset(a, 0, sizeof(*a));
	/* The roots: nothing is allowed until a directive says so. */
	a->r[0].family = 4;
	a->r[1].family = 6;
	a->n = 2;
}

static void mask(uint8_t *addr, unsigned int bits, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (bits >= (i + 1) * 8)
			continue;
		addr[i] &= bits > i * 8 ? (uint8_t)(0xff00 >> (bits - i * 8)) : 0;
	}
}

/* One node: its verdict set, and with @all every node below it dropped. */
static int set_node(struct access *a, uint8_t family, const uint8_t *addr,
		    unsigned int bits, bool allow, bool all)
{
	unsigned int i, j;

	if (all) {
		for (i = j = 0; i < a->n; i++) {
			const struct knts_access_rule *r = &a->r[i];

			if (r->family == family && r->bits > bits &&
			    knts_prefix_match(addr, r->addr, bits))
				continue;
			a->r[j++] = *r;
		}
		a->n = j;
	}
	for (i = 0; i < a->n; i++) {
		struct knts_access_rule *r = &a->r[i];

		if (r->family == family && r->bits == bits &&
		    !memcmp(r->addr, addr, 16)) {
			r->allow = allow;
			return 0;
		}
	}
	if (a->n == KNTS_ACCESS_MAX_RULES)
		return -ENOSPC;
	a->r[a->n].family = family;
	a->r[a->n].bits = (uint8_t)bits;
	a->r[a->n].allow = allow;
	memcpy(a->r[a->n].addr, addr, 16);
	a->n++;
	return 0;
}

/* A subnet: one node, or the nodes one level down that it covers. */
static int set_subnet(struct access *a, uint8_t family, const uint8_t *net,
		      unsigned int bits, bool allow, bool all)
{
	unsigned int len = family == 4 ? 4 : 16, down, k;
	uint8_t addr[16] = { 0 };
	int err;

	memcpy(addr, net, len);
	mask(addr, bits, len);
	if (bits % 4 == 0)
		return set_node(a, family, addr, bits, allow, all);
	down = bits - bits % 4 + 4;
	for (k = 0; k < 1U << (4 - bits % 4); k++) {
		uint8_t node[16];

		memcpy(node, addr, 16);
		/* The k-th value of the free bits, at the node's level. */
		if ((down - 1) % 8 >= 4)	/* low nibble of a byte */
			node[(down - 1) / 8] |= (uint8_t)k;
		else
			node[(down - 1) / 8] |= (uint8_t)(k << 4);
		err = set_node(a, family, node, down, allow, all);
		if (err)
			return err;
	}
	return 0;
}

/*
 * chrony's subnet syntax: an IPv4 or IPv6 address with an optional
 * "/bits", or one to three decimal numbers (a network of 8, 16 or 24
 * bits, "/bits" allowed too).  Returns 4 or 6, or 0 when it is none.
 */
static int parse_subnet(const char *s, uint8_t *addr, unsigned int *bits)
{
	char buf[64], *slash, *end;
	unsigned long v[3];
	unsigned int n = 0;
	long b = -1;
	const char *p;

	if (strlen(s) >= sizeof(buf))
		return 0;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (!slash[1] || slash[1] == '-' || slash[1] == '+')
			return 0;
		b = strtol(slash + 1, &end, 10);
		if (*end || b < 0 || b > 128)
			return 0;
	}
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*bits = b < 0 ? 32 : (unsigned int)b;
		return *bits <= 32 ? 4 : 0;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*bits = b < 0 ? 128 : (unsigned int)b;
		return 6;
	}
	/* 1, 2 or 3 numbers: 10, 10.1, 10.1.2 */
	for (p = buf; n < 3; n++) {
		if (*p < '0' || *p > '9')
			return 0;
		v[n] = strtoul(p, &end, 10);
		if (v[n] > 255)
			return 0;
		addr[n] = (uint8_t)v[n];
		p = end;
		if (!*p)
			break;
		if (*p++ != '.')
			return 0;
	}
	if (n == 3)
		return 0;	/* four numbers are an address: inet_pton said no */
	*bits = b < 0 ? (n + 1) * 8 : (unsigned int)b;
	return *bits <= 32 ? 4 : 0;
}

/**
 * access_parse() - one allow or deny directive
 * @a: the table
 * @allow: allow, else deny
 * @arg: its words: [all] [SUBNET]
 * @n: how many (0..2)
 * @err: why not
 * @errlen: its size
 *
 * Return: 0 or -EINVAL (or -ENOSPC past KNTS_ACCESS_MAX_RULES rules).
 */
int access_parse(struct access *a, bool allow, char **arg, unsigned int n,
		 char *err, size_t errlen)
{
	const char *net = NULL;
	uint8_t addr[16];
	unsigned int bits;
	bool all = false;
	int family, ret;

	if (n && !strcmp(arg[0], "all")) {
		all = true;
		arg++;
		n--;
	}
	if (n > 1) {
		snprintf(err, errlen, "one subnet a line, not \"%s %s\"",
			 arg[0], arg[1]);
		return -EINVAL;
	}
	a->given = true;
	if (!n) {
		/* Every IPv4 and IPv6 address. */
		memset(addr, 0, sizeof(addr));
		ret = set_node(a, 4, addr, 0, allow, all);
		if (!ret)
			ret = set_node(a, 6, addr, 0, allow, all);
		goto out;
	}
	net = arg[0];
	family = parse_subnet(net, addr, &bits);
	if (!family) {
		snprintf(err, errlen,
			 "\"%s\" is no subnet (an address with an optional /bits, or 1 to 3 numbers as in 192.168; host names are not resolved)",
			 net);
		return -EINVAL;
	}
	ret = set_subnet(a, (uint8_t)family, addr, bits, allow, all);
out:
	if (ret == -ENOSPC)
		snprintf(err, errlen, "more than %d allow/deny rules",
			 KNTS_ACCESS_MAX_RULES);
	return ret;
}

static int by_length(const void *x, const void *y)
{
	const struct knts_access_rule *a = x, *b = y;

	return (int)b->bits - (int)a->bits;
}

/**
 * access_sort() - longest prefix first, as knts_access_allowed() wants
 * @a: the table, complete
 */
void access_sort(struct access *a)
{
	qsort(a->r, a->n, sizeof(a->r[0]), by_length);
}

/**
 * access_check() - whether a source is allowed
 * @a: the table, sorted
 * @family: AF_INET or AF_INET6
 * @addr: its address (struct in_addr or struct in6_addr)
 *
 * Return: the verdict.
 */
bool access_check(const struct access *a, int family, const void *addr)
{
	return knts_access_allowed(a->r, a->n, family == AF_INET ? 4 : 6,
				   addr);
}
