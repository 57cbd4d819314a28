// SPDX-License-Identifier: GPL-2.0
/*
 * ntsflood: sends authenticated NTS requests to a server as fast as a
 * window of outstanding requests allows, verifies every reply with S2C,
 * and reports the rate, loss, and the spread of T3 - T2 and round trips.
 *
 * Cookies are minted from a chrony ntskeys file (the server's keys), as an
 * NTS-KE server sharing them would.  A first rough load tool for the VM
 * tests; not a benchmark.
 *
 *   ntsflood -k NTSKEYS [-s ADDR] [-p PORT] [-n COUNT] [-w WINDOW]
 *            [-P PLACEHOLDERS] [-q]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/nts_client.h"
#include "../../userspace/ntskeys.h"
#include "../../userspace/siv_openssl.h"

#define MAX_WINDOW 256
#define SESSIONS 64
#define NTP_UNIX 2208988800ULL

struct session {
	struct knts_siv c2s, s2c;
	u8 cookie[KNTS_COOKIE_LEN];
};

struct slot {
	u8 uid[32];
	u64 tx;
	double sent;
	unsigned int session;
	bool busy;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static u64 ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((u64)ts.tv_sec + NTP_UNIX) << 32 |
	       (((u64)ts.tv_nsec << 32) / 1000000000ULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	return v[(size_t)(p * (double)(n - 1))];
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ntsflood -k NTSKEYS [-s ADDR] [-p PORT] [-n COUNT] [-w WINDOW] [-P PLACEHOLDERS] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *keyfile = NULL, *addr = "127.0.0.1", *port = "123";
	unsigned int count = 10000, window = 32, placeholders = 0;
	static struct session sess[SESSIONS];
	static struct slot slots[MAX_WINDOW];
	u8 pkt[KNTS_NTP_MAX_LEN], reply[2048], nonce[KNTS_NONCE_LEN];
	unsigned int sent = 0, valid = 0, bad = 0, naks = 0, done = 0;
	double *t32, *rtt, start, last_rx;
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	struct knts_siv master;
	struct ntskeys keys;
	const struct ntskey *cur;
	char err[256];
	int c, fd, i, quiet = 0;

	while ((c = getopt(argc, argv, "k:s:p:n:w:P:q")) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 's': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'n': count = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'w': window = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'P': placeholders = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (!keyfile || !count || !window || window > MAX_WINDOW ||
	    placeholders > 7)
		usage();
	if (ntskeys_load(keyfile, &keys, err, sizeof(err))) {
		fprintf(stderr, "ntsflood: %s\n", err);
		return 1;
	}
	cur = &keys.keys[keys.current];
	if (knts_siv_init(&master) ||
	    knts_siv_setkey(&master, cur->key, NTSKEYS_KEY_LEN))
		return 1;
	for (i = 0; i < SESSIONS; i++) {
		u8 k[KNTS_COOKIE_KEYS_LEN];

		knts_random_bytes(k, sizeof(k));
		if (knts_siv_init(&sess[i].c2s) || knts_siv_init(&sess[i].s2c) ||
		    knts_siv_setkey(&sess[i].c2s, k, 32) ||
		    knts_siv_setkey(&sess[i].s2c, k + 32, 32))
			return 1;
		memcpy(sess[i].cookie + KNTS_COOKIE_LEN - sizeof(k), k,
		       sizeof(k));
		if (knts_cookie_seal(&master, cur->id, sess[i].cookie))
			return 1;
	}
	ntskeys_wipe(&keys);

	if (getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "ntsflood: cannot resolve %s\n", addr);
		return 1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("ntsflood: socket");
		return 1;
	}
	freeaddrinfo(ai);
	t32 = calloc(count, sizeof(double));
	rtt = calloc(count, sizeof(double));
	if (!t32 || !rtt)
		return 1;

	start = now_s();
	last_rx = start;
	while (done < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		unsigned int s;

		/* Fill the window. */
		for (s = 0; s < window && sent < count; s++) {
			struct slot *sl = &slots[s];
			int len;

			if (sl->busy)
				continue;
			sl->session = sent % SESSIONS;
			knts_random_bytes(sl->uid, sizeof(sl->uid));
			sl->uid[0] = (u8)s;
			knts_random_bytes(nonce, sizeof(nonce));
			sl->tx = ntp_now();
			len = knts_client_request(pkt, sizeof(pkt), sl->uid,
						  sizeof(sl->uid),
						  sess[sl->session].cookie,
						  KNTS_COOKIE_LEN, placeholders,
						  &sess[sl->session].c2s,
						  nonce, sl->tx);
			if (len < 0 || send(fd, pkt, (size_t)len, 0) != len) {
				perror("ntsflood: send");
				return 1;
			}
			sl->sent = now_s();
			sl->busy = true;
			sent++;
		}
		if (poll(&pfd, 1, 200) <= 0) {
			/* Lost: give up on requests older than a second. */
			for (s = 0; s < window; s++)
				if (slots[s].busy && now_s() - slots[s].sent > 1.0) {
					slots[s].busy = false;
					done++;
				}
			if (now_s() - last_rx > 10.0)
				break;
			continue;
		}
		for (;;) {
			struct knts_client_reply cr;
			ssize_t n = recv(fd, reply, sizeof(reply), MSG_DONTWAIT);
			struct slot *sl;

			if (n < 0)
				break;
			last_rx = now_s();
			if (n < 84 || reply[52] >= window || !slots[reply[52]].busy) {
				bad++;
				continue;
			}
			sl = &slots[reply[52]];
			if (knts_client_reply(reply, (unsigned int)n, sl->uid,
					      sizeof(sl->uid), sl->tx,
					      &sess[sl->session].s2c, &cr)) {
				bad++;
				continue;
			}
			sl->busy = false;
			done++;
			if (cr.nak) {
				naks++;
				continue;
			}
			rtt[valid] = now_s() - sl->sent;
			t32[valid] = (double)(cr.tx_ts - cr.rx_ts) / 4294967296.0;
			valid++;
		}
	}
	start = now_s() - start;
	qsort(t32, valid, sizeof(double), cmp_double);
	qsort(rtt, valid, sizeof(double), cmp_double);
	printf("{\"sent\": %u, \"valid\": %u, \"naks\": %u, \"invalid\": %u, "
	       "\"lost\": %u, \"seconds\": %.3f, \"replies_per_s\": %.0f, "
	       "\"t3_t2_us\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f}, "
	       "\"rtt_us\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}}\n",
	       sent, valid, naks, bad, sent - valid - naks, start,
	       valid / start, pct(t32, valid, .5) * 1e6,
	       pct(t32, valid, .99) * 1e6, pct(t32, valid, 1) * 1e6,
	       pct(rtt, valid, .5) * 1e6, pct(rtt, valid, .99) * 1e6,
	       pct(rtt, valid, 1) * 1e6);
	(void)quiet;
	return valid + naks == sent ? 0 : 3;
}
