/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the UDP sockets the server answers on, and sending replies.
 */
#ifndef _KNTS_SOCKET_H
#define _KNTS_SOCKET_H

#include <linux/list.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "knts.h"

/**
 * struct knts_sock - a socket served
 * @node: in &knts_server.socks, under its lock
 * @srv: the server of the socket's namespace
 * @sock: the socket; the module holds a reference to its file
 * @id: its id, unique in the namespace
 * @mc_loop: the socket's IP_MULTICAST_LOOP before it was attached
 */
struct knts_sock {
	struct list_head node;
	struct knts_server *srv;
	struct socket *sock;
	u32 id;
	bool mc_loop;
};

/* Sockets a namespace may hand over: socket-get's reply holds them all. */
#define KNTS_MAX_SOCKS	64

/**
 * struct knts_sock_info - what a served socket is bound to
 * @id: its id
 * @family: AF_INET or AF_INET6
 * @port: local port
 * @ifindex: bound device, 0 = any
 * @addr: local address, 4 or 16 bytes by @family
 */
struct knts_sock_info {
	u32 id;
	u16 family;
	u16 port;
	u32 ifindex;
	u8 addr[16];
};

int knts_sock_attach(struct knts_server *srv, struct socket *sock,
		     struct knts_sock_info *out, struct netlink_ext_ack *extack);
unsigned int knts_sock_detach(struct knts_server *srv, u32 id,
			      struct knts_sock_info *out);
void knts_sock_describe(struct knts_sock *ks, struct knts_sock_info *out);
void knts_socket_net_init(struct knts_server *srv);
void knts_socket_net_exit(struct knts_server *srv);

struct sk_buff *knts_reply_alloc(unsigned int len);
int knts_reply_send(struct sock *sk, struct sk_buff *req,
		    struct sk_buff *reply);
bool knts_request_unicast(struct sk_buff *skb);

#endif /* _KNTS_SOCKET_H */
