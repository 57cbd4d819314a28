// SPDX-License-Identifier: GPL-2.0
/*
 * kntsctl query HOST: NTS-KE, then authenticated NTP exchanges, against any
 * RFC 8915 server; the check chronyd -Q does, as a command of its own.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "core/nts_client.h"
#include "ctl.h"
#include "lib/nke_client.h"
#include "lib/ntske.h"
#include "lib/print.h"
#include "lib/siv_openssl.h"
#include "lib/util.h"

struct query {
	const char *host, *port, *ca, *ntp_server, *ntp_port;
	int family;
	unsigned int count, aeads;
	double timeout;
};

/* The session's two keys, for either AEAD. */
struct session {
	struct knts_aead_ctx c2s, s2c;
};

static double ntp_to_unix(uint64_t ntp)
{
	return (double)(ntp >> 32) - (double)NTP_UNIX_OFFSET +
	       (double)(ntp & 0xffffffffULL) / 4294967296.0;
}

static uint64_t unix_to_ntp(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	return ntp_ts_from_timespec(&ts);
}

struct exchange {
	bool replied, verified, nak;
	double offset, delay;
	struct knts_client_reply r;
};

static void ntp_exchange(int fd, const struct session *s,
			 struct nke_client_result *res, unsigned int *next,
			 double timeout, struct exchange *x)
{
	uint8_t pkt[KNTS_NTP_MAX_LEN], reply[2048], uid[32];
	uint8_t nonce[KNTS_AEAD_MAX_NONCE_LEN];
	double t1, t4;
	uint64_t tx;
	ssize_t n;
	int len, err;

	memset(x, 0, sizeof(*x));
	knts_random_bytes(uid, sizeof(uid));
	knts_random_bytes(nonce, sizeof(nonce));
	t1 = now_real();
	tx = unix_to_ntp(t1);
	len = knts_client_request(pkt, sizeof(pkt), uid, sizeof(uid),
				  res->cookies[*next % res->ncookies],
				  (unsigned int)res->cookie_len[*next % res->ncookies],
				  0, &s->c2s.a, nonce, tx);
	if (len < 0 || send(fd, pkt, (size_t)len, 0) != len)
		return;
	(*next)++;
	for (;;) {
		if (nke_wait_fd(fd, POLLIN, t1 + timeout))
			return;
		n = recv(fd, reply, sizeof(reply), 0);
		t4 = now_real();
		if (n <= 0)
			return;
		err = knts_client_reply(reply, (unsigned int)n, uid,
					sizeof(uid), tx, &s->s2c.a, &x->r);
		if (err != -EBADMSG)
			break;
		/* Not a reply to this request, or garbage: wait on. */
	}
	x->replied = true;
	x->nak = !err && x->r.nak;
	x->verified = !err && !x->r.nak;
	/* Verified: keep its fresh cookies for the next requests. */
	if (x->verified) {
		unsigned int i;
		double t2 = ntp_to_unix(x->r.rx_ts), t3 = ntp_to_unix(x->r.tx_ts);

		for (i = 0; i < x->r.cookies && i < NKE_MAX_COOKIES; i++) {
			unsigned int slot = (*next + i) % res->ncookies;

			if (x->r.cookie_len[i] <= NKE_MAX_COOKIE) {
				memcpy(res->cookies[slot], x->r.cookie[i],
				       x->r.cookie_len[i]);
				res->cookie_len[slot] = x->r.cookie_len[i];
			}
		}
		x->offset = ((t2 - t1) + (t3 - t4)) / 2;
		x->delay = (t4 - t1) - (t3 - t2);
	}
}

static int query_usage(const char *why, const char *arg)
{
	return ctl_usage_error("query: %s%s%s%s", why, arg ? " \"" : "",
			       arg ? arg : "", arg ? "\"" : "");
}

