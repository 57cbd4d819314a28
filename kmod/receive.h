/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the packet path, requests in, replies out, in softirq.
 */
#ifndef _KNTS_RECEIVE_H
#define _KNTS_RECEIVE_H

#include <linux/skbuff.h>

#include "knts.h"

int knts_udp_recv(struct sock *sk, struct sk_buff *skb);
int knts_pcpu_init(void);
void knts_pcpu_uninit(void);

#endif /* _KNTS_RECEIVE_H */
