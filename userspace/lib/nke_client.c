// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of NTS-KE (RFC 8915 section 4) on OpenSSL: kntsctl query
 * and the load generator.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/cookie.h"
#include "nke_client.h"
#include "util.h"

/* Connects with a deadline; returns the socket or -1 (errno set). */
int nke_connect(const char *host, const char *port, int family, int type,
		double timeout, char *addr, size_t addrlen)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = type };
	struct addrinfo *ai, *a;
	int fd = -1, err;

	err = getaddrinfo(host, port, &hints, &ai);
	if (err) {
		errno = ENOENT;
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		struct pollfd pfd;
		socklen_t sl = sizeof(err);

		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS)
			goto next;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)(timeout * 1000)) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err) {
			errno = err ? err : ETIMEDOUT;
			goto next;
		}
		getnameinfo(a->ai_addr, a->ai_addrlen, addr, (socklen_t)addrlen,
			    NULL, 0, NI_NUMERICHOST);
		break;
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* Waits for the socket; returns 0 when ready, -1 on timeout. */
int nke_wait_fd(int fd, short ev, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	double left = deadline - now_real();

	if (left <= 0)
		return -1;
	return poll(&pfd, 1, (int)(left * 1000) + 1) == 1 ? 0 : -1;
}

/* Drives one SSL call through WANT_READ/WANT_WRITE until the deadline. */
#define SSL_RETRY(ssl, fd, deadline, call, r)				\
	do {								\
		int e_;							\
		for (;;) {						\
			ERR_clear_error();				\
			r = (call);					\
			if (r > 0)					\
				break;					\
			e_ = SSL_get_error(ssl, r);			\
			if ((e_ != SSL_ERROR_WANT_READ &&		\
			     e_ != SSL_ERROR_WANT_WRITE) ||		\
			    nke_wait_fd(fd, e_ == SSL_ERROR_WANT_READ ?	\
				    POLLIN : POLLOUT, deadline)) {	\
				r = -1;					\
				break;					\
			}						\
		}							\
	} while (0)

static void tls_error(char *err, size_t errlen, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what, buf);
	} else {
		snprintf(err, errlen, "%s failed", what);
	}
}

/**
 * nke_export_keys() - a session's C2S and S2C from the TLS exporter
 * @ssl: the NTS-KE connection, handshake done
 * @aead: the AEAD agreed on
 * @compliant_128gcm: record 1024 went both ways (nke_exporter_aead())
 * @keys: out: C2S || S2C
 * @keys_len: out: their length, twice the AEAD's key length
 *
 * Returns 0 or -1; @keys is wiped on failure.
 */
int nke_export_keys(SSL *ssl, uint16_t aead, bool compliant_128gcm,
		    uint8_t keys[64], size_t *keys_len)
{
	static const char label[] = NKE_EXPORTER_LABEL;
	size_t klen = knts_aead_key_len(aead);
	uint8_t ctx[5];
	int i;

	*keys_len = 2 * klen;
	for (i = 0; klen && i < 2; i++) {
		nke_exporter_context(ctx, nke_exporter_aead(aead,
							    compliant_128gcm),
				     i);
		if (SSL_export_keying_material(ssl, keys + i * klen, klen,
					       label, sizeof(label) - 1, ctx,
					       sizeof(ctx), 1) != 1)
			break;
	}
	if (klen && i == 2)
		return 0;
	OPENSSL_cleanse(keys, 64);
	return -1;
}

/**
 * nke_client_run() - one NTS-KE session: TLS 1.3, ALPN ntske/1, records
 * @host: server name or address; the certificate must match it
 * @port: NTS-KE port
 * @family: AF_UNSPEC, AF_INET or AF_INET6
 * @ca: trusted certificates (PEM), or NULL for the system's
 * @timeout: seconds for the whole session
 * @aeads: the AEADs to offer (NKE_AEAD_MASK_*): 30 before 15, as chrony
 *	offers them, with record 1024 when 30 is among them
 * @s: out: the server's answer, the session keys, the address used
 * @err: why it failed
 * @errlen: its size
 *
 * Returns 0 with an agreement (NTPv4, an AEAD offered, cookies), 1 when
 * the server answered without one (s->res says how), -1 on failure (err
 * says why).
 */
