// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/ntske.c: chrony's NTS-KE server behaviour
 * (a valid request and its full response read back by the client side,
 * every error class, the empty Next Protocol and AEAD answers, unknown
 * records), the AEAD choice (the client's order, the server's mask), record
 * 1024 (the compliant AES-128-GCM-SIV exporter context) both ways and the
 * exporter's AEAD id, nke_scan() at every split point, the size limits and
 * the client's response checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/ntske.h"
#include "unit.h"

#define CRIT NKE_CRITICAL

/* A message under construction from raw records. */
struct msg {
	uint8_t b[NKE_MAX_MESSAGE + 64];
	size_t len;
};

static void raw(struct msg *m, uint16_t type, const void *body, size_t blen)
{
	if (m->len + 4 + blen > sizeof(m->b))
		abort();
	m->b[m->len++] = (uint8_t)(type >> 8);
	m->b[m->len++] = (uint8_t)type;
	m->b[m->len++] = (uint8_t)(blen >> 8);
	m->b[m->len++] = (uint8_t)blen;
	if (blen)
		memcpy(m->b + m->len, body, blen);
	m->len += blen;
}

/* A record of 16-bit values. */
static void u16s(struct msg *m, uint16_t type, const uint16_t *v, size_t n)
{
	uint8_t body[1024];
	size_t i;

	if (2 * n > sizeof(body))
		abort();
	for (i = 0; i < n; i++) {
		body[2 * i] = (uint8_t)(v[i] >> 8);
		body[2 * i + 1] = (uint8_t)v[i];
	}
	raw(m, type, body, 2 * n);
}

static void u16r(struct msg *m, uint16_t type, uint16_t v)
{
	u16s(m, type, &v, 1);
}

static void eom(struct msg *m)
{
	raw(m, CRIT | NKE_END_OF_MESSAGE, NULL, 0);
}

/* The usual request up to (not including) End of Message. */
static void std_req(struct msg *m)
{
	u16r(m, CRIT | NKE_NEXT_PROTOCOL, NKE_PROTO_NTPV4);
	u16r(m, CRIT | NKE_AEAD, NKE_AEAD_SIV_CMAC_256);
}

static int req_error(const struct msg *m)
{
	struct nke_request req;

	if (nke_scan(m->b, m->len) != NKE_SCAN_COMPLETE)
		return -100;
	if (nke_parse_request(m->b, m->len, &req))
		return -101;
	return req.error;
}

static uint8_t cookie_data[NKE_MAX_COOKIES][NKE_MAX_COOKIE];

static void fill_resp(struct nke_response *r, unsigned int n, size_t clen,
		      uint16_t port, const char *server)
{
	unsigned int i;
	size_t j;

	memset(r, 0, sizeof(*r));
	r->aead = NKE_AEAD_SIV_CMAC_256;
	r->ntp_port = port;
	r->server = server;
	r->ncookies = n;
	for (i = 0; i < n && i < NKE_MAX_COOKIES; i++) {
		for (j = 0; j < clen && j < NKE_MAX_COOKIE; j++)
			cookie_data[i][j] = (uint8_t)(i * 31 + j);
		r->cookies[i] = cookie_data[i];
		r->cookie_len[i] = clen;
	}
}

static bool same(const uint8_t *a, size_t alen, const char *hex_bytes,
		 size_t blen)
{
	return alen == blen && !memcmp(a, hex_bytes, blen);
}

#define SAME(buf, len, lit) same(buf, len, lit, sizeof(lit) - 1)

/*
 * Every split point: MORE before the end, COMPLETE at it; and the same
 * from one scanner fed the message a byte at a time, as kntsd does.
 */
static bool scan_splits(const uint8_t *b, size_t len)
{
	struct nke_scanner sc = { 0 };
	size_t k;

	for (k = 0; k < len; k++)
		if (nke_scan(b, k) != NKE_SCAN_MORE ||
		    nke_scan_more(&sc, b, k) != NKE_SCAN_MORE)
			return false;
	return nke_scan(b, len) == NKE_SCAN_COMPLETE &&
	       nke_scan_more(&sc, b, len) == NKE_SCAN_COMPLETE;
}

/*
 * A request of 4-byte records arriving a byte at a time: the scanner
 * resumes at the first incomplete record, so it stands at the end of the
 * last whole one after every call, and bytes after End of Message still
 * make the message invalid.
 */
static void scan_resumes(void)
{
	struct nke_scanner sc = { 0 };
	struct msg m = { .len = 0 };
	size_t k, records;

	for (records = 0; m.len + 4 < NKE_MAX_MESSAGE - 64; records++)
		raw(&m, 0x0123, NULL, 0);
	std_req(&m);
	eom(&m);
	for (k = 0; k < m.len; k++) {
		EXPECT(nke_scan_more(&sc, m.b, k) == NKE_SCAN_MORE);
		if (k <= records * 4)
			EXPECT(sc.pos == k / 4 * 4);
	}
	EXPECT(nke_scan_more(&sc, m.b, m.len) == NKE_SCAN_COMPLETE);
	EXPECT(sc.pos == m.len && sc.ended);
	m.b[m.len] = 0;
	EXPECT(nke_scan_more(&sc, m.b, m.len + 1) == NKE_SCAN_INVALID);
	/* A shorter buffer than what was scanned is a caller's error. */
	EXPECT(nke_scan_more(&sc, m.b, 2) == NKE_SCAN_INVALID);
}

