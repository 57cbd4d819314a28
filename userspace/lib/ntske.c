// SPDX-License-Identifier: GPL-2.0
/*
 * NTS Key Establishment records (RFC 8915 section 4), the way chrony 4.3's
 * server reads and writes them: a record is a big-endian u16 type (bit 15
 * critical), a u16 body length and the body.  Bodies longer than
 * NKE_MAX_RECORD_BODY are skipped over whole but only their first
 * NKE_MAX_RECORD_BODY bytes are looked at, as chrony truncates them on read.
 * Nothing here allocates; every length is checked before the bytes behind
 * it are read or written.
 */
#include <string.h>

#include "ntske.h"

#define NKE_HDR_LEN	4
#define NKE_NTP_PORT	123

struct nke_record {
	bool critical;
	uint16_t type;		/* without the critical bit */
	const uint8_t *body;
	size_t len;		/* the whole body, maybe > NKE_MAX_RECORD_BODY */
};

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The record at *pos when it lies wholly within len: fills rec, advances
 * *pos past it and returns true.  False when the header or the body is
 * incomplete (*pos unchanged).
 */
static bool next_record(const uint8_t *buf, size_t len, size_t *pos,
			struct nke_record *rec)
{
	size_t left, blen;
	uint16_t type;

	if (*pos > len)
		return false;
	left = len - *pos;
	if (left < NKE_HDR_LEN)
		return false;
	type = get_be16(buf + *pos);
	blen = get_be16(buf + *pos + 2);
	if (left - NKE_HDR_LEN < blen)
		return false;

	rec->critical = type & NKE_CRITICAL;
	rec->type = (uint16_t)(type & ~NKE_CRITICAL);
	rec->body = buf + *pos + NKE_HDR_LEN;
	rec->len = blen;
	*pos += NKE_HDR_LEN + blen;
	return true;
}

/* The number of 16-bit values in the part of a body chrony reads. */
static size_t nvalues(const struct nke_record *rec)
{
	size_t n = rec->len < NKE_MAX_RECORD_BODY ? rec->len :
						     NKE_MAX_RECORD_BODY;

	return n / 2;
}

enum nke_scan nke_scan_more(struct nke_scanner *sc, const uint8_t *buf,
			    size_t len)
{
	struct nke_record rec;
	size_t pos = sc->pos;

	if (len > NKE_MAX_MESSAGE || len < sc->pos)
		return NKE_SCAN_INVALID;

	while (pos < len) {
		/* Nothing may follow End of Message, not even a part. */
		if (sc->ended)
			return NKE_SCAN_INVALID;
		if (!next_record(buf, len, &pos, &rec))
			return len >= NKE_MAX_MESSAGE ? NKE_SCAN_INVALID :
							NKE_SCAN_MORE;
		sc->pos = pos;
		if (rec.type == NKE_END_OF_MESSAGE) {
			if (!rec.critical || rec.len)
				return NKE_SCAN_INVALID;
			sc->ended = true;
		}
	}
	if (sc->ended)
		return NKE_SCAN_COMPLETE;
	/* chrony's buffer is full: no End of Message can come. */
	return len >= NKE_MAX_MESSAGE ? NKE_SCAN_INVALID : NKE_SCAN_MORE;
}

enum nke_scan nke_scan(const uint8_t *buf, size_t len)
{
	struct nke_scanner sc = { 0 };

	return nke_scan_more(&sc, buf, len);
}

