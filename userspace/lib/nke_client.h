/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of NTS-KE on OpenSSL.
 */
#ifndef KNTS_NKE_CLIENT_H
#define KNTS_NKE_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

#include "ntske.h"

struct nke_session {
	struct nke_client_result res;
	uint8_t keys[64];		/* C2S || S2C */
	size_t keys_len;		/* 64 (AEAD 15) or 32 (AEAD 30) */
	char addr[INET6_ADDRSTRLEN];	/* the server address used */
};

int nke_export_keys(SSL *ssl, uint16_t aead, bool compliant_128gcm,
		    uint8_t keys[64], size_t *keys_len);

int nke_connect(const char *host, const char *port, int family, int type,
		double timeout, char *addr, size_t addrlen);
int nke_wait_fd(int fd, short ev, double deadline);
int nke_client_run(const char *host, const char *port, int family,
		   const char *ca, double timeout, unsigned int aeads,
		   struct nke_session *s, char *err, size_t errlen);

#endif /* KNTS_NKE_CLIENT_H */