int nke_client_run(const char *host, const char *port, int family,
		   const char *ca, double timeout, unsigned int aeads,
		   struct nke_session *s, char *err, size_t errlen)
{
	struct nke_client_result *res = &s->res;
	uint8_t req[64], *buf = NULL;
	double deadline = now_real() + timeout;
	SSL_CTX *sctx = NULL;
	SSL *ssl = NULL;
	size_t len = 0;
	int fd, n, r, ret = -1;
	struct in6_addr ip;

	fd = nke_connect(host, port, family, SOCK_STREAM, timeout, s->addr,
			 sizeof(s->addr));
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s port %s: %s", host,
			 port, strerror(errno));
		return -1;
	}
	snprintf(err, errlen, "out of memory");
	sctx = SSL_CTX_new(TLS_client_method());
	if (!sctx)
		goto out;
	SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
	if (ca ? SSL_CTX_load_verify_locations(sctx, ca, NULL) != 1 :
		 SSL_CTX_set_default_verify_paths(sctx) != 1) {
		tls_error(err, errlen, ca ? ca : "default CA store");
		goto out;
	}
	ssl = SSL_new(sctx);
	if (!ssl || SSL_set_alpn_protos(ssl, (const unsigned char *)"\x07"
					NKE_ALPN, 8))
		goto out;
	/* Verify the name asked for: an address, or a DNS name with SNI. */
	if (inet_pton(AF_INET, host, &ip) == 1 ||
	    inet_pton(AF_INET6, host, &ip) == 1) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	} else {
		SSL_set_tlsext_host_name(ssl, host);
		SSL_set1_host(ssl, host);
	}
	SSL_set_fd(ssl, fd);
	SSL_RETRY(ssl, fd, deadline, SSL_connect(ssl), r);
	if (r <= 0) {
		if (SSL_get_verify_result(ssl) != X509_V_OK)
			snprintf(err, errlen, "TLS handshake: certificate: %s",
				 X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		else
			tls_error(err, errlen, "TLS handshake");
		goto out;
	}
	n = nke_build_request(req, sizeof(req), aeads);
	SSL_RETRY(ssl, fd, deadline, SSL_write(ssl, req, n), r);
	if (r <= 0) {
		tls_error(err, errlen, "NTS-KE request");
		goto out;
	}
	buf = malloc(NKE_MAX_MESSAGE);
	if (!buf)
		goto out;
	for (;;) {
		enum nke_scan sc;

		SSL_RETRY(ssl, fd, deadline,
			  SSL_read(ssl, buf + len, (int)(NKE_MAX_MESSAGE - len)),
			  r);
		if (r <= 0) {
			snprintf(err, errlen, "NTS-KE: the server closed or timed out before End of Message");
			goto out;
		}
		len += (size_t)r;
		sc = nke_scan(buf, len);
		if (sc == NKE_SCAN_COMPLETE)
			break;
		if (sc == NKE_SCAN_INVALID || len == NKE_MAX_MESSAGE) {
			snprintf(err, errlen, "NTS-KE: malformed response");
			goto out;
		}
	}
	if (nke_parse_response(buf, len, res)) {
		snprintf(err, errlen, "NTS-KE: malformed response");
		goto out;
	}
	if (res->error >= 0 || res->next_protocol != NKE_PROTO_NTPV4 ||
	    res->aead < 0 || !(nke_aead_mask((uint16_t)res->aead) & aeads) ||
	    !res->ncookies) {
		ret = 1;	/* answered, but no agreement: reported */
		goto out;
	}
	/* Record 1024 only counts with the AEAD it is about. */
	if (nke_export_keys(ssl, (uint16_t)res->aead,
			    res->compliant_128gcm &&
			    (aeads & NKE_AEAD_MASK_30), s->keys,
			    &s->keys_len)) {
		snprintf(err, errlen, "TLS key export failed");
		goto out;
	}
	SSL_shutdown(ssl);
	ret = 0;
out:
	free(buf);
	SSL_free(ssl);
	SSL_CTX_free(sctx);
	close(fd);
	return ret;
}