int nke_parse_request(const uint8_t *buf, size_t len, struct nke_request *req)
{
	unsigned int np_records = 0, aead_records = 0;
	size_t np_values = 0, aead_values = 0, i, n;
	struct nke_record rec;
	size_t pos = 0;
	uint16_t v;

	memset(req, 0, sizeof(*req));
	req->error = -1;

	/* Up to End of Message or the first error, as chrony. */
	while (req->error < 0 && next_record(buf, len, &pos, &rec)) {
		switch (rec.type) {
		case NKE_END_OF_MESSAGE:
			goto done;
		case NKE_NEXT_PROTOCOL:
			if (!rec.critical || rec.len < 2 || rec.len % 2) {
				req->error = NKE_ERR_BAD_REQUEST;
				break;
			}
			np_records++;
			n = nvalues(&rec);
			for (i = 0; i < n; i++) {
				np_values++;
				if (get_be16(rec.body + 2 * i) == NKE_PROTO_NTPV4)
					req->ntpv4 = true;
			}
			break;
		case NKE_AEAD:
			if (rec.len < 2 || rec.len % 2) {
				req->error = NKE_ERR_BAD_REQUEST;
				break;
			}
			aead_records++;
			n = nvalues(&rec);
			for (i = 0; i < n; i++) {
				aead_values++;
				v = get_be16(rec.body + 2 * i);
				if (v == NKE_AEAD_SIV_CMAC_256 && !req->aead15)
					req->aead15 = true;
				else if (v == NKE_AEAD_GCM_SIV_128 &&
					 !req->aead30)
					req->aead30 = true;
				else
					continue;
				req->aeads[req->naeads++] = v;
			}
			break;
		case NKE_ERROR:
		case NKE_WARNING:
		case NKE_COOKIE:
			req->error = NKE_ERR_BAD_REQUEST;
			break;
		case NKE_COMPLIANT_128GCM:
			/* chrony: empty, critical or not. */
			if (rec.len)
				req->error = NKE_ERR_BAD_REQUEST;
			else
				req->compliant_128gcm = true;
			break;
		default:
			if (rec.critical)
				req->error = NKE_ERR_UNRECOGNIZED_CRITICAL;
			break;
		}
	}
done:
	if (req->error < 0 &&
	    (np_records != 1 || np_values < 1 ||
	     (req->ntpv4 && (aead_records != 1 || aead_values < 1))))
		req->error = NKE_ERR_BAD_REQUEST;
	return 0;
}

/* The bit of an AEAD in a mask of them; 0 for one knts does not serve. */
unsigned int nke_aead_mask(uint16_t aead)
{
	return aead == NKE_AEAD_SIV_CMAC_256 ? NKE_AEAD_MASK_15 :
	       aead == NKE_AEAD_GCM_SIV_128 ? NKE_AEAD_MASK_30 : 0;
}

/*
 * The server's choice: the first algorithm of the client's list that the
 * server allows (chrony's rule: the client's order, not the server's).
 * Returns 0 when there is none.
 */
uint16_t nke_select_aead(const struct nke_request *req, unsigned int allowed)
{
	unsigned int i;

	for (i = 0; i < req->naeads; i++)
		if (nke_aead_mask(req->aeads[i]) & allowed)
			return req->aeads[i];
	return 0;
}

/*
 * The AEAD id the exporter context carries (RFC 8915 5.1).  chrony 4.4 to
 * 4.6 wrote 15 there for AEAD 30 sessions too; the fix, with record 1024
 * ("compliant AES-128-GCM-SIV exporter context"), writes 30 only when both
 * sides said so with that record, and so do knts's server and client.
 */
uint16_t nke_exporter_aead(uint16_t aead, bool compliant_128gcm)
{
	if (aead == NKE_AEAD_GCM_SIV_128 && !compliant_128gcm)
		return NKE_AEAD_SIV_CMAC_256;
	return aead;
}

/* Building: out/cap/len with len never past cap. */
struct nke_out {
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool failed;
};

static void add_record(struct nke_out *o, bool critical, uint16_t type,
		       const void *body, size_t blen)
{
	if (o->failed || type & NKE_CRITICAL || blen > 0xffff ||
	    o->cap - o->len < NKE_HDR_LEN ||
	    o->cap - o->len - NKE_HDR_LEN < blen) {
		o->failed = true;
		return;
	}
	put_be16(o->buf + o->len, (uint16_t)(type | (critical ? NKE_CRITICAL : 0)));
	put_be16(o->buf + o->len + 2, (uint16_t)blen);
	if (blen)
		memcpy(o->buf + o->len + NKE_HDR_LEN, body, blen);
	o->len += NKE_HDR_LEN + blen;
}

