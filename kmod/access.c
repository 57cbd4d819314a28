// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the access rules.  kntsd turns chrony's allow and deny lines into
 * rules with chrony's verdicts (core/access.h); the module only looks a
 * source up: the longest rule containing it decides.  A namespace without
 * rules (kntsctl socket add, no kntsd) serves every source.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "access.h"
#include "knts.h"

/**
 * knts_access_alloc() - room for @n rules
 * @n: at most %KNTS_ACCESS_MAX_RULES
 *
 * Return: the table (rules to be filled in) or NULL.
 */
struct knts_access *knts_access_alloc(unsigned int n)
{
	struct knts_access *acc;

	acc = kvzalloc(struct_size(acc, r, n), GFP_KERNEL_ACCOUNT);
	if (acc)
		acc->n = n;
	return acc;
}

static void knts_access_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct knts_access, rcu));
}

static int knts_access_cmp(const void *a, const void *b)
{
	const struct knts_access_rule *x = a, *y = b;

	return (int)y->bits - (int)x->bits;
}

/**
 * knts_access_install() - replace a namespace's rules
 * @srv: server
 * @acc: the new rules (sorted here), or NULL for none; owned by @srv after
 *
 * Context: process context; takes @srv->lock.
 */
void knts_access_install(struct knts_server *srv, struct knts_access *acc)
{
	struct knts_access *old;

	if (acc)
		sort(acc->r, acc->n, sizeof(acc->r[0]), knts_access_cmp, NULL);
	mutex_lock(&srv->lock);
	old = rcu_replace_pointer(srv->access, acc, lockdep_is_held(&srv->lock));
	mutex_unlock(&srv->lock);
	if (old)
		call_rcu(&old->rcu, knts_access_free_rcu);
}

/**
 * knts_access_count() - how many rules apply
 * @srv: server
 *
 * Return: the number of rules, 0 when there is no table.
 */
unsigned int knts_access_count(struct knts_server *srv)
{
	struct knts_access *acc;
	unsigned int n;

	rcu_read_lock();
	acc = rcu_dereference(srv->access);
	n = acc ? acc->n : 0;
	rcu_read_unlock();
	return n;
}

/**
 * knts_access_ok() - whether a request's source may be served
 * @srv: server
 * @skb: the request
 *
 * Context: softirq, RCU read side.
 * Return: true without rules, else the longest containing rule's verdict.
 */
bool knts_access_ok(struct knts_server *srv, const struct sk_buff *skb)
{
	struct knts_access *acc = rcu_dereference(srv->access);

	if (likely(!acc))
		return true;
	if (skb->protocol == htons(ETH_P_IP))
		return knts_access_allowed(acc->r, acc->n, 4,
					   (const u8 *)&ip_hdr(skb)->saddr);
	return knts_access_allowed(acc->r, acc->n, 6,
				   ipv6_hdr(skb)->saddr.s6_addr);
}