static void request_bytes(void)
{
	uint8_t out[64];
	int n;

	n = nke_build_request(out, sizeof(out), NKE_AEAD_MASK_15);
	EXPECT(n == 16);
	EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x02\x00\x00"
		    "\x80\x04\x00\x02\x00\x0f" "\x80\x00\x00\x00"));
	/* As chrony 4.4+: 30 first, then record 1024, empty, non-critical. */
	n = nke_build_request(out, sizeof(out),
			      NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30);
	EXPECT(n == 22);
	EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x02\x00\x00"
		    "\x80\x04\x00\x04\x00\x1e\x00\x0f" "\x04\x00\x00\x00"
		    "\x80\x00\x00\x00"));
	n = nke_build_request(out, sizeof(out), NKE_AEAD_MASK_30);
	EXPECT(n == 20);
	EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x02\x00\x00"
		    "\x80\x04\x00\x02\x00\x1e" "\x04\x00\x00\x00"
		    "\x80\x00\x00\x00"));
	EXPECT(nke_build_request(out, 21, NKE_AEAD_MASK_15 |
				 NKE_AEAD_MASK_30) == -1);
	EXPECT(nke_build_request(out, 22, NKE_AEAD_MASK_15 |
				 NKE_AEAD_MASK_30) == 22);
	EXPECT(nke_build_request(out, 15, NKE_AEAD_MASK_15) == -1);
	EXPECT(nke_build_request(out, 0, NKE_AEAD_MASK_15) == -1);
}

/* Our client's request, the full answer, and the client reading it. */
static void valid_request_full_response(void)
{
	static struct nke_client_result res;
	struct nke_response resp;
	struct nke_request req;
	uint8_t in[64], out[4096];
	unsigned int i;
	int n, m;

	n = nke_build_request(in, sizeof(in), NKE_AEAD_MASK_15);
	EXPECT(nke_scan(in, (size_t)n) == NKE_SCAN_COMPLETE);
	EXPECT(nke_parse_request(in, (size_t)n, &req) == 0);
	EXPECT(req.error == -1 && req.ntpv4 && req.aead15);
	EXPECT(!req.aead30 && !req.compliant_128gcm);
	EXPECT(req.naeads == 1 && req.aeads[0] == 15);

	fill_resp(&resp, 8, 100, 4123, "ntp.example.org");
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(m == 6 + 6 + 6 + 4 + 15 + 8 * 104 + 4);
	if (m < 0)
		return;
	/* Order and criticality as chrony: cookies alone non-critical. */
	EXPECT(!memcmp(out, "\x80\x01\x00\x02\x00\x00"
		       "\x80\x04\x00\x02\x00\x0f"
		       "\x80\x07\x00\x02\x10\x1b"
		       "\x80\x06\x00\x0f" "ntp.example.org"
		       "\x00\x05\x00\x64", 41));
	EXPECT(!memcmp(out + m - 4, "\x80\x00\x00\x00", 4));
	EXPECT(scan_splits(out, (size_t)m));

	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0);
	EXPECT(res.error == -1 && res.warning == -1);
	EXPECT(res.next_protocol == 0 && res.aead == 15);
	EXPECT(!res.compliant_128gcm);
	EXPECT_STR(res.server, "ntp.example.org");
	EXPECT(res.port == 4123);
	EXPECT(res.ncookies == 8);
	for (i = 0; i < 8 && i < res.ncookies; i++)
		EXPECT(res.cookie_len[i] == 100 &&
		       !memcmp(res.cookies[i], cookie_data[i], 100));

	/*
	 * The request offering AEAD 30 first (and record 1024) gets AEAD 30
	 * and record 1024 back, right after the AEAD record, non-critical.
	 */
	n = nke_build_request(in, sizeof(in),
			      NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30);
	EXPECT(nke_parse_request(in, (size_t)n, &req) == 0);
	EXPECT(req.error == -1 && req.ntpv4 && req.aead15 && req.aead30);
	EXPECT(req.compliant_128gcm);
	EXPECT(req.naeads == 2 && req.aeads[0] == 30 && req.aeads[1] == 15);
	fill_resp(&resp, 2, 64, 123, NULL);
	resp.aead = nke_select_aead(&req, NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30);
	resp.compliant_128gcm = req.compliant_128gcm;
	EXPECT(resp.aead == 30);
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(m == 6 + 6 + 4 + 2 * 68 + 4);
	EXPECT(!memcmp(out, "\x80\x01\x00\x02\x00\x00"
		       "\x80\x04\x00\x02\x00\x1e"
		       "\x04\x00\x00\x00"
		       "\x00\x05\x00\x40", 20));
	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0);
	EXPECT(res.aead == 30 && res.compliant_128gcm && res.ncookies == 2);
	EXPECT(res.cookie_len[1] == 64 &&
	       !memcmp(res.cookies[1], cookie_data[1], 64));
	/* A server that allows AEAD 15 alone answers with it. */
	resp.aead = nke_select_aead(&req, NKE_AEAD_MASK_15);
	resp.compliant_128gcm = false;
	EXPECT(resp.aead == 15);
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0);
	EXPECT(res.aead == 15 && !res.compliant_128gcm);
}

