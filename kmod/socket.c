// SPDX-License-Identifier: GPL-2.0
/*
 * knts: UDP sockets hooked at the socket layer, and the reply path.
 *
 * Requests never reach a socket queue: the sockets are set up as UDP
 * tunnel sockets whose encap_rcv callback (receive.c) answers them in
 * softirq.  Replies go back from the address and port the request was sent
 * to, after a route lookup, through the UDP tunnel transmit helpers, as
 * WireGuard and vxlan send.
 */

#include <linux/ipv6.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "core/ntp.h"
#include "receive.h"
#include "socket.h"

/* Headroom for the UDP and IP headers and whatever the route adds. */
#define KNTS_REPLY_HEADROOM \
	(MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr))

static struct socket *knts_sock_open(struct knts_server *srv, int family,
				     u16 port)
{
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
		.ipv6_v6only = 1,
		/* NTP is no tunnel: no zero UDP checksums over IPv6. */
		.use_udp_checksums = true,
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = srv,
		.encap_type = 1,
		.encap_rcv = knts_udp_recv,
	};
	struct socket *sock;
	int err;

	if (family == AF_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6) || !ipv6_mod_enabled())
			return NULL;
		cfg.local_ip6 = in6addr_any;
	} else {
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(&init_net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	/*
	 * Until setup_udp_tunnel_sock() below, datagrams queue on the
	 * socket, where nobody reads them: keep that queue minimal.
	 */
	WRITE_ONCE(sock->sk->sk_rcvbuf, SOCK_MIN_RCVBUF);
	/* skb->tstamp is T2: the stack timestamps on receive from now on. */
	sock_enable_timestamps(sock->sk);
	setup_udp_tunnel_sock(&init_net, sock, &tcfg);
	return sock;
}

/**
 * knts_socket_init() - listen on UDP @port, IPv4 and (when enabled) IPv6
 * @srv: server, ready to serve: requests arrive as soon as this returns
 * @port: port number
 *
 * Context: process context.
 * Return: 0 or a negative errno (-EADDRINUSE when another NTP server
 * holds the port).
 */
int knts_socket_init(struct knts_server *srv, u16 port)
{
	struct socket *sock;

	srv->port = port;
	sock = knts_sock_open(srv, AF_INET, port);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	srv->sock4 = sock;

	sock = knts_sock_open(srv, AF_INET6, port);
	if (IS_ERR(sock)) {
		udp_tunnel_sock_release(srv->sock4);
		srv->sock4 = NULL;
		return PTR_ERR(sock);
	}
	srv->sock6 = sock;
	return 0;
}

/**
 * knts_socket_uninit() - close the sockets and wait for the packet path
 * @srv: server
 *
 * Once this returns no encap_rcv callback runs or will run.
 *
 * Context: process context.
 */
void knts_socket_uninit(struct knts_server *srv)
{
	if (srv->sock6)
		udp_tunnel_sock_release(srv->sock6);
	if (srv->sock4)
		udp_tunnel_sock_release(srv->sock4);
	srv->sock6 = NULL;
	srv->sock4 = NULL;
	/* encap_rcv runs inside the receive path's RCU read section. */
	synchronize_rcu();
}

/**
 * knts_reply_alloc() - a reply skb with room for @len bytes of payload
 * @len: payload length
 *
 * Context: softirq.
 * Return: the skb (payload area empty, headroom reserved) or NULL.
 */
struct sk_buff *knts_reply_alloc(unsigned int len)
{
	struct sk_buff *skb;

	skb = alloc_skb(KNTS_REPLY_HEADROOM + len, GFP_ATOMIC);
	if (skb)
		skb_reserve(skb, KNTS_REPLY_HEADROOM);
	return skb;
}

/**
 * knts_request_unicast() - whether a request may be answered at all
 * @skb: the request
 *
 * Broadcast and multicast requests are not answered: the reply would come
 * from an address that is not ours; nor are IPv6 requests from
 * IPv4-mapped addresses.
 *
 * Return: true for a request sent to one of our unicast addresses.
 */
bool knts_request_unicast(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct rtable *rt = skb_rtable(skb);

		return !(rt && (rt->rt_flags & (RTCF_BROADCAST |
						RTCF_MULTICAST))) &&
		       !ipv4_is_multicast(ip_hdr(skb)->daddr);
	}
	/* IPv4-mapped sources are not IPv6 peers (RFC 4291 2.5.5.2). */
	return !ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr) &&
	       !ipv6_addr_v4mapped(&ipv6_hdr(skb)->saddr);
}

static int knts_send4(struct sock *sk, struct sk_buff *req,
		      struct sk_buff *reply)
{
	const struct iphdr *iph = ip_hdr(req);
	const struct udphdr *uh = udp_hdr(req);
	struct net *net = sock_net(sk);
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = uh->dest,
		.fl4_dport = uh->source,
	};
	struct rtable *rt;

	/* Link-local peers are reachable only through the arrival device. */
	if (ipv4_is_linklocal_169(fl4.daddr))
		fl4.flowi4_oif = inet_iif(req);
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	/*
	 * A spoofed broadcast source must not turn a reply into a broadcast
	 * (a UDP socket would need SO_BROADCAST for that).
	 */
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		return -EACCES;
	}
	udp_tunnel_xmit_skb(rt, sk, reply, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, uh->dest,
			    uh->source, false, false);
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int knts_send6(struct sock *sk, struct sk_buff *req,
		      struct sk_buff *reply)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(req);
	const struct udphdr *uh = udp_hdr(req);
	struct net *net = sock_net(sk);
	struct flowi6 fl6 = {
		.daddr = ip6h->saddr,
		.saddr = ip6h->daddr,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = uh->dest,
		.fl6_dport = uh->source,
	};
	struct dst_entry *dst;

	/* Link-local peers are reachable only through the arrival device. */
	if (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL)
		fl6.flowi6_oif = inet6_iif(req);
	dst = ipv6_stub->ipv6_dst_lookup_flow(net, sk, &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	udp_tunnel6_xmit_skb(dst, sk, reply, NULL, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, uh->dest, uh->source,
			     false);
	return 0;
}
#endif

/**
 * knts_reply_send() - send a reply to the source of a request
 * @sk: the socket the request arrived on
 * @req: the request
 * @reply: the reply, payload in place; consumed
 *
 * Context: softirq.
 * Return: 0 when handed to the stack, or a negative errno (the reply is
 * freed either way).
 */
int knts_reply_send(struct sock *sk, struct sk_buff *req,
		    struct sk_buff *reply)
{
	int err = -EAFNOSUPPORT;

	if (req->protocol == htons(ETH_P_IP))
		err = knts_send4(sk, req, reply);
#if IS_ENABLED(CONFIG_IPV6)
	else if (req->protocol == htons(ETH_P_IPV6))
		err = knts_send6(sk, req, reply);
#endif
	if (err)
		kfree_skb(reply);
	return err;
}