static void add_u16(struct nke_out *o, bool critical, uint16_t type,
		    uint16_t v)
{
	uint8_t b[2];

	put_be16(b, v);
	add_record(o, critical, type, b, sizeof(b));
}

static void out_init(struct nke_out *o, uint8_t *out, size_t cap)
{
	o->buf = out;
	o->cap = cap < NKE_MAX_MESSAGE ? cap : NKE_MAX_MESSAGE;
	o->len = 0;
	o->failed = !out;
}

static int out_end(struct nke_out *o)
{
	add_record(o, true, NKE_END_OF_MESSAGE, NULL, 0);
	return o->failed ? -1 : (int)o->len;
}

int nke_build_error(uint8_t *out, size_t cap, uint16_t code)
{
	struct nke_out o;

	out_init(&o, out, cap);
	add_u16(&o, true, NKE_ERROR, code);
	return out_end(&o);
}

int nke_build_response(uint8_t *out, size_t cap, const struct nke_request *req,
		       const struct nke_response *resp)
{
	size_t server_len = 0;
	struct nke_out o;
	unsigned int i;

	if (!req)
		return -1;
	if (req->error >= 0)
		return req->error > 0xffff ? -1 :
		       nke_build_error(out, cap, (uint16_t)req->error);

	out_init(&o, out, cap);
	if (!req->ntpv4) {
		add_record(&o, true, NKE_NEXT_PROTOCOL, NULL, 0);
		return out_end(&o);
	}
	if (!resp || !resp->aead) {
		add_u16(&o, true, NKE_NEXT_PROTOCOL, NKE_PROTO_NTPV4);
		add_record(&o, true, NKE_AEAD, NULL, 0);
		return out_end(&o);
	}

	if (resp->ncookies > NKE_MAX_COOKIES || !nke_aead_mask(resp->aead) ||
	    (resp->compliant_128gcm && resp->aead != NKE_AEAD_GCM_SIV_128))
		return -1;
	if (resp->server) {
		server_len = strnlen(resp->server, NKE_MAX_SERVER_NAME + 1);
		if (server_len > NKE_MAX_SERVER_NAME)
			return -1;
	}
	for (i = 0; i < resp->ncookies; i++)
		if (resp->cookie_len[i] > NKE_MAX_COOKIE ||
		    (resp->cookie_len[i] && !resp->cookies[i]))
			return -1;

	add_u16(&o, true, NKE_NEXT_PROTOCOL, NKE_PROTO_NTPV4);
	add_u16(&o, true, NKE_AEAD, resp->aead);
	if (resp->compliant_128gcm)
		add_record(&o, false, NKE_COMPLIANT_128GCM, NULL, 0);
	if (resp->ntp_port != NKE_NTP_PORT)
		add_u16(&o, true, NKE_NTPV4_PORT, resp->ntp_port);
	if (server_len)
		add_record(&o, true, NKE_NTPV4_SERVER, resp->server,
			   server_len);
	for (i = 0; i < resp->ncookies; i++)
		add_record(&o, false, NKE_COOKIE, resp->cookies[i],
			   resp->cookie_len[i]);
	return out_end(&o);
}

/* A client's request offering @aeads (NKE_AEAD_MASK_*), 30 first. */
int nke_build_request(uint8_t *out, size_t cap, unsigned int aeads)
{
	bool offer_aead30 = aeads & NKE_AEAD_MASK_30;
	uint8_t aead[4];
	struct nke_out o;
	size_t n = 0;

	if (!(aeads & (NKE_AEAD_MASK_15 | NKE_AEAD_MASK_30)))
		return -1;	/* an empty AEAD record is a bad request */

	if (offer_aead30) {
		put_be16(aead, NKE_AEAD_GCM_SIV_128);
		n += 2;
	}
	if (aeads & NKE_AEAD_MASK_15) {
		put_be16(aead + n, NKE_AEAD_SIV_CMAC_256);
		n += 2;
	}

	out_init(&o, out, cap);
	add_u16(&o, true, NKE_NEXT_PROTOCOL, NKE_PROTO_NTPV4);
	add_record(&o, true, NKE_AEAD, aead, n);
	/* As chrony's client: 30 offered, the compliant context asked for. */
	if (offer_aead30)
		add_record(&o, false, NKE_COMPLIANT_128GCM, NULL, 0);
	return out_end(&o);
}