/* Port 123 and no server: neither record. */
static void default_port_no_server(void)
{
	static struct nke_client_result res;
	struct nke_request req = { .error = -1, .ntpv4 = true, .aead15 = true,
				   .aeads = { 15 }, .naeads = 1 };
	struct nke_response resp;
	uint8_t out[4096];
	int m;

	fill_resp(&resp, 8, 100, 123, NULL);
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(m == 12 + 8 * 104 + 4);
	EXPECT(!memcmp(out + 12, "\x00\x05\x00\x64", 4));
	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0);
	EXPECT(res.port == 0 && res.server[0] == '\0' && res.ncookies == 8);

	/* An empty name is no name. */
	fill_resp(&resp, 1, 100, 123, "");
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(m == 12 + 104 + 4);
}

static void error_responses(void)
{
	static struct nke_client_result res;
	struct nke_request req = { .error = NKE_ERR_BAD_REQUEST };
	struct nke_response resp;
	uint8_t out[64];
	int m;

	m = nke_build_error(out, sizeof(out), NKE_ERR_INTERNAL);
	EXPECT(SAME(out, (size_t)m, "\x80\x02\x00\x02\x00\x02\x80\x00\x00\x00"));
	EXPECT(nke_build_error(out, 9, 0) == -1);
	EXPECT(nke_build_error(out, 10, 0) == 10);

	/* resp is not looked at for an error. */
	fill_resp(&resp, 8, 100, 4123, "x");
	m = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(SAME(out, (size_t)m, "\x80\x02\x00\x02\x00\x01\x80\x00\x00\x00"));
	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0);
	EXPECT(res.error == 1 && res.next_protocol == -1 && !res.ncookies);

	req.error = NKE_ERR_UNRECOGNIZED_CRITICAL;
	m = nke_build_response(out, sizeof(out), &req, NULL);
	EXPECT(SAME(out, (size_t)m, "\x80\x02\x00\x02\x00\x00\x80\x00\x00\x00"));
	EXPECT(nke_parse_response(out, (size_t)m, &res) == 0 && !res.error);
	req.error = 0x10000;
	EXPECT(nke_build_response(out, sizeof(out), &req, NULL) == -1);
}

/* Unsupported protocol or AEAD: the empty records, then End of Message. */
static void empty_np_and_aead(void)
{
	static struct nke_client_result res;
	struct nke_request req;
	struct msg m = { .len = 0 };
	uint8_t out[64];
	int n;

	u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0x1234);
	eom(&m);
	EXPECT(req_error(&m) == -1);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(!req.ntpv4 && !req.aead15);
	n = nke_build_response(out, sizeof(out), &req, NULL);
	EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x00\x80\x00\x00\x00"));
	EXPECT(nke_parse_response(out, (size_t)n, &res) == 0);
	EXPECT(res.error == -1 && res.next_protocol == -1 && res.aead == -1);

	/* Without NTPv4 the AEAD record may be missing, or doubled. */
	m.len = 0;
	u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 1);
	u16r(&m, CRIT | NKE_AEAD, 15);
	u16r(&m, CRIT | NKE_AEAD, 15);
	eom(&m);
	EXPECT(req_error(&m) == -1);

	/*
	 * NTPv4 with only AEAD 30, to a server allowing only AEAD 15 (or
	 * chrony 4.3, which knows 15 alone): no AEAD in common.
	 */
	m.len = 0;
	u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	u16r(&m, CRIT | NKE_AEAD, 30);
	eom(&m);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(req.error == -1 && req.ntpv4 && !req.aead15 && req.aead30);
	EXPECT(nke_select_aead(&req, NKE_AEAD_MASK_15) == 0);
	n = nke_build_response(out, sizeof(out), &req, NULL);
	EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x02\x00\x00"
		    "\x80\x04\x00\x00\x80\x00\x00\x00"));
	EXPECT(nke_parse_response(out, (size_t)n, &res) == 0);
	EXPECT(res.next_protocol == 0 && res.aead == -1 && !res.ncookies);
	EXPECT(nke_build_response(out, 13, &req, NULL) == -1);
	EXPECT(nke_build_response(out, 14, &req, NULL) == 14);
	/* A response with AEAD 0 is the same empty answer. */
	{
		struct nke_response resp;

		fill_resp(&resp, 8, 100, 123, NULL);
		resp.aead = 0;
		n = nke_build_response(out, sizeof(out), &req, &resp);
		EXPECT(SAME(out, (size_t)n, "\x80\x01\x00\x02\x00\x00"
			    "\x80\x04\x00\x00\x80\x00\x00\x00"));
	}
}