static int query_args(struct query *q, int argc, char **argv)
{
	uint32_t v;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "-p") || !strcmp(*argv, "--port")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 65535, &v))
				return query_usage("port: 1..65535, not", *argv);
			q->port = *argv;
		} else if (!strcmp(*argv, "--ntp-server")) {
			NEXT_ARG();
			q->ntp_server = *argv;
		} else if (!strcmp(*argv, "--ntp-port")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 65535, &v))
				return query_usage("NTP port: 1..65535, not", *argv);
			q->ntp_port = *argv;
		} else if (!strcmp(*argv, "--ca")) {
			NEXT_ARG();
			q->ca = *argv;
		} else if (!strcmp(*argv, "-4")) {
			q->family = AF_INET;
		} else if (!strcmp(*argv, "-6")) {
			q->family = AF_INET6;
		} else if (!strcmp(*argv, "-a") || !strcmp(*argv, "--aead")) {
			NEXT_ARG();
			if (parse_u32(*argv, 15, 30, &v) ||
			    !nke_aead_mask((uint16_t)v))
				return query_usage("AEAD: 15 or 30, not", *argv);
			q->aeads = nke_aead_mask((uint16_t)v);
		} else if (!strcmp(*argv, "-c")) {
			return query_usage("the count is -n N; -c PATH, before the object, names kntsd's control socket, not",
					   *argv);
		} else if (!strcmp(*argv, "-n") || !strcmp(*argv, "--count")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 1000, &q->count))
				return query_usage("count: 1..1000, not", *argv);
		} else if (!strcmp(*argv, "-t") || !strcmp(*argv, "--timeout")) {
			NEXT_ARG();
			if (parse_u32(*argv, 1, 60, &v))
				return query_usage("timeout: 1..60 seconds, not", *argv);
			q->timeout = v;
		} else if (**argv == '-' || q->host) {
			return query_usage("unexpected argument", *argv);
		} else {
			q->host = *argv;
		}
	}
	if (!q->host)
		return query_usage("a HOST is required", NULL);
	return 0;
}

/* What NTS-KE agreed on; returns false when it did not agree. */
static bool print_nts_ke(const struct query *q, const struct nke_session *ses,
			 bool agreed, const char *ntp_host, const char *port)
{
	const struct nke_client_result *res = &ses->res;

	open_json_object("nts_ke");
	print_string(PRINT_ANY, "server", "NTS-KE          : %s", q->host);
	print_string(PRINT_ANY, "address", " (%s", ses->addr);
	print_string(PRINT_ANY, "port", " port %s), TLS 1.3\n", q->port);
	if (!agreed) {
		print_s64(PRINT_ANY, "error", "Result          : error %lld",
			  res->error);
		print_s64(PRINT_ANY, "next_protocol", ", next protocol %lld",
			  res->next_protocol);
		print_s64(PRINT_ANY, "aead", ", AEAD %lld", res->aead);
		print_u64(PRINT_ANY, "cookies", ", %llu cookies: no agreement\n",
			  res->ncookies);
		close_json_object();
		return false;
	}
	print_u64(PRINT_ANY, "aead", "AEAD            : %llu",
		  (uint64_t)res->aead);
	print_string(PRINT_ANY, "aead_name", " (%s)",
		     res->aead == NKE_AEAD_GCM_SIV_128 ? "AES-128-GCM-SIV" :
							  "AES-SIV-CMAC-256");
	if (res->aead == NKE_AEAD_GCM_SIV_128)
		print_string(PRINT_ANY, "exporter_context", ", %s context",
			     res->compliant_128gcm ? "compliant" :
						     "chrony 4.4 to 4.6");
	print_text("\n");
	print_u64(PRINT_ANY, "cookies", "Cookies         : %llu", res->ncookies);
	print_u64(PRINT_ANY, "cookie_length", " of %llu bytes\n",
		  res->cookie_len[0]);
	print_string(PRINT_ANY, "ntp_server", "NTP server      : %s", ntp_host);
	print_string(PRINT_ANY, "ntp_port", " port %s\n", port);
	close_json_object();
	return true;
}

/* One exchange's line ("Reply N : ..."); returns whether it verified. */
static bool print_exchange(unsigned int n, const struct exchange *x)
{
	char refid[32];

	open_json_object(NULL);
	print_u64(PRINT_ANY, "n", "Reply %llu       : ", n);
	print_bool(PRINT_JSON, "replied", NULL, x->replied);
	print_bool(PRINT_JSON, "verified", NULL, x->verified);
	print_bool(PRINT_JSON, "nak", NULL, x->nak);
	if (!x->replied) {
		print_text("no reply\n");
	} else if (x->nak) {
		print_text("NTS NAK (the server refused the cookie or authenticator)\n");
	} else if (!x->verified) {
		print_text("authenticator did NOT verify\n");
	} else {
		format_refid(x->r.refid, x->r.stratum, refid, sizeof(refid));
		print_text("verified, ");
		print_double(PRINT_ANY, "offset", "offset %+.6f s, ", x->offset);
		print_double(PRINT_ANY, "delay", "delay %.6f s, ", x->delay);
		print_u64(PRINT_ANY, "stratum", "stratum %llu, ", x->r.stratum);
		print_string(PRINT_ANY, "refid", "refid %s, ", refid);
		print_u64(PRINT_ANY, "leap", "leap %llu, ", x->r.leap);
		print_u64(PRINT_ANY, "new_cookies", "%llu new cookie(s)\n",
			  x->r.cookies);
	}
	close_json_object();
	return x->verified;
}

