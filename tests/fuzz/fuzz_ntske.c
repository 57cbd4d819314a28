// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the NTS-KE record layer (userspace/lib/ntske.c) on arbitrary
 * bytes.  nke_scan() first, and nke_scan_more() fed the bytes in pieces
 * agreeing with it; a COMPLETE message is parsed as a request and
 * answered (the AEAD nke_select_aead() picks under a mask of allowed AEADs
 * the input's length chooses, record 1024 echoed with AEAD 30 when the
 * client sent it, 8 dummy 100-byte cookies, a server name and port) into a
 * 16384-byte buffer, and that answer must scan COMPLETE and read back with
 * nke_parse_response() as what the request asked for.  The input is also
 * read as a server response, whose result must keep the client's limits.
 * No build may ever report more than its cap; the client's own request,
 * for each mask, parses as what it offered.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz_common.h"
#include "lib/ntske.h"

#define OUT_CAP		16384
#define COOKIE_LEN	100
#define SERVER		"ntp.example.net"
#define PORT		4460

static uint8_t cookies[NKE_MAX_COOKIES][COOKIE_LEN];
static uint8_t out[OUT_CAP];
static struct nke_client_result res;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fill_response(struct nke_response *resp,
			  const struct nke_request *req, unsigned int allowed)
{
	unsigned int i;

	memset(resp, 0, sizeof(*resp));
	resp->aead = nke_select_aead(req, allowed);
	resp->compliant_128gcm = resp->aead == NKE_AEAD_GCM_SIV_128 &&
				 req->compliant_128gcm;
	resp->ntp_port = PORT;
	resp->server = SERVER;
	resp->ncookies = NKE_MAX_COOKIES;
	for (i = 0; i < NKE_MAX_COOKIES; i++) {
		memset(cookies[i], 0xc0 + i, COOKIE_LEN);
		resp->cookies[i] = cookies[i];
		resp->cookie_len[i] = COOKIE_LEN;
	}
}

/* What any successful nke_parse_response() must hold to. */
static void check_result(const struct nke_client_result *r)
{
	size_t i, n;

	FUZZ_CHECK(r->ncookies <= NKE_MAX_COOKIES);
	for (i = 0; i < r->ncookies; i++)
		FUZZ_CHECK(r->cookie_len[i] >= 1 &&
			   r->cookie_len[i] <= NKE_MAX_COOKIE &&
			   r->cookie_len[i] % 4 == 0);
	n = strnlen(r->server, sizeof(r->server));
	FUZZ_CHECK(n <= NKE_MAX_SERVER_NAME);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(r->server[i] > 0x20 && r->server[i] < 0x7f);
	FUZZ_CHECK(r->error >= -1 && r->error <= 0xffff);
	FUZZ_CHECK(r->warning >= -1 && r->warning <= 0xffff);
	FUZZ_CHECK(r->next_protocol >= -1 && r->next_protocol <= 0xffff);
	FUZZ_CHECK(r->aead >= -1 && r->aead <= 0xffff);
}

