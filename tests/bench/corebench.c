// SPDX-License-Identifier: GPL-2.0
/*
 * corebench: nanoseconds per NTS request through the protocol core on the
 * OpenSSL backend, on this machine's CPU (no network, no emulation): what
 * kntsd's userspace path spends per reply in the core, and the cost of
 * each step.
 *
 *   corebench [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/nts_client.h"
#include "lib/siv_openssl.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const u8 nonce[KNTS_NONCE_LEN] = { 7 };
	static const struct knts_time_params tp = { .stratum = 1 };
	u8 master_key[32], keys[64], uid[32], req[1024], pkt[1024], out[1024];
	u8 cookie[KNTS_COOKIE_LEN];
	struct knts_siv master, c2s, s2c, srv;
	long i, n = argc > 1 ? atol(argv[1]) : 200000;
	double t0, t_open = 0, t_verify = 0, t_reply = 0, t_all;
	struct knts_req r;
	struct knts_resp resp;
	int len;

	knts_random_bytes(master_key, sizeof(master_key));
	knts_random_bytes(keys, sizeof(keys));
	knts_random_bytes(uid, sizeof(uid));
	if (knts_siv_init(&master) || knts_siv_init(&c2s) ||
	    knts_siv_init(&s2c) || knts_siv_init(&srv) ||
	    knts_siv_setkey_long(&master, master_key, 32) ||
	    knts_siv_setkey(&c2s, keys, 32) || knts_siv_setkey(&s2c, keys + 32, 32))
		return 1;
	memcpy(cookie + KNTS_COOKIE_LEN - 64, keys, 64);
	if (knts_cookie_seal(&master, 1, cookie))
		return 1;
	len = knts_client_request(req, sizeof(req), uid, 32, cookie,
				  KNTS_COOKIE_LEN, 0, &c2s, nonce, 42);
	if (len < 0)
		return 1;

	t_all = now();
	for (i = 0; i < n; i++) {
		memcpy(pkt, req, (size_t)len);
		if (knts_ntp_parse(pkt, (unsigned int)len, &r))
			return 2;
		t0 = now();
		memcpy(cookie, r.cookie, KNTS_COOKIE_LEN);
		if (knts_cookie_open(&master, cookie, KNTS_COOKIE_LEN))
			return 3;
		t_open += now() - t0;
		t0 = now();
		if (knts_siv_setkey(&srv, cookie + 36, 32) ||
		    knts_nts_verify(&r, &srv, false))
			return 4;
		t_verify += now() - t0;
		t0 = now();
		if (knts_nts_reply_begin(&resp, out, &r, &tp, 1, &master, 1,
					 cookie + 36, false) ||
		    knts_nts_reply_seal(&resp, &srv, cookie + 68, 2, false))
			return 5;
		t_reply += now() - t0;
	}
	t_all = now() - t_all;
	printf("{\"iterations\": %ld, \"ns_per_request\": %.0f, \"cookie_open_ns\": %.0f, "
	       "\"verify_ns\": %.0f, \"reply_ns\": %.0f}\n", n, t_all / n * 1e9,
	       t_open / n * 1e9, t_verify / n * 1e9, t_reply / n * 1e9);
	return 0;
}
