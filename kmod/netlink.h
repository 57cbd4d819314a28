/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: generic netlink family "knts".
 */
#ifndef _KNTS_NETLINK_H
#define _KNTS_NETLINK_H

int knts_genl_init(void);
void knts_genl_uninit(void);

#endif /* _KNTS_NETLINK_H */
