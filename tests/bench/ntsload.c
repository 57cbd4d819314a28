// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload: an NTS load generator for any RFC 8915 server.
 *
 * Performs NTS-KE against the server under test (or mints cookies from a
 * shared ntskeys file, or sends plain NTP), pre-builds authenticated
 * requests, then sends them at a set rate or flat out with sendmmsg()
 * from several threads and source ports (and source addresses), reading
 * replies with recvmmsg().  Every reply is checked cheaply (mode, the
 * unique identifier and origin echoed); one in --verify is authenticated
 * in full with S2C, and a single failure scores the run zero.  --aead
 * picks the sessions' AEAD: what NTS-KE offers (15, the default; 30; or
 * both, 30 first as chrony offers them), and what minted cookies carry.
 *
 *   ntsload -s HOST [options]     prints one JSON object
 *
 * With --wait-go, NTS-KE and the set-up happen first; then ntsload prints
 * "ready" on stderr and starts the load when a line (or end of file)
 * arrives on stdin, so that a measurement can leave the set-up out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/nts_client.h"
#include "lib/nke_client.h"
#include "lib/ntskeys.h"
#include "lib/siv_openssl.h"

#define TEMPLATES 4096
#define BATCH 32
#define MAX_THREADS 16
#define MAX_SOCKETS 64
#define MAX_SESSIONS 256
#define MAX_SAMPLES (1 << 20)
#define NTP_UNIX 2208988800ULL

/* A session: its C2S instance, its S2C key (each thread verifies). */
struct session {
	struct knts_aead_ctx c2s;
	uint16_t alg;
	uint8_t s2c[KNTS_AEAD_MAX_KEY_LEN];
	uint8_t cookies[NKE_MAX_COOKIES][KNTS_COOKIE_MAX_LEN];
	unsigned int cookie_len[NKE_MAX_COOKIES];
	unsigned int ncookies;
};

struct tmpl {
	uint8_t pkt[KNTS_NTP_MAX_LEN];
	unsigned int len;
	unsigned int session;
	uint64_t tx;
	_Atomic uint64_t sent_ns;	/* last send, CLOCK_MONOTONIC */
};

struct opts {
	const char *host, *ke_port, *ca, *keys, *ntp_port;
	const char *bind[16];
	unsigned int nbind;
	int family;
	bool plain;
	double rate, duration;
	unsigned int threads, sockets, sessions, verify, placeholders;
	uint64_t count;		/* stop after this many requests (per run) */
	unsigned int window;	/* at most this many unanswered, 0: no limit */
	bool wait_go;		/* "ready" on stderr, then wait for stdin */
	unsigned int aeads;	/* NKE_AEAD_MASK_*: what sessions use */
};

struct stats {
	uint64_t sent, valid, naks, invalid, verified, verify_failed, lost;
	double *t32, *rtt;
	size_t nt32, nrtt;
};

static struct opts o = {
	.ke_port = "4460", .family = AF_UNSPEC, .duration = 5,
	.threads = 1, .sockets = 8, .sessions = 16, .verify = 100,
	.aeads = NKE_AEAD_MASK_15,
};
static struct session *sessions;
static unsigned int nsessions;
static struct tmpl *tmpls;



