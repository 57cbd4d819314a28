/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts protocol core: chrony's allow/deny verdict, one function for
 * knts.ko (kmod/access.c) and for kntsd (its NTP server and NTS-KE), so
 * that every path admits the same sources.
 *
 * kntsd turns the allow and deny directives, in their order, into the
 * rules chrony's own table would hold (userspace/kntsd/access.c): a rule
 * per subnet with an explicit verdict, its length a multiple of four
 * bits, and one of length 0 per family (the default, deny unless an
 * "allow" says otherwise).  A source gets the verdict of the longest rule
 * that contains it, as chrony's table gives that of the deepest node on
 * its path.
 */
#ifndef _KNTS_CORE_ACCESS_H
#define _KNTS_CORE_ACCESS_H

#include "core.h"

#define KNTS_ACCESS_MAX_RULES	1024

/**
 * struct knts_access_rule - one subnet's verdict
 * @family: 4 (IPv4) or 6 (IPv6)
 * @bits: prefix length, 0..32 or 0..128
 * @allow: 1 to serve the subnet's sources, 0 to drop them
 * @addr: the subnet's address (4 or 16 bytes used), host bits zero
 */
struct knts_access_rule {
	u8 family;
	u8 bits;
	u8 allow;
	u8 addr[16];
};

/**
 * knts_prefix_match() - whether @addr lies in the subnet @net/@bits
 * @net: the subnet's address
 * @addr: the address to test
 * @bits: the prefix length
 *
 * Return: true when the first @bits bits are equal.
 */
static inline bool knts_prefix_match(const u8 *net, const u8 *addr,
				     unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < bits / 8; i++)
		if (net[i] != addr[i])
			return false;
	if (bits % 8)
		return !((net[i] ^ addr[i]) & (u8)(0xff00 >> (bits % 8)));
	return true;
}

/**
 * knts_access_allowed() - the verdict for a source
 * @r: the rules, longest prefix first
 * @n: how many
 * @family: 4 or 6
 * @addr: the source address (4 or 16 bytes)
 *
 * Return: the verdict of the longest rule containing @addr; false when no
 * rule does (kntsd's tables always hold a rule of length 0 per family).
 */
static inline bool knts_access_allowed(const struct knts_access_rule *r,
				       unsigned int n, u8 family,
				       const u8 *addr)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].family == family &&
		    knts_prefix_match(r[i].addr, addr, r[i].bits))
			return r[i].allow;
	return false;
}

#endif /* _KNTS_CORE_ACCESS_H */
