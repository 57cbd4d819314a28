/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chrony's allow and deny directives, turned into the rules of
 * core/access.h.
 */
#ifndef KNTSD_ACCESS_H
#define KNTSD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core_user.h"
#include "core/access.h"

/**
 * struct access - the rules, as chrony's table would hold them
 * @r: the rules, longest prefix first once access_sort() ran
 * @n: how many
 * @given: an allow or deny directive was read (else the table is only
 *	the two default rules, deny)
 */
struct access {
	struct knts_access_rule r[KNTS_ACCESS_MAX_RULES];
	unsigned int n;
	bool given;
};

void access_init(struct access *a);
int access_parse(struct access *a, bool allow, char **arg, unsigned int n,
		 char *err, size_t errlen);
void access_sort(struct access *a);
bool access_check(const struct access *a, int family, const void *addr);

#endif /* KNTSD_ACCESS_H */
