// SPDX-License-Identifier: GPL-2.0
/*
 * corebench: nanoseconds per NTS request through the protocol core on the
 * OpenSSL backend, on this machine's CPU (no network, no emulation): what
 * kntsd's userspace path spends per reply in the core, and the cost of
 * each step, for a master key and a session of the AEADs given (15, as
 * chrony 4.3, when not).
 *
 *   corebench [ITERATIONS [MASTER_AEAD [SESSION_AEAD]]]
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
	static const u8 nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 7 };
	static const struct knts_time_params tp = { .stratum = 1 };
	u8 master_key[32], keys[64], opened[64], uid[32], req[1024], pkt[1024];
	u8 out[1024], cookie[KNTS_COOKIE_MAX_LEN];
	struct knts_aead_ctx master, c2s, srv;
	long i, n = argc > 1 ? atol(argv[1]) : 200000;
	u16 malg = argc > 2 ? (u16)atoi(argv[2]) : 15;
	u16 alg = argc > 3 ? (u16)atoi(argv[3]) : 15;
	unsigned int klen = 2 * knts_aead_key_len(alg);
	double t0, t_open = 0, t_verify = 0, t_reply = 0, t_all;
	struct knts_req r;
	struct knts_resp resp;
	int len;

	if (n <= 0 || !knts_aead_key_len(malg) || !klen) {
		fprintf(stderr,
			"usage: corebench [ITERATIONS [15|30 [15|30]]]\n");
		return 1;
	}
	knts_random_bytes(master_key, sizeof(master_key));
	knts_random_bytes(keys, sizeof(keys));
	knts_random_bytes(uid, sizeof(uid));
	if (knts_aead_ctx_init(&master) || knts_aead_ctx_init(&c2s) ||
	    knts_aead_ctx_init(&srv) ||
	    knts_aead_ctx_setkey(&master, malg, master_key,
				 knts_aead_key_len(malg), true) ||
	    knts_aead_ctx_setkey(&c2s, alg, keys, klen / 2, false))
		return 1;
	memcpy(cookie + knts_cookie_keys_off(malg), keys, klen);
	if (knts_cookie_seal(&master.a, 1, cookie, klen))
		return 1;
	len = knts_client_request(req, sizeof(req), uid, 32, cookie,
				  knts_cookie_len(malg, klen), 0, &c2s.a,
				  nonce, 42);
	if (len < 0)
		return 1;

	t_all = now();
	for (i = 0; i < n; i++) {
		memcpy(pkt, req, (size_t)len);
		if (knts_ntp_parse(pkt, (unsigned int)len, &r))
			return 2;
		t0 = now();
		if (knts_cookie_open(&master.a, false, r.cookie, r.cookie_len,
				     opened) != (int)klen)
			return 3;
		t_open += now() - t0;
		t0 = now();
		if (knts_aead_ctx_setkey(&srv, alg, opened, klen / 2, false) ||
		    knts_nts_verify(&r, &srv.a, false))
			return 4;
		t_verify += now() - t0;
		t0 = now();
		if (knts_nts_reply_begin(&resp, out, &r, &tp, 1, &master.a, 1,
					 opened, klen, false) ||
		    knts_nts_reply_seal(&resp, &srv.a, opened + klen / 2, 2,
					false))
			return 5;
		t_reply += now() - t0;
	}
	t_all = now() - t_all;
	printf("{\"iterations\": %ld, \"master_aead\": %u, "
	       "\"session_aead\": %u, \"ns_per_request\": %.0f, \"cookie_open_ns\": %.0f, "
	       "\"verify_ns\": %.0f, \"reply_ns\": %.0f}\n", n, malg, alg,
	       t_all / n * 1e9, t_open / n * 1e9, t_verify / n * 1e9,
	       t_reply / n * 1e9);
	knts_aead_ctx_uninit(&master);
	knts_aead_ctx_uninit(&c2s);
	knts_aead_ctx_uninit(&srv);
	return 0;
}
