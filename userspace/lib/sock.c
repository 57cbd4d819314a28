// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets on the wildcard address.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

/**
 * sock_bind_any() - a non-blocking socket bound to the wildcard address
 * @family: AF_INET or AF_INET6 (IPv6 only: IPV6_V6ONLY is set)
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @port: port, host order
 * @setup: more options before bind(), or NULL
 *
 * Returns the socket (close-on-exec) or a negative errno.
 */
int sock_bind_any(int family, int type, uint16_t port, sock_setup_t setup)
{
	return sock_bind_addr(family, type, NULL, port, setup);
}

/**
 * sock_bind_addr() - a non-blocking socket bound to an address
 * @family: AF_INET or AF_INET6 (IPv6 only: IPV6_V6ONLY is set)
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @addr: struct in_addr or struct in6_addr by @family; NULL: the wildcard
 * @port: port, host order
 * @setup: more options before bind(), or NULL
 *
 * Returns the socket (close-on-exec) or a negative errno.
 */
int sock_bind_addr(int family, int type, const void *addr, uint16_t port,
		   sock_setup_t setup)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	socklen_t len;
	int fd, one = 1, err;

	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		((struct sockaddr_in6 *)&ss)->sin6_addr =
			addr ? *(const struct in6_addr *)addr : in6addr_any;
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		if (addr)
			((struct sockaddr_in *)&ss)->sin_addr =
				*(const struct in_addr *)addr;
		len = sizeof(struct sockaddr_in);
	}
	err = setup ? setup(fd, family) : 0;
	if (!err && bind(fd, (struct sockaddr *)&ss, len))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/**
 * sock_addr() - the address bytes of an IPv4 or IPv6 peer
 * @ss: the peer, AF_INET or AF_INET6
 * @len: receives 4 or 16
 *
 * Return: the address in network order, inside @ss.
 */
const void *sock_addr(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}