/* q->count authenticated exchanges with the NTP server; returns verified. */
static unsigned int run_exchanges(const struct query *q, int fd,
				  struct nke_session *ses,
				  const struct session *s)
{
	unsigned int i, next = 0, ok = 0;

	open_json_array("replies");
	for (i = 0; i < q->count; i++) {
		struct exchange x;

		ntp_exchange(fd, s, &ses->res, &next, q->timeout, &x);
		ok += print_exchange(i + 1, &x);
		if (i + 1 < q->count)
			usleep(200000);
	}
	close_json_array();
	print_u64(PRINT_ANY, "verified", "Verified        : %llu", ok);
	print_u64(PRINT_ANY, "count", " of %llu\n", q->count);
	return ok;
}

/* C2S and S2C from NTS-KE's exported keys, which are wiped. */
static int session_keys(struct session *s, uint16_t aead, uint8_t *keys,
			size_t keys_len)
{
	unsigned int klen = (unsigned int)keys_len / 2;
	int err = knts_aead_ctx_init(&s->c2s) || knts_aead_ctx_init(&s->s2c) ||
		  knts_aead_ctx_setkey(&s->c2s, aead, keys, klen, false) ||
		  knts_aead_ctx_setkey(&s->s2c, aead, keys + klen, klen, false);

	OPENSSL_cleanse(keys, KNTS_COOKIE_KEYS_LEN);
	return err;
}

int do_query(struct ctl *c, int argc, char **argv)
{
	struct query q = { .port = "4460", .family = AF_UNSPEC, .count = 1,
			   .timeout = 5.0,
			   .aeads = NKE_AEAD_MASK_30 | NKE_AEAD_MASK_15 };
	char ntp_addr[INET6_ADDRSTRLEN], port[8], err[512];
	struct session s = { 0 };
	unsigned int ok = 0;
	struct nke_session *ses;
	const char *ntp_host;
	int fd, ret;

	ret = query_args(&q, argc, argv);
	if (ret)
		return ret;
	ses = calloc(1, sizeof(*ses));
	if (!ses)
		return 1;
	ret = nke_client_run(q.host, q.port, q.family, q.ca, q.timeout,
			     q.aeads, ses, err, sizeof(err));
	if (ret < 0) {
		ctl_error("%s: %s", q.host, err);
		goto out;
	}
	ntp_host = q.ntp_server ? q.ntp_server :
		   ses->res.server[0] ? ses->res.server : q.host;
	if (q.ntp_port)
		snprintf(port, sizeof(port), "%s", q.ntp_port);
	else
		snprintf(port, sizeof(port), "%u",
			 ses->res.port ? ses->res.port : 123);

	print_begin(stdout, c->json);
	if (!print_nts_ke(&q, ses, ret == 0, ntp_host, port))
		goto out_print;
	if (session_keys(&s, (uint16_t)ses->res.aead, ses->keys, ses->keys_len))
		goto out_print;
	fd = nke_connect(ntp_host, port, q.family, SOCK_DGRAM, q.timeout,
			 ntp_addr, sizeof(ntp_addr));
	if (fd < 0) {
		ctl_error("NTP server %s: %s", ntp_host,
			strerror(errno));
		goto out_print;
	}
	ok = run_exchanges(&q, fd, ses, &s);
	close(fd);
out_print:
	print_end();
out:
	knts_aead_ctx_uninit(&s.c2s);
	knts_aead_ctx_uninit(&s.s2c);
	OPENSSL_cleanse(ses, sizeof(*ses));
	free(ses);
	return ok > 0 && ok == q.count ? 0 : 1;
}
