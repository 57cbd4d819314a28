/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the access rules (chrony's allow and deny, as kntsd computes them).
 */
#ifndef _KNTS_ACCESS_H
#define _KNTS_ACCESS_H

#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include "core/access.h"

struct knts_server;

/**
 * struct knts_access - a namespace's access rules; immutable once published
 * @rcu: frees it after readers are done
 * @n: how many rules
 * @r: the rules, longest prefix first
 */
struct knts_access {
	struct rcu_head rcu;
	unsigned int n;
	struct knts_access_rule r[];
};

struct knts_access *knts_access_alloc(unsigned int n);
void knts_access_install(struct knts_server *srv, struct knts_access *acc);
unsigned int knts_access_count(struct knts_server *srv);
bool knts_access_ok(struct knts_server *srv, const struct sk_buff *skb);

#endif /* _KNTS_ACCESS_H */
