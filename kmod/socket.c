// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the UDP sockets served, hooked at the socket layer, and the reply
 * path.
 *
 * Userspace (kntsd, kntsctl) creates and binds the sockets, with its own
 * privileges and its own choice of addresses, and hands them over; the
 * module holds a reference to each, as ovpn does.  Requests never reach
 * the socket queue: the sockets are set up as UDP tunnel sockets whose
 * encap_rcv callback (receive.c) answers them in softirq; what it does not
 * answer is left on the queue for the userspace reader.  Replies go back
 * from the address and port the request was sent to, after a route lookup,
 * through the UDP tunnel transmit helpers, as WireGuard and vxlan send.
 */

#include <linux/file.h>
#include <linux/ipv6.h>
#include <linux/net.h>
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

/* How often the reaper looks at a namespace whose sockets it holds. */
#define KNTS_REAP_INTERVAL	HZ

/* 6.6 turned inet_sock's bit fields into flags. */
static bool knts_mc_loop(struct sock *sk)
{
#ifdef inet_test_bit
	return inet_test_bit(MC_LOOP, sk);
#else
	return inet_sk(sk)->mc_loop;
#endif
}

static void knts_mc_loop_set(struct sock *sk, bool on)
{
#ifdef inet_assign_bit
	inet_assign_bit(MC_LOOP, sk, on);
#else
	inet_sk(sk)->mc_loop = on;
#endif
}

/* Namespaces with at least one socket served. */
static atomic_t knts_instances_served = ATOMIC_INIT(0);

/**
 * knts_instances() - how many network namespaces are served
 *
 * Return: the number of namespaces with at least one socket attached.
 */
unsigned int knts_instances(void)
{
	return atomic_read(&knts_instances_served);
}

static int knts_sock_check(struct knts_server *srv, struct sock *sk,
			   struct netlink_ext_ack *extack)
{
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_MOD(extack, "not a UDP socket");
		return -EPROTONOSUPPORT;
	}
	if (!net_eq(sock_net(sk), srv->net)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the socket belongs to another network namespace");
		return -EXDEV;
	}
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG_MOD(extack, "the socket is not bound");
		return -EDESTADDRREQ;
	}
	if (sk->sk_state == TCP_ESTABLISHED) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the socket is connected: it would hear one peer only");
		return -EISCONN;
	}
	if (READ_ONCE(udp_sk(sk)->encap_type) || READ_ONCE(sk->sk_user_data)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the socket is already served (by knts, a tunnel or a BPF map)");
		return -EBUSY;
	}
	return 0;
}

/**
 * knts_sock_attach() - serve NTP on a bound UDP socket
 * @srv: the server of the socket's namespace
 * @sock: the socket, with a reference to its file that this function takes
 *	over on success
 * @out: what the socket is bound to, and its id
 * @extack: where to say why not
 *
 * From now on the socket's datagrams go to knts_udp_recv() in softirq;
 * what it does not answer stays on the socket for its userspace reader.
 * The module's reference keeps the socket, and the service, alive after
 * every userspace descriptor of it is closed, until knts_sock_detach(),
 * the reaper, or the namespace's exit.
 *
 * Context: process context; takes @srv->lock and the socket's lock.
 * Return: 0, with @out filled in (under the lock: the entry itself may be
 * detached and freed as soon as it is dropped), or a negative errno (the
 * reference is then still the caller's).
 */
