// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl socket [list] | add [ADDRESS] [port N] [dev IFNAME] | del ID|all
 *
 * The module serves the UDP sockets userspace binds and hands over, in the
 * network namespace they were handed over in (the caller's).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ctl.h"
#include "lib/print.h"
#include "lib/util.h"

#define NTP_PORT 123
/*
 * What the module does not answer stays on the socket for its reader, and
 * a socket added by kntsctl has none once kntsctl exits: keep that queue
 * small.
 */
#define SOCKET_ADD_RCVBUF 4096
/* socket add without ADDRESS: 0.0.0.0 and ::. */
#define SOCKET_ADD_MAX 2

const char *sock_family_name(uint16_t family)
{
	return family == AF_INET6 ? "inet6" : family == AF_INET ? "inet" : "?";
}

/* A socket's keys, inside an object the caller opens (JSON only). */
void print_sock_fields(const struct knts_nl_sock *s)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(s->family, s->addr, a, sizeof(a));
	print_u64(PRINT_JSON, "id", NULL, s->id);
	print_string(PRINT_JSON, "family", NULL, sock_family_name(s->family));
	print_string(PRINT_JSON, "address", NULL, a);
	print_u64(PRINT_JSON, "port", NULL, s->port);
	print_u64(PRINT_JSON, "ifindex", NULL, s->ifindex);
}

/* The table socket list prints, and socket add for what it added. */
static void print_socks(const struct knts_nl_sock *s, unsigned int n)
{
	char buf[96];
	unsigned int i;

	open_json_array("sockets");
	if (!n)
		print_text("No sockets served in this network namespace (kntsctl socket add).\n");
	else
		print_text("ID         Family Address\n");
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_sock_fields(&s[i]);
		print_text("%-10u %-6s %s\n", s[i].id,
			   sock_family_name(s[i].family),
			   knts_nl_sock_str(&s[i], buf, sizeof(buf)));
		close_json_object();
	}
	close_json_array();
}

static int socket_list(struct ctl *c)
{
	struct knts_nl_socks l;
	int err;

	if (!ctl_nl(c))
		return 1;
	err = knts_nl_socket_list(c->nl, &l);
	if (err)
		return ctl_nl_error(c, "socket list", err);
	print_begin(stdout, c->json);
	print_socks(l.s, l.n);
	return print_end() ? 1 : 0;
}

/* What socket add binds: an address of one family, a port, a device. */
struct sock_spec {
	struct sockaddr_storage ss;
	socklen_t len;
	struct knts_nl_sock desc;	/* for messages: "[::]:123%eth0" */
};

static void spec_init(struct sock_spec *sp, int family, const void *addr,
		      uint16_t port, unsigned int ifindex)
{
	memset(sp, 0, sizeof(*sp));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sp->ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, sizeof(s6->sin6_addr));
		if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			s6->sin6_scope_id = ifindex;
		sp->len = sizeof(*s6);
		memcpy(sp->desc.addr, addr, 16);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&sp->ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, sizeof(s4->sin_addr));
		sp->len = sizeof(*s4);
		memcpy(sp->desc.addr, addr, 4);
	}
	sp->desc.family = (uint16_t)family;
	sp->desc.port = port;
	sp->desc.ifindex = ifindex;
}

/*
 * A bound UDP socket as @sp says; returns its descriptor, or -1 with the
 * error printed, or -EAFNOSUPPORT (nothing printed) when @optional and the
 * kernel has no such family.
 */