static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + NTP_UNIX) << 32 |
	       (((uint64_t)ts.tv_nsec << 32) / 1000000000ULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	return n ? v[(size_t)(p * (double)(n - 1))] : 0;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "ntsload: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* A session of @alg with C2S || S2C @keys. */
static void session_keys(struct session *s, uint16_t alg, const uint8_t *keys)
{
	unsigned int klen = knts_aead_key_len(alg);

	s->alg = alg;
	memcpy(s->s2c, keys + klen, klen);
	if (knts_aead_ctx_init(&s->c2s) ||
	    knts_aead_ctx_setkey(&s->c2s, alg, keys, klen, false))
		die("%s", "cipher");
}

/* Cookies: from NTS-KE sessions with the server, or minted from keys. */
static void get_sessions(char *ntp_host, size_t hlen, char *ntp_port,
			 size_t plen)
{
	unsigned int i, j;
	char err[512];

	snprintf(ntp_host, hlen, "%s", o.host);
	snprintf(ntp_port, plen, "%s", o.ntp_port ? o.ntp_port : "123");
	if (o.plain)
		return;
	sessions = calloc(o.sessions, sizeof(*sessions));
	if (!sessions)
		die("%s", "out of memory");
	if (o.keys) {
		/* Sessions of the first AEAD asked for: 30 when it is. */
		uint16_t alg = o.aeads & NKE_AEAD_MASK_30 ?
			       KNTS_AEAD_AES_128_GCM_SIV :
			       KNTS_AEAD_AES_SIV_CMAC_256;
		unsigned int klen = 2 * knts_aead_key_len(alg);
		struct knts_aead_ctx master;
		const struct ntskey *cur;
		struct ntskeys k;

		if (ntskeys_load(o.keys, NTSKEYS_ANY_OWNER, &k, err, sizeof(err)))
			die("%s", err);
		cur = &k.keys[k.current];
		if (knts_aead_ctx_init(&master) ||
		    knts_aead_ctx_setkey(&master, cur->aead, cur->key,
					 ntskey_len(cur), true))
			die("%s", "cipher");
		for (i = 0; i < o.sessions; i++) {
			struct session *s = &sessions[i];
			uint8_t keys[KNTS_COOKIE_KEYS_LEN];

			knts_random_bytes(keys, klen);
			session_keys(s, alg, keys);
			for (j = 0; j < NKE_MAX_COOKIES; j++) {
				memcpy(s->cookies[j] +
				       knts_cookie_keys_off(cur->aead), keys,
				       klen);
				if (knts_cookie_seal(&master.a, cur->id,
						     s->cookies[j], klen))
					die("%s", "cookie");
				s->cookie_len[j] = knts_cookie_len(cur->aead,
								   klen);
			}
			s->ncookies = NKE_MAX_COOKIES;
			OPENSSL_cleanse(keys, sizeof(keys));
		}
		knts_aead_ctx_uninit(&master);
		ntskeys_wipe(&k);
		nsessions = o.sessions;
		return;
	}
	for (i = 0; i < o.sessions; i++) {
		struct session *s = &sessions[i];
		struct nke_session ks;
		int ret;

		ret = nke_client_run(o.host, o.ke_port, o.family, o.ca, 10.0,
				     o.aeads, &ks, err, sizeof(err));
		if (ret)
			die("NTS-KE: %s", ret < 0 ? err : "no agreement");
		session_keys(s, (uint16_t)ks.res.aead, ks.keys);
		for (j = 0; j < ks.res.ncookies; j++) {
			if (ks.res.cookie_len[j] > KNTS_COOKIE_MAX_LEN)
				die("%s", "cookies longer than 100 bytes");
			memcpy(s->cookies[j], ks.res.cookies[j],
			       ks.res.cookie_len[j]);
			s->cookie_len[j] = (unsigned int)ks.res.cookie_len[j];
		}
		s->ncookies = ks.res.ncookies;
		if (ks.res.server[0])
			snprintf(ntp_host, hlen, "%s", ks.res.server);
		if (ks.res.port && !o.ntp_port)
			snprintf(ntp_port, plen, "%u", ks.res.port);
		OPENSSL_cleanse(&ks, sizeof(ks));
	}
	nsessions = o.sessions;
}

static void build_templates(void)
{
	/* The session AEAD's length of it: 16 or 12 bytes. */
	static const uint8_t nonce[KNTS_AEAD_MAX_NONCE_LEN] = { 1 };
	unsigned int i;

	tmpls = calloc(TEMPLATES, sizeof(*tmpls));
	if (!tmpls)
		die("%s", "out of memory");
	for (i = 0; i < TEMPLATES; i++) {
		struct tmpl *t = &tmpls[i];
		struct session *s;
		uint8_t uid[32];
		unsigned int c;
		int len;

		/* The template's index, to find it again in the reply. */
		t->tx = (ntp_now() & ~((uint64_t)(TEMPLATES - 1) << 8)) |
			(uint64_t)i << 8;
		if (o.plain) {
			memset(t->pkt, 0, KNTS_NTP_HDR_LEN);
			t->pkt[0] = 4 << 3 | 3;
			put_unaligned_be64(t->tx, t->pkt + 40);
			t->len = KNTS_NTP_HDR_LEN;
			continue;
		}
		t->session = i % nsessions;
		s = &sessions[t->session];
		c = (i / nsessions) % s->ncookies;
		knts_random_bytes(uid, sizeof(uid));
		put_unaligned_be32(i, uid);
		len = knts_client_request(t->pkt, sizeof(t->pkt), uid,
					  sizeof(uid), s->cookies[c],
					  s->cookie_len[c], o.placeholders,
					  &s->c2s.a, nonce, t->tx);
		if (len < 0)
			die("%s", "cannot build a request");
		t->len = (unsigned int)len;
	}
}

/* Which template a reply answers; UINT32_MAX when none. */
static uint32_t reply_template(const uint8_t *r, unsigned int len)
{
	uint64_t origin;
	uint32_t i;

	if (len < KNTS_NTP_HDR_LEN || (r[0] & 7) != 4)
		return UINT32_MAX;
	origin = get_unaligned_be64(r + 24);
	i = (uint32_t)((origin >> 8) & (TEMPLATES - 1));
	if (o.plain) {
		if (origin != tmpls[i].tx)
			i = UINT32_MAX;
		return i;
	}
	/* The unique identifier EF comes first: its first word is ours. */
	if (len < 84 || get_unaligned_be32(r + 52) != i ||
	    origin != tmpls[i].tx ||
	    memcmp(r + 52, tmpls[i].pkt + 52, 32))
		return UINT32_MAX;
	return i;
}

struct thread {
	pthread_t tid;
	unsigned int id;
	int fds[MAX_SOCKETS];
	unsigned int nfds;
	struct stats st;
	struct knts_aead_ctx verify;	/* keyed with a session's S2C */
};

static void handle_reply(struct thread *t, uint8_t *r, unsigned int len,
			 uint64_t now)
{
	struct stats *st = &t->st;
	struct knts_client_reply cr;
	uint32_t i = reply_template(r, len);
	uint64_t sent;

	if (i == UINT32_MAX) {
		st->invalid++;
		return;
	}
	if (r[1] == 0 && !memcmp(r + 12, "NTSN", 4)) {
		st->naks++;
		return;
	}
	if (!o.plain && o.verify && (st->valid % o.verify) == 0) {
		const struct session *s = &sessions[tmpls[i].session];
		uint8_t uid[32];

		memcpy(uid, tmpls[i].pkt + 52, 32);
		if (knts_aead_ctx_setkey(&t->verify, s->alg, s->s2c,
					 knts_aead_key_len(s->alg), false) ||
		    knts_client_reply(r, len, uid, 32, tmpls[i].tx,
				      &t->verify.a, &cr) ||
		    cr.nak) {
			st->verify_failed++;
			return;
		}
		st->verified++;
	}
	st->valid++;
	sent = atomic_load(&tmpls[i].sent_ns);
	if (st->nrtt < MAX_SAMPLES && sent && now > sent)
		st->rtt[st->nrtt++] = (double)(now - sent) / 1e9;
	if (st->nt32 < MAX_SAMPLES)
		st->t32[st->nt32++] = (double)(get_unaligned_be64(r + 40) -
					       get_unaligned_be64(r + 32)) /
				      4294967296.0;
}

static void receive_all(struct thread *t)
{
	static __thread uint8_t buf[BATCH][2048];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	unsigned int k;
	int n, j;

	for (k = 0; k < t->nfds; k++) {
		for (;;) {
			for (j = 0; j < BATCH; j++) {
				iov[j].iov_base = buf[j];
				iov[j].iov_len = sizeof(buf[j]);
				memset(&m[j], 0, sizeof(m[j]));
				m[j].msg_hdr.msg_iov = &iov[j];
				m[j].msg_hdr.msg_iovlen = 1;
			}
			n = recvmmsg(t->fds[k], m, BATCH, MSG_DONTWAIT, NULL);
			if (n <= 0)
				break;
			for (j = 0; j < n; j++)
				handle_reply(t, buf[j], m[j].msg_len, mono_ns());
		}
	}
}

/*
 * Until @ns from now or a reply, whichever comes first: sleeping, not
 * spinning, so that the generator leaves the CPU time it does not need
 * (under emulation, the host's time the server's vCPU needs).
 * Returns ppoll()'s result: 0 when nothing came.
 */
static int wait_replies(struct thread *t, uint64_t ns)
{
	struct pollfd pfd[MAX_SOCKETS];
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};
	unsigned int k;

	for (k = 0; k < t->nfds; k++) {
		pfd[k].fd = t->fds[k];
		pfd[k].events = POLLIN;
	}
	return ppoll(pfd, t->nfds, &ts, NULL);
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	double per_thread = o.rate / o.threads;
	uint64_t start = mono_ns(), next = start, end;
	uint32_t tpl = t->id * (TEMPLATES / o.threads);
	unsigned int sock = 0;
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	int j;

	end = start + (uint64_t)(o.duration * 1e9);
	while (mono_ns() < end && (!o.count || t->st.sent < o.count / o.threads)) {
		unsigned int batch = BATCH;
		uint64_t now = mono_ns();

		if (o.window) {
			uint64_t out = t->st.sent - t->st.valid - t->st.naks -
				       t->st.invalid - t->st.verify_failed -
				       t->st.lost;

			if (out >= o.window / o.threads) {
				if (wait_replies(t, 1000000000ULL) <= 0)
					t->st.lost += out;	/* a second: lost */
				else
					receive_all(t);
				continue;
			}
			batch = (unsigned int)fmin(batch, o.window / o.threads - out);
		}
		if (o.count && batch > o.count / o.threads - t->st.sent)
			batch = (unsigned int)(o.count / o.threads - t->st.sent);

		if (per_thread > 0) {
			if (now < next) {
				wait_replies(t, next - now);
				receive_all(t);
				continue;
			}
			/* As many as the rate allows since the last batch. */
			batch = (unsigned int)fmin(BATCH,
				fmax(1, (double)(now - next) * per_thread / 1e9));
			next += (uint64_t)(batch * 1e9 / per_thread);
		}
		for (j = 0; j < (int)batch; j++) {
			struct tmpl *tp = &tmpls[(tpl + (uint32_t)j) % TEMPLATES];

			iov[j].iov_base = tp->pkt;
			iov[j].iov_len = tp->len;
			memset(&m[j], 0, sizeof(m[j]));
			m[j].msg_hdr.msg_iov = &iov[j];
			m[j].msg_hdr.msg_iovlen = 1;
			atomic_store(&tp->sent_ns, now);
		}
		j = sendmmsg(t->fds[sock], m, batch, 0);
		if (j > 0) {
			t->st.sent += (uint64_t)j;
			tpl = (tpl + (uint32_t)j) % TEMPLATES;
		}
		sock = (sock + 1) % t->nfds;
		receive_all(t);
	}
	/* Late replies: a moment, or with a window until all are in. */
	end = mono_ns() + (o.window ? 1000000000ULL : 300000000ULL);
	while (mono_ns() < end) {
		receive_all(t);
		if (o.window && t->st.sent == t->st.valid + t->st.naks +
		    t->st.invalid + t->st.verify_failed + t->st.lost)
			break;
		usleep(1000);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ntsload -s HOST [-p NTSKE_PORT] [--ca FILE] [--keys NTSKEYS] [--plain]\n"
		"               [--ntp-port P] [-r RATE] [-d SECONDS] [-T THREADS] [-S SOCKETS]\n"
		"               [--sessions N] [--verify K] [--bind ADDR]... [-P PLACEHOLDERS] [-4|-6]\n"
		"               [-n COUNT] [-w WINDOW] [--wait-go] [--aead 15|30|both]\n"
		"  -r 0 (default): flat out; -w: at most WINDOW requests unanswered;\n"
		"  -n: stop after COUNT requests (then wait for their replies)\n"
		"  --aead: the sessions' AEAD (NTS-KE offers both 30 first; minted\n"
		"  cookies carry 30's keys then), default 15\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "keys", required_argument, NULL, 'k' },
		{ "plain", no_argument, NULL, 'L' },
		{ "ntp-port", required_argument, NULL, 'N' },
		{ "sessions", required_argument, NULL, 'e' },
		{ "verify", required_argument, NULL, 'v' },
		{ "bind", required_argument, NULL, 'b' },
		{ "wait-go", no_argument, NULL, 'g' },
		{ "aead", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct thread th[MAX_THREADS];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	char ntp_host[NKE_MAX_SERVER_NAME + 1], ntp_port[8];
	struct stats tot = { 0 };
	uint64_t t0;
	double secs;
	unsigned int i, k;
	int c;

	while ((c = getopt_long(argc, argv, "s:p:r:d:T:S:P:n:w:46", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.host = optarg; break;
		case 'p': o.ke_port = optarg; break;
		case 'c': o.ca = optarg; break;
		case 'k': o.keys = optarg; break;
		case 'L': o.plain = true; break;
		case 'N': o.ntp_port = optarg; break;
		case 'r': o.rate = atof(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'T': o.threads = (unsigned int)atoi(optarg); break;
		case 'S': o.sockets = (unsigned int)atoi(optarg); break;
		case 'P': o.placeholders = (unsigned int)atoi(optarg); break;
		case 'n': o.count = strtoull(optarg, NULL, 10); break;
		case 'w': o.window = (unsigned int)atoi(optarg); break;
		case 'e': o.sessions = (unsigned int)atoi(optarg); break;
		case 'v': o.verify = (unsigned int)atoi(optarg); break;
		case 'g': o.wait_go = true; break;
		case 'a':
			if (!strcmp(optarg, "both"))
				o.aeads = NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30;
			else if (!(o.aeads = nke_aead_mask((uint16_t)atoi(optarg))))
				usage();
			break;
		case 'b':
			if (o.nbind == 16)
				usage();
			o.bind[o.nbind++] = optarg;
			break;
		case '4': o.family = AF_INET; break;
		case '6': o.family = AF_INET6; break;
		default: usage();
		}
	}
	if (!o.host || !o.threads || o.threads > MAX_THREADS || !o.sockets ||
	    o.sockets > MAX_SOCKETS || !o.sessions ||
	    o.sessions > MAX_SESSIONS || o.placeholders > 7 || o.duration <= 0)
		usage();

	get_sessions(ntp_host, sizeof(ntp_host), ntp_port, sizeof(ntp_port));
	build_templates();
	hints.ai_family = o.family;
	if (getaddrinfo(ntp_host, ntp_port, &hints, &ai))
		die("cannot resolve %s", ntp_host);



	for (i = 0; i < o.threads; i++) {
		memset(&th[i], 0, sizeof(th[i]));
		th[i].id = i;
		th[i].st.t32 = malloc(MAX_SAMPLES * sizeof(double));
		th[i].st.rtt = malloc(MAX_SAMPLES * sizeof(double));
		if (!th[i].st.t32 || !th[i].st.rtt ||
		    knts_aead_ctx_init(&th[i].verify))
			die("%s", "out of memory");
		for (k = 0; k < o.sockets; k++) {
			int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			int big = 4 << 20;

			if (fd < 0)
				die("socket: %s", strerror(errno));
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
			if (o.nbind) {
				struct addrinfo *bi;
				const char *b = o.bind[(i * o.sockets + k) % o.nbind];

				if (getaddrinfo(b, NULL, &hints, &bi) ||
				    bind(fd, bi->ai_addr, bi->ai_addrlen))
					die("cannot bind %s", b);
				freeaddrinfo(bi);
			}
			if (connect(fd, ai->ai_addr, ai->ai_addrlen))
				die("connect: %s", strerror(errno));
			th[i].fds[th[i].nfds++] = fd;
		}
	}
	freeaddrinfo(ai);

	if (o.wait_go) {
		char go;

		fputs("ready\n", stderr);
		fflush(stderr);
		if (read(STDIN_FILENO, &go, 1) < 0)
			die("stdin: %s", strerror(errno));
	}
	t0 = mono_ns();
	for (i = 0; i < o.threads; i++)
		pthread_create(&th[i].tid, NULL, thread_main, &th[i]);
	for (i = 0; i < o.threads; i++)
		pthread_join(th[i].tid, NULL);

	tot.t32 = malloc(MAX_SAMPLES * o.threads * sizeof(double));
	tot.rtt = malloc(MAX_SAMPLES * o.threads * sizeof(double));
	for (i = 0; i < o.threads; i++) {
		struct stats *s = &th[i].st;

		tot.sent += s->sent;
		tot.valid += s->valid;
		tot.naks += s->naks;
		tot.invalid += s->invalid;
		tot.verified += s->verified;
		tot.verify_failed += s->verify_failed;
		tot.lost += s->lost;
		memcpy(tot.t32 + tot.nt32, s->t32, s->nt32 * sizeof(double));
		tot.nt32 += s->nt32;
		memcpy(tot.rtt + tot.nrtt, s->rtt, s->nrtt * sizeof(double));
		tot.nrtt += s->nrtt;
	}
	/* A server whose replies do not authenticate scores zero. */
	if (tot.verify_failed)
		tot.valid = 0;
	/* With a count, the duration is what it took. */
	secs = o.count ? (double)(mono_ns() - t0) / 1e9 : o.duration;
	qsort(tot.t32, tot.nt32, sizeof(double), cmp_double);
	qsort(tot.rtt, tot.nrtt, sizeof(double), cmp_double);
	printf("{\"mode\": \"%s\", \"target_rate\": %.0f, \"sent\": %llu, "
	       "\"valid\": %llu, \"naks\": %llu, \"invalid\": %llu, "
	       "\"verified\": %llu, \"verify_failed\": %llu, "
	       "\"unanswered\": %llu, \"loss\": %.5f, \"rate\": %.1f, \"seconds\": %.2f, "
	       "\"t3_t2_us\": {\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}, "
	       "\"rtt_us\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}}\n",
	       o.plain ? "plain" : "nts", o.rate,
	       (unsigned long long)tot.sent, (unsigned long long)tot.valid,
	       (unsigned long long)tot.naks, (unsigned long long)tot.invalid,
	       (unsigned long long)tot.verified,
	       (unsigned long long)tot.verify_failed,
	       (unsigned long long)(tot.sent - tot.valid - tot.naks - tot.invalid -
				    tot.verify_failed),
	       tot.sent ? 1.0 - (double)tot.valid / (double)tot.sent : 1.0,
	       (double)tot.valid / secs, secs,
	       pct(tot.t32, tot.nt32, .5) * 1e6, pct(tot.t32, tot.nt32, .99) * 1e6,
	       pct(tot.t32, tot.nt32, 1) * 1e6, pct(tot.rtt, tot.nrtt, .5) * 1e6,
	       pct(tot.rtt, tot.nrtt, .99) * 1e6, pct(tot.rtt, tot.nrtt, 1) * 1e6);
	return tot.verify_failed ? 3 : 0;
}