static bool printable(const uint8_t *s, size_t len)
{
	size_t i;

	/* isgraph() in the C locale, as chrony checks the name. */
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

int nke_parse_response(const uint8_t *buf, size_t len,
		       struct nke_client_result *res)
{
	bool have_np = false, have_aead = false, have_server = false;
	bool have_port = false;
	struct nke_record rec;
	size_t pos = 0;
	unsigned int n;

	memset(res, 0, sizeof(*res));
	res->error = -1;
	res->warning = -1;
	res->next_protocol = -1;
	res->aead = -1;

	if (!buf || nke_scan(buf, len) != NKE_SCAN_COMPLETE)
		return -1;

	while (next_record(buf, len, &pos, &rec)) {
		if (rec.type == NKE_END_OF_MESSAGE)
			return 0;

		/* chrony's client skips what it cannot read whole. */
		if (rec.len > NKE_MAX_RECORD_BODY) {
			if (rec.critical)
				return -1;
			continue;
		}

		switch (rec.type) {
		case NKE_NEXT_PROTOCOL:
			/* Empty: the server supports none we offered. */
			if (!rec.critical || have_np ||
			    (rec.len != 0 && rec.len != 2))
				return -1;
			have_np = true;
			if (rec.len)
				res->next_protocol = get_be16(rec.body);
			break;
		case NKE_AEAD:
			if (have_aead || (rec.len != 0 && rec.len != 2))
				return -1;
			have_aead = true;
			if (rec.len)
				res->aead = get_be16(rec.body);
			break;
		case NKE_ERROR:
			if (rec.len != 2)
				return -1;
			res->error = get_be16(rec.body);
			return 0;
		case NKE_WARNING:
			if (rec.len != 2)
				return -1;
			res->warning = get_be16(rec.body);
			break;
		case NKE_COOKIE:
			/* Bad or surplus cookies are dropped, as chrony. */
			n = res->ncookies;
			if (rec.len < 1 || rec.len > NKE_MAX_COOKIE ||
			    rec.len % 4 || n >= NKE_MAX_COOKIES)
				break;
			memcpy(res->cookies[n], rec.body, rec.len);
			res->cookie_len[n] = rec.len;
			res->ncookies = n + 1;
			break;
		case NKE_NTPV4_SERVER:
			if (have_server || rec.len < 1 ||
			    rec.len > NKE_MAX_SERVER_NAME ||
			    !printable(rec.body, rec.len))
				return -1;
			have_server = true;
			memcpy(res->server, rec.body, rec.len);
			res->server[rec.len] = '\0';
			break;
		case NKE_NTPV4_PORT:
			if (have_port || rec.len != 2)
				return -1;
			have_port = true;
			res->port = get_be16(rec.body);
			break;
		case NKE_COMPLIANT_128GCM:
			if (rec.len)
				return -1;
			res->compliant_128gcm = true;
			break;
		default:
			if (rec.critical)
				return -1;
			break;
		}
	}
	/* nke_scan() said End of Message ends it: not reached. */
	return -1;
}

void nke_exporter_context(uint8_t ctx[5], uint16_t aead, int s2c)
{
	ctx[0] = 0x00;
	ctx[1] = 0x00;
	ctx[2] = (uint8_t)(aead >> 8);
	ctx[3] = (uint8_t)aead;
	ctx[4] = s2c ? 1 : 0;
}