static void bad_requests(void)
{
	static const uint8_t three[3], two[2];
	struct msg m;

#define CASE(want, ...)							\
	do {								\
		m.len = 0;						\
		__VA_ARGS__;						\
		eom(&m);						\
		EXPECT(req_error(&m) == (want));			\
	} while (0)

	CASE(-1, std_req(&m));
	/* Next Protocol: critical, even, not empty, exactly once. */
	CASE(1, u16r(&m, NKE_NEXT_PROTOCOL, 0);
	     u16r(&m, CRIT | NKE_AEAD, 15));
	CASE(1, raw(&m, CRIT | NKE_NEXT_PROTOCOL, NULL, 0);
	     u16r(&m, CRIT | NKE_AEAD, 15));
	CASE(1, raw(&m, CRIT | NKE_NEXT_PROTOCOL, three, 3);
	     u16r(&m, CRIT | NKE_AEAD, 15));
	CASE(1, u16r(&m, CRIT | NKE_AEAD, 15));
	CASE(1, std_req(&m); u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0));
	CASE(1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 5);
	     u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	     u16r(&m, CRIT | NKE_AEAD, 15));
	/* AEAD: even, not empty, exactly once with NTPv4; any bit. */
	CASE(-1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	     u16r(&m, NKE_AEAD, 15));
	CASE(1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	     raw(&m, CRIT | NKE_AEAD, NULL, 0));
	CASE(1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	     raw(&m, NKE_AEAD, three, 3));
	CASE(1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0));
	CASE(1, std_req(&m); u16r(&m, CRIT | NKE_AEAD, 15));
	/* A malformed AEAD record is refused even without NTPv4. */
	CASE(1, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 1);
	     raw(&m, CRIT | NKE_AEAD, NULL, 0));
	/* Error, Warning, Cookie: the client has no business with them. */
	CASE(1, std_req(&m); u16r(&m, CRIT | NKE_ERROR, 0));
	CASE(1, std_req(&m); u16r(&m, NKE_ERROR, 0));
	CASE(1, std_req(&m); u16r(&m, CRIT | NKE_WARNING, 0));
	CASE(1, std_req(&m); u16r(&m, NKE_WARNING, 0));
	CASE(1, std_req(&m); raw(&m, NKE_COOKIE, two, 2));
	CASE(1, std_req(&m); raw(&m, CRIT | NKE_COOKIE, NULL, 0));
	/* Server and Port negotiation are unknown to chrony's server. */
	CASE(0, std_req(&m); raw(&m, CRIT | NKE_NTPV4_SERVER, "a", 1));
	CASE(0, std_req(&m); u16r(&m, CRIT | NKE_NTPV4_PORT, 123));
	CASE(-1, std_req(&m); raw(&m, NKE_NTPV4_SERVER, "a", 1);
	     u16r(&m, NKE_NTPV4_PORT, 123));
	/* Unknown: critical is error 0, else ignored. */
	CASE(0, std_req(&m); raw(&m, CRIT | 0x4000, NULL, 0));
	CASE(0, raw(&m, CRIT | 8, NULL, 0); std_req(&m));
	/* Record 1024 (chrony's): empty, critical or not; else refused. */
	CASE(-1, std_req(&m); raw(&m, CRIT | NKE_COMPLIANT_128GCM, NULL, 0));
	CASE(-1, std_req(&m); raw(&m, NKE_COMPLIANT_128GCM, NULL, 0));
	CASE(1, std_req(&m); raw(&m, NKE_COMPLIANT_128GCM, two, 2));
	CASE(1, std_req(&m); raw(&m, CRIT | NKE_COMPLIANT_128GCM, two, 2));
	CASE(1, raw(&m, NKE_COMPLIANT_128GCM, three, 3); std_req(&m));
	CASE(-1, std_req(&m); raw(&m, 0x7fff, three, 3);
	     raw(&m, 8, NULL, 0));
	CASE(-1, raw(&m, 0x1234, three, 3); std_req(&m));
	/* The first error wins, the rest is not read. */
	CASE(0, raw(&m, CRIT | 9, NULL, 0); raw(&m, NKE_COOKIE, two, 2));
	CASE(1, raw(&m, NKE_COOKIE, two, 2); raw(&m, CRIT | 9, NULL, 0));
	CASE(0, raw(&m, CRIT | 9, NULL, 0));
	/* Nothing at all. */
	CASE(1, (void)0);
#undef CASE
}