/* The answer to req must say what req asked for. */
static void check_answer(const struct nke_request *req,
			 const struct nke_response *resp, const uint8_t *msg,
			 int len)
{
	unsigned int i;

	FUZZ_CHECK(len > 0 && len <= OUT_CAP);
	FUZZ_CHECK(nke_scan(msg, (size_t)len) == NKE_SCAN_COMPLETE);
	FUZZ_CHECK(nke_parse_response(msg, (size_t)len, &res) == 0);
	check_result(&res);
	FUZZ_CHECK(res.warning == -1);
	if (req->error >= 0) {
		FUZZ_CHECK(res.error == req->error);
		FUZZ_CHECK(res.next_protocol == -1 && res.aead == -1);
		FUZZ_CHECK(!res.ncookies);
		return;
	}
	FUZZ_CHECK(res.error == -1);
	if (!req->ntpv4) {
		FUZZ_CHECK(res.next_protocol == -1 && res.aead == -1);
		FUZZ_CHECK(!res.ncookies && !res.port && !res.server[0]);
		return;
	}
	FUZZ_CHECK(res.next_protocol == NKE_PROTO_NTPV4);
	/* The first of the client's AEADs that the server allows. */
	FUZZ_CHECK(req->naeads <= 2);
	for (i = 0; i < req->naeads; i++)
		if (resp->aead == req->aeads[i])
			break;
	FUZZ_CHECK(!resp->aead || i < req->naeads);
	if (!resp->aead) {
		FUZZ_CHECK(res.aead == -1 && !res.compliant_128gcm);
		FUZZ_CHECK(!res.ncookies && !res.port && !res.server[0]);
		return;
	}
	FUZZ_CHECK(res.aead == resp->aead);
	FUZZ_CHECK(res.compliant_128gcm ==
		   (res.aead == NKE_AEAD_GCM_SIV_128 && req->compliant_128gcm));
	FUZZ_CHECK(res.port == PORT && !strcmp(res.server, SERVER));
	FUZZ_CHECK(res.ncookies == NKE_MAX_COOKIES);
	for (i = 0; i < NKE_MAX_COOKIES; i++)
		FUZZ_CHECK(res.cookie_len[i] == COOKIE_LEN &&
			   !memcmp(res.cookies[i], cookies[i], COOKIE_LEN));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nke_response resp;
	struct nke_request req;
	enum nke_scan scan;
	unsigned int aeads;
	size_t cap;
	int n, m;

	if (size > 2 * NKE_MAX_MESSAGE)
		return -1;

	scan = nke_scan(data, size);
	FUZZ_CHECK(scan == NKE_SCAN_MORE || scan == NKE_SCAN_COMPLETE ||
		   scan == NKE_SCAN_INVALID);
	if (size > NKE_MAX_MESSAGE)
		FUZZ_CHECK(scan == NKE_SCAN_INVALID);

	/* Every prefix of a complete message wants more. */
	if (scan == NKE_SCAN_COMPLETE && size)
		FUZZ_CHECK(nke_scan(data, size - 1) == NKE_SCAN_MORE);

	/*
	 * The same bytes arriving in pieces (sizes taken from the input) to
	 * one resumed scanner, as kntsd reads them: the same answer at the
	 * end (INVALID as soon as a part is), and MORE before it whenever the
	 * whole is COMPLETE.
	 */
	if (size <= NKE_MAX_MESSAGE) {
		struct nke_scanner sc = { 0 };
		enum nke_scan part = NKE_SCAN_MORE;
		size_t got = 0, i = 0;

		while (got < size && part != NKE_SCAN_INVALID) {
			got += 1 + data[i++ % size] % 7;
			if (got > size)
				got = size;
			part = nke_scan_more(&sc, data, got);
			if (scan == NKE_SCAN_COMPLETE && got < size)
				FUZZ_CHECK(part == NKE_SCAN_MORE);
		}
		FUZZ_CHECK(part == scan);
	}

	/* The server side: parse, answer, read the answer back. */
	FUZZ_CHECK(nke_parse_request(data, size, &req) == 0);
	FUZZ_CHECK(req.error >= -1 && req.error <= NKE_ERR_BAD_REQUEST);
	if (scan == NKE_SCAN_COMPLETE) {
		/* Both AEADs, 15 alone, 30 alone, neither. */
		fill_response(&resp, &req, 3 - size % 4);
		n = nke_build_response(out, sizeof(out), &req, &resp);
		check_answer(&req, &resp, out, n);

		/* A smaller cap: the whole answer or nothing. */
		cap = data[0] % ((size_t)n + 1);
		m = nke_build_response(out, cap, &req, &resp);
		FUZZ_CHECK(m == (cap < (size_t)n ? -1 : n));
	}

	/* The client side on the input. */
	if (nke_parse_response(data, size, &res) == 0) {
		FUZZ_CHECK(scan == NKE_SCAN_COMPLETE);
		check_result(&res);
	}

	/* Our own messages always come out whole and well-formed. */
	if (size >= 2) {
		n = nke_build_error(out, sizeof(out),
				    (uint16_t)(data[0] << 8 | data[1]));
		FUZZ_CHECK(n == 10);
		FUZZ_CHECK(nke_parse_response(out, (size_t)n, &res) == 0);
		FUZZ_CHECK(res.error == (data[0] << 8 | data[1]));
	}
	aeads = 1 + size % 3;
	n = nke_build_request(out, sizeof(out), aeads);
	FUZZ_CHECK(n > 0 && n <= OUT_CAP);
	FUZZ_CHECK(nke_scan(out, (size_t)n) == NKE_SCAN_COMPLETE);
	FUZZ_CHECK(nke_parse_request(out, (size_t)n, &req) == 0);
	FUZZ_CHECK(req.error == -1 && req.ntpv4);
	FUZZ_CHECK(req.aead15 == !!(aeads & NKE_AEAD_MASK_15));
	FUZZ_CHECK(req.aead30 == !!(aeads & NKE_AEAD_MASK_30));
	FUZZ_CHECK(req.compliant_128gcm == req.aead30);
	/* 30 first, as chrony's client. */
	FUZZ_CHECK(nke_select_aead(&req, NKE_AEAD_MASK_15 |
				   NKE_AEAD_MASK_30) ==
		   (req.aead30 ? NKE_AEAD_GCM_SIV_128 : NKE_AEAD_SIV_CMAC_256));
	return 0;
}