static int bind_socket(const struct sock_spec *sp, const char *dev,
		       bool optional)
{
	int fd, one = 1, rcvbuf = SOCKET_ADD_RCVBUF;
	char where[96];
	const char *why = NULL;

	knts_nl_sock_str(&sp->desc, where, sizeof(where));
	fd = socket(sp->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT && optional)
			return -EAFNOSUPPORT;
		ctl_error("socket add %s: socket: %s", where, strerror(errno));
		return -1;
	}
	/* A restarted kntsd binds beside this socket, then lets it go. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		why = "SO_REUSEPORT";
	else if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			    sizeof(rcvbuf)))
		why = "SO_RCVBUF";
	else if (sp->ss.ss_family == AF_INET6 &&
		 setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		why = "IPV6_V6ONLY";
	else if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
				   (socklen_t)strlen(dev) + 1))
		why = "SO_BINDTODEVICE";
	if (why) {
		ctl_error("socket add %s: %s: %s", where, why, strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)&sp->ss, sp->len)) {
		int e = errno;

		if (e == EADDRINUSE)
			ctl_error("socket add: %s is in use: another NTP server, or a knts socket attached by another user?",
				  where);
		else if (e == EACCES)
			ctl_error("socket add %s: %s (ports below 1024 need CAP_NET_BIND_SERVICE)",
				  where, strerror(e));
		else
			ctl_error("socket add %s: %s", where, strerror(e));
		close(fd);
		return -1;
	}
	return fd;
}

/* socket add [ADDRESS] [port N] [dev IFNAME] */
static int socket_add(struct ctl *c, int argc, char **argv)
{
	static const uint8_t any6[16];
	struct sock_spec spec[SOCKET_ADD_MAX];
	struct knts_nl_sock added[SOCKET_ADD_MAX];
	int fd[SOCKET_ADD_MAX], family = 0, err = 0, ret = 0;
	unsigned int i, n = 0, nfd = 0, nadded = 0, ifindex = 0;
	const char *address = NULL, *dev = NULL;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	uint32_t port = NTP_PORT;

	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "port")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 65535, &port))
				return ctl_usage_error("port: 1..65535, not \"%s\"",
						       *argv);
		} else if (matches(*argv, "dev")) {
			NEXT_ARG();
			if (!**argv || strlen(*argv) >= IF_NAMESIZE)
				return ctl_usage_error("dev: an interface name, not \"%s\"",
						       *argv);
			dev = *argv;
		} else if (!address && inet_pton(AF_INET, *argv, &addr) == 1) {
			address = *argv;
			family = AF_INET;
		} else if (!address && inet_pton(AF_INET6, *argv, &addr) == 1) {
			address = *argv;
			family = AF_INET6;
		} else {
			return ctl_usage_error("socket add: \"%s\" is no IPv4 or IPv6 address, nor port or dev",
					       *argv);
		}
	}
	if (dev) {
		ifindex = if_nametoindex(dev);
		if (!ifindex)
			return ctl_error("socket add: dev %s: %s", dev,
					 strerror(errno));
	}
	if (family == AF_INET6 && !ifindex &&
	    IN6_IS_ADDR_LINKLOCAL(&addr.v6))
		return ctl_usage_error("socket add: the link-local address %s needs dev IFNAME",
				       address);

	if (address) {
		spec_init(&spec[n++], family, &addr, (uint16_t)port, ifindex);
	} else {
		struct in_addr any4 = { .s_addr = htonl(INADDR_ANY) };

		spec_init(&spec[n++], AF_INET, &any4, (uint16_t)port, ifindex);
		spec_init(&spec[n++], AF_INET6, any6, (uint16_t)port, ifindex);
	}
	if (!ctl_nl(c))
		return 1;

	/* Every socket bound before any is handed over: all or nothing. */
	for (i = 0; i < n; i++) {
		/* Without ADDRESS, a kernel without IPv6 gets IPv4 only. */
		int r = bind_socket(&spec[i], dev, !address &&
				    spec[i].ss.ss_family == AF_INET6);

		if (r == -EAFNOSUPPORT)
			continue;
		if (r < 0) {
			ret = 1;
			goto out;
		}
		fd[nfd] = r;
		spec[nfd] = spec[i];
		nfd++;
	}
	for (i = 0; i < nfd; i++) {
		err = knts_nl_socket_add(c->nl, fd[i], &added[nadded]);
		if (err) {
			char what[128], where[96];

			snprintf(what, sizeof(what), "socket add %s",
				 knts_nl_sock_str(&spec[i].desc, where,
						  sizeof(where)));
			ret = ctl_nl_error(c, what, err);
			break;
		}
		nadded++;
	}
	if (err) {
		/* Undo the part that was done. */
		for (i = 0; i < nadded; i++)
			knts_nl_socket_del(c->nl, added[i].id);
		goto out;
	}
	print_begin(stdout, c->json);
	print_socks(added, nadded);
	ret = print_end() ? 1 : 0;
out:
	/* The module holds its own reference to each socket it serves. */
	for (i = 0; i < nfd; i++)
		close(fd[i]);
	return ret;
}

/* socket del ID|all */
static int socket_del(struct ctl *c, const char *arg)
{
	uint32_t id = 0;
	int err;

	if (strcmp(arg, "all") && parse_u32(arg, 1, UINT32_MAX, &id))
		return ctl_usage_error("socket del: a socket ID (socket list) or all, not \"%s\"",
				       arg);
	if (!ctl_nl(c))
		return 1;
	err = knts_nl_socket_del(c->nl, id);
	if (err == -ENOENT && id)
		return ctl_error("socket del: no socket %u", id);
	return err ? ctl_nl_error(c, "socket del", err) : 0;
}

int do_socket(struct ctl *c, int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "list")) {
		if (argc > 1)
			return ctl_usage_error("socket list takes no argument");
		return socket_list(c);
	}
	if (!strcmp(*argv, "add"))
		return socket_add(c, argc - 1, argv + 1);
	if (!strcmp(*argv, "del") || !strcmp(*argv, "delete")) {
		if (argc != 2)
			return ctl_usage_error("socket del: one socket ID, or all");
		return socket_del(c, argv[1]);
	}
	return ctl_usage_error("socket: unknown command \"%s\" (commands that change sockets are spelt in full)",
			       *argv);
}