static void noncritical_ignored(void)
{
	static const uint8_t junk[600];
	struct nke_request req;
	struct msg m = { .len = 0 };

	raw(&m, 0x0100, junk, 5);
	std_req(&m);
	raw(&m, NKE_COMPLIANT_128GCM, NULL, 0);
	raw(&m, 0x7ffe, junk, sizeof(junk));
	eom(&m);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_COMPLETE);
	EXPECT(nke_parse_request(m.b, m.len, &req) == 0);
	EXPECT(req.error == -1 && req.ntpv4 && req.aead15);
	EXPECT(req.compliant_128gcm && !req.aead30);

	m.len = 0;
	std_req(&m);
	eom(&m);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(!req.compliant_128gcm);
}

/* Only the first 256 bytes of a body hold values, as chrony reads them. */
static void long_bodies(void)
{
	struct nke_request req;
	struct msg m = { .len = 0 };
	uint16_t v[200];
	size_t i;

	/* NTPv4 as value 128 (bytes 256..257): not seen; no AEAD needed. */
	for (i = 0; i < 200; i++)
		v[i] = 0x1000;
	v[128] = 0;
	u16s(&m, CRIT | NKE_NEXT_PROTOCOL, v, 200);
	eom(&m);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(req.error == -1 && !req.ntpv4);

	/* As value 127 it is. */
	m.len = 0;
	v[127] = 0;
	u16s(&m, CRIT | NKE_NEXT_PROTOCOL, v, 200);
	for (i = 0; i < 200; i++)
		v[i] = 1;
	v[128] = 15;
	v[140] = 30;
	u16s(&m, CRIT | NKE_AEAD, v, 200);
	eom(&m);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(req.error == -1 && req.ntpv4 && !req.aead15 && !req.aead30);

	m.len = 0;
	v[128] = 1;
	v[140] = 1;
	v[0] = 30;
	v[127] = 15;
	u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	u16s(&m, CRIT | NKE_AEAD, v, 200);
	eom(&m);
	nke_parse_request(m.b, m.len, &req);
	EXPECT(req.error == -1 && req.aead15 && req.aead30);

	/* An odd long body is still refused. */
	m.len = 0;
	u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0);
	raw(&m, CRIT | NKE_AEAD, v, 301);
	eom(&m);
	EXPECT(req_error(&m) == 1);
}

static void scan_splits_all(void)
{
	struct nke_request req = { .error = -1, .ntpv4 = true, .aead15 = true,
				   .aeads = { 15 }, .naeads = 1 };
	struct nke_response resp;
	static const uint8_t junk[300];
	struct msg m = { .len = 0 };
	uint8_t out[4096];
	size_t k, j;
	int n;

	n = nke_build_request(out, sizeof(out),
			      NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30);
	EXPECT(scan_splits(out, (size_t)n));
	fill_resp(&resp, 8, 256, 4123, "ntp.example.org");
	n = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(n > 0 && scan_splits(out, (size_t)n));

	/* A long unknown body scans, and is never read past its end. */
	raw(&m, 0x0123, junk, sizeof(junk));
	std_req(&m);
	eom(&m);
	EXPECT(scan_splits(m.b, m.len));

	/* Anything after End of Message, whole or partial: invalid. */
	for (j = 1; j <= 8; j++) {
		memset(m.b + m.len, 0x80, j);
		EXPECT(nke_scan(m.b, m.len + j) == NKE_SCAN_INVALID);
	}
	memcpy(m.b + m.len, "\x80\x00\x00\x00", 4);
	EXPECT(nke_scan(m.b, m.len + 4) == NKE_SCAN_INVALID);
	memcpy(m.b + m.len, "\x00\x05\x00\x00", 4);
	EXPECT(nke_scan(m.b, m.len + 4) == NKE_SCAN_INVALID);

	/* End of Message must be critical and empty. */
	m.len = 0;
	std_req(&m);
	k = m.len;
	raw(&m, NKE_END_OF_MESSAGE, NULL, 0);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(m.b, m.len - 1) == NKE_SCAN_MORE);
	m.len = k;
	raw(&m, CRIT | NKE_END_OF_MESSAGE, "\0\0", 2);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(m.b, m.len - 1) == NKE_SCAN_MORE);
	/* A lone End of Message is a message (the parser refuses it). */
	m.len = 0;
	eom(&m);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_COMPLETE);
	EXPECT(req_error(&m) == 1);
	EXPECT(nke_scan(m.b, 0) == NKE_SCAN_MORE);
	EXPECT(nke_scan(NULL, 0) == NKE_SCAN_MORE);
}

