/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of NTS-KE on OpenSSL.
 */
#ifndef KNTS_NKE_CLIENT_H
#define KNTS_NKE_CLIENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "ntske.h"

struct nke_session {
	struct nke_client_result res;
	uint8_t keys[64];		/* C2S || S2C, AEAD 15 */
	char addr[INET6_ADDRSTRLEN];	/* the server address used */
};

int nke_connect(const char *host, const char *port, int family, int type,
		double timeout, char *addr, size_t addrlen);
int nke_wait_fd(int fd, short ev, double deadline);
int nke_client_run(const char *host, const char *port, int family,
		   const char *ca, double timeout, struct nke_session *s,
		   char *err, size_t errlen);

#endif /* KNTS_NKE_CLIENT_H */
