/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: generic netlink family "knts".
 */
#ifndef _KNTS_NETLINK_H
#define _KNTS_NETLINK_H

struct net;

int knts_genl_init(void);
void knts_genl_uninit(void);
void knts_genl_netns_exit(struct net *net);

#endif /* _KNTS_NETLINK_H */
