/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listening sockets on the wildcard address: kntsd's NTS-KE (TCP) and
 * fallback NTP (UDP) sockets; and a peer's address bytes.
 */
#ifndef KNTS_SOCK_H
#define KNTS_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Sets a socket's options before it is bound; returns 0 or -errno. */
typedef int (*sock_setup_t)(int fd, int family);

int sock_bind_any(int family, int type, uint16_t port, sock_setup_t setup);
int sock_bind_addr(int family, int type, const void *addr, uint16_t port,
		   sock_setup_t setup);
const void *sock_addr(const struct sockaddr_storage *ss, size_t *len);

#endif /* KNTS_SOCK_H */
