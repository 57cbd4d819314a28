/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who kntsd runs as.  kntsd never reads a network byte as root:
 *  - started unprivileged (the unit's User=_knts with AmbientCapabilities=
 *    CAP_NET_ADMIN CAP_NET_BIND_SERVICE), it stays that user;
 *  - started as root, it becomes kntsuser (with kntsuser's groups) once
 *    the listeners are bound;
 *  - "kntsuser root" is the explicit opt-in to run as root; a root start
 *    without kntsuser is refused.
 * Either way only CAP_NET_ADMIN is kept, and only for knts.ko's netlink.
 */
#ifndef KNTS_PRIVS_H
#define KNTS_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct privs {
	char name[64];		/* the user kntsd runs as */
	uid_t uid;
	gid_t gid;
	bool change;		/* started as root, becomes name */
};

int privs_plan(const struct conf *c, struct privs *p, char *err,
	       size_t errlen);
int privs_drop(const struct privs *p, bool net_admin, char *err,
	       size_t errlen);
int privs_check_files(const struct conf *c, const struct privs *p);

#endif /* KNTS_PRIVS_H */