/* chrony's 16384-byte receive buffer. */
static void max_sizes(void)
{
	static uint8_t big[NKE_MAX_MESSAGE + 8];
	static struct msg m;
	struct nke_request req;
	size_t pad;

	/* A request of exactly NKE_MAX_MESSAGE bytes. */
	m.len = 0;
	std_req(&m);
	pad = NKE_MAX_MESSAGE - m.len - 4 - 4;
	raw(&m, 0x0042, big, pad);
	eom(&m);
	EXPECT(m.len == NKE_MAX_MESSAGE);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_COMPLETE);
	EXPECT(nke_parse_request(m.b, m.len, &req) == 0 && req.error == -1);
	EXPECT(nke_scan(m.b, m.len - 1) == NKE_SCAN_MORE);
	EXPECT(nke_scan(m.b, m.len - 4) == NKE_SCAN_MORE);

	/* Full buffer, no End of Message: it can never end. */
	m.b[m.len - 3] = 0x01;	/* End of Message -> Next Protocol, 0 bytes */
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(m.b, m.len - 4) == NKE_SCAN_MORE);
	m.b[m.len - 3] = 0x00;
	m.len = 0;
	std_req(&m);
	raw(&m, 0x0042, big, NKE_MAX_MESSAGE - m.len);
	EXPECT(nke_scan(m.b, NKE_MAX_MESSAGE) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(m.b, NKE_MAX_MESSAGE - 1) == NKE_SCAN_MORE);
	/* More than the buffer: invalid whatever it holds. */
	m.len = 0;
	std_req(&m);
	pad = NKE_MAX_MESSAGE + 1 - m.len - 4 - 4;
	raw(&m, 0x0042, big, pad);
	eom(&m);
	EXPECT(nke_scan(m.b, m.len) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(big, NKE_MAX_MESSAGE + 1) == NKE_SCAN_INVALID);
	/* Four zero bytes: an End of Message without the critical bit. */
	EXPECT(nke_scan(big, 4) == NKE_SCAN_INVALID);
	EXPECT(nke_scan(big, 3) == NKE_SCAN_MORE);
}

/* Server name 255, cookies of 256, eight of them: the largest response. */
static void build_limits(void)
{
	static struct nke_client_result res;
	struct nke_request req = { .error = -1, .ntpv4 = true, .aead15 = true,
				   .aeads = { 15 }, .naeads = 1 };
	struct nke_response resp;
	char name[NKE_MAX_SERVER_NAME + 2];
	uint8_t out[4096];
	size_t need, cap;
	int n;

	memset(name, 'n', sizeof(name));
	name[NKE_MAX_SERVER_NAME] = '\0';
	fill_resp(&resp, 8, NKE_MAX_COOKIE, 1, name);
	need = 6 + 6 + 6 + 4 + 255 + 8 * (4 + 256) + 4;
	n = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(n == (int)need);
	EXPECT(nke_parse_response(out, need, &res) == 0);
	EXPECT(strlen(res.server) == 255 && res.port == 1);
	EXPECT(res.ncookies == 8 && res.cookie_len[7] == 256 &&
	       !memcmp(res.cookies[7], cookie_data[7], 256));
	for (cap = 0; cap < need; cap++)
		if (nke_build_response(out, cap, &req, &resp) != -1)
			break;
	EXPECT(cap == need);
	EXPECT(nke_build_response(out, need, &req, &resp) == (int)need);

	name[NKE_MAX_SERVER_NAME] = 'n';
	name[NKE_MAX_SERVER_NAME + 1] = '\0';
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == -1);
	resp.server = NULL;
	resp.cookie_len[3] = NKE_MAX_COOKIE + 1;
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == -1);
	resp.cookie_len[3] = NKE_MAX_COOKIE;
	resp.ncookies = NKE_MAX_COOKIES + 1;
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == -1);
	resp.ncookies = 0;
	n = nke_build_response(out, sizeof(out), &req, &resp);
	EXPECT(n == 12 + 6 + 4);
	/* No response: no AEAD agreed, the empty AEAD record. */
	EXPECT(nke_build_response(out, sizeof(out), &req, NULL) == 14);
	/* An AEAD knts does not serve, record 1024 without AEAD 30. */
	resp.aead = 16;
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == -1);
	resp.aead = NKE_AEAD_SIV_CMAC_256;
	resp.compliant_128gcm = true;
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == -1);
	resp.aead = NKE_AEAD_GCM_SIV_128;
	EXPECT(nke_build_response(out, sizeof(out), &req, &resp) == 12 + 4 +
	       6 + 4);
	/* Record 1024's four bytes count against the buffer too. */
	EXPECT(nke_build_response(out, 12 + 4 + 6 + 3, &req, &resp) == -1);
}