int knts_sock_attach(struct knts_server *srv, struct socket *sock,
		     struct knts_sock_info *out, struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = knts_udp_recv,
	};
	struct sock *sk = sock->sk;
	struct knts_sock *ks;
	int err;

	/* A container's root may add sockets: charged to it. */
	ks = kzalloc(sizeof(*ks), GFP_KERNEL_ACCOUNT);
	if (!ks)
		return -ENOMEM;
	ks->srv = srv;
	ks->sock = sock;
	tcfg.sk_user_data = ks;

	mutex_lock(&srv->lock);
	if (srv->nsocks == KNTS_MAX_SOCKS) {
		mutex_unlock(&srv->lock);
		kfree(ks);
		NL_SET_ERR_MSG_MOD(extack, "at most 64 sockets a namespace");
		return -ENOSPC;
	}
	lock_sock(sk);
	err = knts_sock_check(srv, sk, extack);
	if (err) {
		release_sock(sk);
		mutex_unlock(&srv->lock);
		kfree(ks);
		return err;
	}
	ks->mc_loop = knts_mc_loop(sk);
	setup_udp_tunnel_sock(srv->net, sock, &tcfg);
	release_sock(sk);
	/*
	 * skb->tstamp is T2: the stack timestamps every receive from now on
	 * (without changing what the socket's reader gets).
	 */
	net_enable_timestamp();

	/* Ids are never 0 (socket-del's "none given"). */
	ks->id = ++srv->next_sock_id ?: ++srv->next_sock_id;
	list_add_tail(&ks->node, &srv->socks);
	if (!srv->nsocks++) {
		atomic_inc(&knts_instances_served);
		/* The initial namespace never goes away while we run. */
		if (!net_eq(srv->net, &init_net))
			schedule_delayed_work(&srv->reaper, KNTS_REAP_INTERVAL);
	}
	srv->served = true;
	knts_sock_describe(ks, out);
	mutex_unlock(&srv->lock);
	return 0;
}

/*
 * Takes the socket back from the packet path; the caller frees @ks after
 * a grace period (knts_sock_release()).  Under srv->lock.
 */
static void knts_sock_unhook(struct knts_server *srv, struct knts_sock *ks)
{
	struct sock *sk = ks->sock->sk;

	lockdep_assert_held(&srv->lock);
	lock_sock(sk);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	rcu_assign_sk_user_data(sk, NULL);
	/* What setup_udp_tunnel_sock() changed, back as it was. */
	inet_dec_convert_csum(sk);
	knts_mc_loop_set(sk, ks->mc_loop);
	release_sock(sk);
	net_disable_timestamp();

	list_del(&ks->node);
	if (!--srv->nsocks)
		atomic_dec(&knts_instances_served);
}

/* After a grace period: no callback sees @ks or runs on its socket. */
static void knts_sock_release(struct knts_sock *ks)
{
	sockfd_put(ks->sock);
	kfree(ks);
}

/**
 * knts_sock_detach() - stop serving on sockets
 * @srv: server
 * @id: the socket's id, or 0 for every socket
 * @out: if not NULL, receives what the socket looked like (for @id only)
 *
 * Datagrams that arrive afterwards stay on the socket for its userspace
 * reader, if it still has one; the module's reference is dropped.
 *
 * Context: process context; takes @srv->lock; waits for a grace period.
 * Return: the number of sockets detached (0: no socket with that id).
 */
unsigned int knts_sock_detach(struct knts_server *srv, u32 id,
			      struct knts_sock_info *out)
{
	struct knts_sock *ks, *tmp;
	LIST_HEAD(gone);
	unsigned int n = 0;

	mutex_lock(&srv->lock);
	/*
	 * A socket only the module still holds will never be read again:
	 * out of the lookup tables with it first, and only then, once no
	 * receive path can still be on its way to it, out of the packet
	 * path.  Unhooked first, it would queue what arrives meanwhile
	 * where nobody reads it, instead of leaving it to a successor bound
	 * beside it (SO_REUSEPORT) or to an ICMP port unreachable.
	 */
	list_for_each_entry(ks, &srv->socks, node) {
		if ((id && ks->id != id) || file_count(ks->sock->file) != 1)
			continue;
		lock_sock(ks->sock->sk);
		ks->sock->sk->sk_prot->unhash(ks->sock->sk);
		release_sock(ks->sock->sk);
		n++;
	}
	if (n)
		synchronize_rcu();
	n = 0;
	list_for_each_entry_safe(ks, tmp, &srv->socks, node) {
		if (id && ks->id != id)
			continue;
		if (out)
			knts_sock_describe(ks, out);
		knts_sock_unhook(srv, ks);
		list_add_tail(&ks->node, &gone);
		n++;
	}
	mutex_unlock(&srv->lock);

