/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the UDP sockets the server listens on, and sending replies.
 */
#ifndef _KNTS_SOCKET_H
#define _KNTS_SOCKET_H

#include <linux/skbuff.h>

#include "knts.h"

int knts_socket_init(struct knts_server *srv, u16 port);
void knts_socket_uninit(struct knts_server *srv);
struct sk_buff *knts_reply_alloc(unsigned int len);
int knts_reply_send(struct sock *sk, struct sk_buff *req,
		    struct sk_buff *reply);
bool knts_request_unicast(struct sk_buff *skb);

#endif /* _KNTS_SOCKET_H */