/* The client side's checks. */
static void client_parse(void)
{
	static struct nke_client_result res;
	static const uint8_t big[300];
	static uint8_t ck[NKE_MAX_COOKIES + 2][8];
	struct msg m;
	unsigned int i;

#define RESP(want, ...)							\
	do {								\
		m.len = 0;						\
		__VA_ARGS__;						\
		eom(&m);						\
		EXPECT(nke_parse_response(m.b, m.len, &res) == (want)); \
	} while (0)

	RESP(0, std_req(&m); raw(&m, NKE_COOKIE, "abcd", 4));
	EXPECT(res.ncookies == 1 && res.next_protocol == 0 && res.aead == 15);
	/* Any values go back to the caller to judge. */
	RESP(0, u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 7);
	     u16r(&m, CRIT | NKE_AEAD, 30));
	EXPECT(res.next_protocol == 7 && res.aead == 30);
	RESP(-1, u16r(&m, NKE_NEXT_PROTOCOL, 0));
	RESP(-1, raw(&m, CRIT | NKE_NEXT_PROTOCOL, "\0\0\0\x0f", 4));
	RESP(-1, raw(&m, CRIT | NKE_NEXT_PROTOCOL, "\0", 1));
	RESP(-1, raw(&m, CRIT | NKE_AEAD, "\0\0\0\x0f", 4));
	RESP(-1, std_req(&m); u16r(&m, CRIT | NKE_NEXT_PROTOCOL, 0));
	RESP(-1, std_req(&m); u16r(&m, CRIT | NKE_AEAD, 15));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_SERVER, "a", 1);
	     raw(&m, CRIT | NKE_NTPV4_SERVER, "a", 1));
	RESP(-1, u16r(&m, CRIT | NKE_NTPV4_PORT, 1);
	     u16r(&m, CRIT | NKE_NTPV4_PORT, 1));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_PORT, "\0\0\1", 3));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_SERVER, NULL, 0));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_SERVER, "a b", 3));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_SERVER, "a\x7f", 2));
	RESP(-1, raw(&m, CRIT | NKE_NTPV4_SERVER, big, 256));
	RESP(0, raw(&m, CRIT | NKE_NTPV4_SERVER, "[::1]", 5));
	EXPECT_STR(res.server, "[::1]");
	/* Record 1024: empty, critical or not; nothing else. */
	RESP(0, std_req(&m); raw(&m, CRIT | 0x0400, NULL, 0));
	EXPECT(res.compliant_128gcm);
	RESP(0, std_req(&m); raw(&m, 0x0400, NULL, 0));
	EXPECT(res.compliant_128gcm);
	RESP(0, std_req(&m));
	EXPECT(!res.compliant_128gcm);
	RESP(-1, std_req(&m); raw(&m, 0x0400, "\0\0", 2));
	RESP(-1, std_req(&m); raw(&m, CRIT | 0x0400, "\0\0\0\x1e", 4));
	/* Bodies chrony cannot hold: skipped unless critical. */
	RESP(0, std_req(&m); raw(&m, NKE_NTPV4_SERVER, big, 300));
	EXPECT(res.server[0] == '\0');
	RESP(-1, std_req(&m); raw(&m, CRIT | NKE_NTPV4_SERVER, big, 300));
	RESP(-1, std_req(&m); raw(&m, CRIT | NKE_COOKIE, big, 257));
	RESP(0, std_req(&m); raw(&m, NKE_COOKIE, big, 257));
	EXPECT(res.ncookies == 0);
	/* Error: its code, nothing after it looked at. */
	RESP(0, raw(&m, CRIT | NKE_ERROR, "\0\1", 2);
	     raw(&m, CRIT | 0x0999, NULL, 0));
	EXPECT(res.error == 1 && res.next_protocol == -1);
	RESP(-1, raw(&m, CRIT | NKE_ERROR, "\1", 1));
	/* Warning: noted, the rest read. */
	RESP(0, raw(&m, CRIT | NKE_WARNING, "\x12\x34", 2); std_req(&m));
	EXPECT(res.warning == 0x1234 && res.error == -1 && res.aead == 15);
	RESP(-1, raw(&m, CRIT | NKE_WARNING, NULL, 0));
	/* Cookies: 1..256 bytes in fours, eight kept, the rest dropped. */
	RESP(0, std_req(&m);
	     for (i = 0; i < NKE_MAX_COOKIES + 2; i++) {
		     memset(ck[i], (int)i + 1, 8);
		     raw(&m, NKE_COOKIE, ck[i], 8);
	     });
	EXPECT(res.ncookies == NKE_MAX_COOKIES);
	EXPECT(res.cookie_len[7] == 8 && res.cookies[7][0] == 8);
	RESP(0, raw(&m, NKE_COOKIE, NULL, 0); raw(&m, NKE_COOKIE, big, 6);
	     raw(&m, NKE_COOKIE, "wxyz", 4));
	EXPECT(res.ncookies == 1 && !memcmp(res.cookies[0], "wxyz", 4));
#undef RESP

	/* It must end with End of Message, and nothing after it. */
	m.len = 0;
	std_req(&m);
	EXPECT(nke_parse_response(m.b, m.len, &res) == -1);
	eom(&m);
	EXPECT(nke_parse_response(m.b, m.len, &res) == 0);
	m.b[m.len] = 0;
	EXPECT(nke_parse_response(m.b, m.len + 1, &res) == -1);
	EXPECT(nke_parse_response(m.b, 0, &res) == -1);
	EXPECT(res.error == -1 && res.next_protocol == -1 && !res.ncookies);
}