	if (!n)
		return 0;
	/* encap_rcv runs inside the receive path's RCU read section. */
	synchronize_rcu();
	list_for_each_entry_safe(ks, tmp, &gone, node)
		knts_sock_release(ks);
	return n;
}

/**
 * knts_sock_describe() - what a served socket is bound to
 * @ks: the socket
 * @out: its id, family, local address and port, bound device
 *
 * Context: under the server's lock (@ks lives as long as it is held).
 */
void knts_sock_describe(struct knts_sock *ks, struct knts_sock_info *out)
{
	struct sock *sk = ks->sock->sk;

	memset(out, 0, sizeof(*out));
	out->id = ks->id;
	out->family = sk->sk_family;
	out->port = ntohs(inet_sk(sk)->inet_sport);
	out->ifindex = READ_ONCE(sk->sk_bound_dev_if);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		memcpy(out->addr, &sk->sk_v6_rcv_saddr, 16);
		return;
	}
#endif
	memcpy(out->addr, &inet_sk(sk)->inet_rcv_saddr, 4);
}

/*
 * The reaper.  A socket handed over by userspace holds its namespace, as
 * every userspace socket does; the module's reference to it would thus
 * keep a namespace that everything else has left (its processes gone, its
 * name deleted) alive for ever, and still answering on its interfaces.
 * When the namespace's only references are the sockets we hold, nothing
 * can reach it any more: let them go, and the namespace with them.
 */
static void knts_reap(struct work_struct *work)
{
	struct knts_server *srv = container_of(to_delayed_work(work),
					       struct knts_server, reaper);
	bool abandoned;

	mutex_lock(&srv->lock);
	abandoned = srv->nsocks &&
		    refcount_read(&srv->net->ns.count) <= srv->nsocks;
	if (srv->nsocks && !abandoned)
		schedule_delayed_work(&srv->reaper, KNTS_REAP_INTERVAL);
	mutex_unlock(&srv->lock);
	if (abandoned)
		knts_sock_detach(srv, 0, NULL);
}

/**
 * knts_socket_net_init() - set up a namespace's reaper
 * @srv: server
 */
void knts_socket_net_init(struct knts_server *srv)
{
	INIT_DELAYED_WORK(&srv->reaper, knts_reap);
}

/**
 * knts_socket_net_exit() - release every socket of a namespace
 * @srv: server
 *
 * Once this returns no encap_rcv callback runs or will run for @srv.
 *
 * Context: process context.
 */
void knts_socket_net_exit(struct knts_server *srv)
{
	/*
	 * Waits for the reaper, whose detach waits for its grace period;
	 * the detach here waits for its own when there is anything to
	 * detach (only at rmmod: sockets hold their namespace otherwise).
	 */
	cancel_delayed_work_sync(&srv->reaper);
	knts_sock_detach(srv, 0, NULL);
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
	/* Routed as the socket's own replies would be: device, mark, uid. */
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_oif = READ_ONCE(sk->sk_bound_dev_if),
		.flowi4_mark = READ_ONCE(sk->sk_mark),
		.flowi4_uid = sock_net_uid(net, sk),
		.fl4_sport = uh->dest,
		.fl4_dport = uh->source,
	};
	struct rtable *rt;

	/* Link-local peers are reachable only through the arrival device. */
	if (!fl4.flowi4_oif && ipv4_is_linklocal_169(fl4.daddr))
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
		.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if),
		.flowi6_mark = READ_ONCE(sk->sk_mark),
		.flowi6_uid = sock_net_uid(net, sk),
		.fl6_sport = uh->dest,
		.fl6_dport = uh->source,
	};
	struct dst_entry *dst;

	/* Link-local peers are reachable only through the arrival device. */
	if (!fl6.flowi6_oif &&
	    (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL))
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