/* The server picks the first of the client's AEADs that it allows. */
static void aead_selection(void)
{
	static const struct {
		uint16_t offer[4];
		unsigned int n, naeads;
		uint16_t first, second;
	} cases[] = {
		{ { 30, 15 }, 2, 2, 30, 15 },
		{ { 15, 30 }, 2, 2, 15, 30 },
		{ { 30 }, 1, 1, 30, 0 },
		{ { 15 }, 1, 1, 15, 0 },
		/* Duplicates count once, unknown ids not at all. */
		{ { 15, 15, 30 }, 3, 2, 15, 30 },
		{ { 30, 30, 30 }, 3, 1, 30, 0 },
		{ { 7, 30, 16, 15 }, 4, 2, 30, 15 },
		{ { 1, 2 }, 2, 0, 0, 0 },
	};
	struct nke_request req;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msg m = { .len = 0 };
		uint16_t first = cases[i].first, second = cases[i].second;
		bool has15 = first == 15 || second == 15;
		bool has30 = first == 30 || second == 30;

		u16r(&m, CRIT | NKE_NEXT_PROTOCOL, NKE_PROTO_NTPV4);
		u16s(&m, CRIT | NKE_AEAD, cases[i].offer, cases[i].n);
		eom(&m);
		EXPECT(nke_parse_request(m.b, m.len, &req) == 0);
		EXPECT(req.error == -1);
		EXPECT(req.naeads == cases[i].naeads);
		EXPECT(req.aead15 == has15 && req.aead30 == has30);
		if (req.naeads >= 1)
			EXPECT(req.aeads[0] == first);
		if (req.naeads == 2)
			EXPECT(req.aeads[1] == second);
		/* Both allowed: the client's order decides. */
		EXPECT(nke_select_aead(&req, NKE_AEAD_MASK_15 |
				       NKE_AEAD_MASK_30) == first);
		/* One allowed: that one, when offered. */
		EXPECT(nke_select_aead(&req, NKE_AEAD_MASK_15) ==
		       (has15 ? 15 : 0));
		EXPECT(nke_select_aead(&req, NKE_AEAD_MASK_30) ==
		       (has30 ? 30 : 0));
		EXPECT(nke_select_aead(&req, 0) == 0);
	}
	EXPECT(nke_aead_mask(15) == NKE_AEAD_MASK_15);
	EXPECT(nke_aead_mask(30) == NKE_AEAD_MASK_30);
	EXPECT(nke_aead_mask(16) == 0 && nke_aead_mask(0) == 0);
	EXPECT(nke_aead_mask(31) == 0);
}

/*
 * The exporter's AEAD id: 30 only when record 1024 went both ways
 * (chrony 4.4 to 4.6 used 15's context for AEAD 30 sessions).
 */
static void exporter_aead(void)
{
	uint8_t ctx[5];

	EXPECT(nke_exporter_aead(NKE_AEAD_GCM_SIV_128, true) == 30);
	EXPECT(nke_exporter_aead(NKE_AEAD_GCM_SIV_128, false) == 15);
	EXPECT(nke_exporter_aead(NKE_AEAD_SIV_CMAC_256, true) == 15);
	EXPECT(nke_exporter_aead(NKE_AEAD_SIV_CMAC_256, false) == 15);
	nke_exporter_context(ctx, nke_exporter_aead(30, false), 1);
	EXPECT(!memcmp(ctx, "\x00\x00\x00\x0f\x01", 5));
	nke_exporter_context(ctx, nke_exporter_aead(30, true), 0);
	EXPECT(!memcmp(ctx, "\x00\x00\x00\x1e\x00", 5));
}

static void exporter_context(void)
{
	uint8_t ctx[5];

	nke_exporter_context(ctx, NKE_AEAD_SIV_CMAC_256, 0);
	EXPECT(!memcmp(ctx, "\x00\x00\x00\x0f\x00", 5));
	nke_exporter_context(ctx, NKE_AEAD_SIV_CMAC_256, 1);
	EXPECT(!memcmp(ctx, "\x00\x00\x00\x0f\x01", 5));
	nke_exporter_context(ctx, NKE_AEAD_GCM_SIV_128, 7);
	EXPECT(!memcmp(ctx, "\x00\x00\x00\x1e\x01", 5));
	nke_exporter_context(ctx, 0xabcd, 0);
	EXPECT(!memcmp(ctx, "\x00\x00\xab\xcd\x00", 5));
}

int main(void)
{
	unit_file = "ntske";
	RUN(request_bytes);
	RUN(valid_request_full_response);
	RUN(default_port_no_server);
	RUN(error_responses);
	RUN(empty_np_and_aead);
	RUN(bad_requests);
	RUN(noncritical_ignored);
	RUN(long_bodies);
	RUN(scan_splits_all);
	RUN(scan_resumes);
	RUN(max_sizes);
	RUN(build_limits);
	RUN(client_parse);
	RUN(aead_selection);
	RUN(exporter_context);
	RUN(exporter_aead);
	return unit_any_failed;
}
