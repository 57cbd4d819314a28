/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS Key Establishment records (RFC 8915 section 4): parsing a client's
 * request and building the server's response, and the client side of the
 * same (for kntsctl query).  Plain C, no I/O: the TLS layer hands in the
 * bytes it read and sends the bytes built here.
 */
#ifndef KNTS_NTSKE_H
#define KNTS_NTSKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NKE_ALPN		"ntske/1"
#define NKE_EXPORTER_LABEL	"EXPORTER-network-time-security"
#define NKE_PORT		4460

#define NKE_CRITICAL		0x8000
#define NKE_END_OF_MESSAGE	0
#define NKE_NEXT_PROTOCOL	1
#define NKE_ERROR		2
#define NKE_WARNING		3
#define NKE_AEAD		4
#define NKE_COOKIE		5
#define NKE_NTPV4_SERVER	6
#define NKE_NTPV4_PORT		7
#define NKE_COMPLIANT_128GCM	1024	/* chrony's, empty, non-critical */

#define NKE_PROTO_NTPV4		0
#define NKE_AEAD_SIV_CMAC_256	15
#define NKE_AEAD_GCM_SIV_128	30

#define NKE_ERR_UNRECOGNIZED_CRITICAL	0
#define NKE_ERR_BAD_REQUEST		1
#define NKE_ERR_INTERNAL		2

/* chrony's limits (nts_ke.h). */
#define NKE_MAX_MESSAGE		16384
#define NKE_MAX_RECORD_BODY	256
#define NKE_MAX_COOKIE		256
#define NKE_MAX_COOKIES		8
#define NKE_MAX_SERVER_NAME	255

/* Outcome of scanning the bytes received so far. */
enum nke_scan {
	NKE_SCAN_MORE,		/* no End of Message yet: read more */
	NKE_SCAN_COMPLETE,	/* a whole message, End of Message last */
	NKE_SCAN_INVALID,	/* can never become valid: close */
};

/*
 * Where a scan of a growing buffer stopped: the first record not yet
 * complete, and whether End of Message was seen.  Zeroed for a new message;
 * each call looks only at records it has not seen, so a message that
 * arrives a byte at a time costs linear time, not quadratic.
 */
struct nke_scanner {
	size_t pos;
	bool ended;
};

enum nke_scan nke_scan_more(struct nke_scanner *sc, const uint8_t *buf,
			    size_t len);
enum nke_scan nke_scan(const uint8_t *buf, size_t len);

/*
 * A client's request, as the server sees it.  error is -1 when the request
 * is acceptable, else the NKE_ERR_* code the response must carry (chrony's
 * rules: critical Next Protocol exactly once with at least one value,
 * exactly one AEAD record with at least one value when NTPv4 was offered,
 * no Error/Warning/Cookie records, unknown critical records refused,
 * unknown non-critical ones ignored).
 */
struct nke_request {
	int error;
	bool ntpv4;		/* NTPv4 (0) among the next protocols */
	bool aead15;		/* AEAD 15 among the algorithms */
	bool aead30;		/* AEAD 30 among the algorithms */
	bool compliant_128gcm;	/* record 1024 present */
	uint16_t aeads[2];	/* 15 and 30 in the client's order */
	unsigned int naeads;
};

/* Parses a complete message (nke_scan() said COMPLETE). Returns 0. */
int nke_parse_request(const uint8_t *buf, size_t len, struct nke_request *req);

/* Masks of AEAD algorithms, for the server's choice. */
#define NKE_AEAD_MASK_15	1u
#define NKE_AEAD_MASK_30	2u

unsigned int nke_aead_mask(uint16_t aead);
uint16_t nke_select_aead(const struct nke_request *req, unsigned int allowed);
uint16_t nke_exporter_aead(uint16_t aead, bool compliant_128gcm);

/*
 * Server response for a request.  With req->error >= 0: that Error record
 * and End of Message.  Without NTPv4: an empty Next Protocol record.
 * Without an AEAD (resp NULL or resp->aead 0): Next Protocol and an empty
 * AEAD record.  Otherwise Next Protocol (0), AEAD (resp->aead), record 1024
 * when resp->compliant_128gcm, NTPv4 Port when ntp_port != 123, NTPv4
 * Server when server is set, the cookies, End of Message.
 * Returns the length, or -1 when cap is too small or an argument is out of
 * range (server name longer than 255, cookie longer than 256, more than 8).
 */
struct nke_response {
	uint16_t aead;
	bool compliant_128gcm;
	uint16_t ntp_port;
	const char *server;
	const uint8_t *cookies[NKE_MAX_COOKIES];
	size_t cookie_len[NKE_MAX_COOKIES];
	unsigned int ncookies;
};

int nke_build_response(uint8_t *out, size_t cap, const struct nke_request *req,
		       const struct nke_response *resp);
int nke_build_error(uint8_t *out, size_t cap, uint16_t code);

/* The client side. */
int nke_build_request(uint8_t *out, size_t cap, unsigned int aeads);

struct nke_client_result {
	int error;			/* Error record code, -1 none */
	int warning;			/* Warning record code, -1 none */
	int next_protocol;		/* -1 when none was agreed */
	int aead;			/* -1 when none was agreed */
	bool compliant_128gcm;		/* record 1024 came back */
	char server[NKE_MAX_SERVER_NAME + 1];	/* "" = same host */
	uint16_t port;			/* 0 = default */
	unsigned int ncookies;
	uint8_t cookies[NKE_MAX_COOKIES][NKE_MAX_COOKIE];
	size_t cookie_len[NKE_MAX_COOKIES];
};

/* Parses a complete server response; returns 0 or -1 (malformed). */
int nke_parse_response(const uint8_t *buf, size_t len,
		       struct nke_client_result *res);

/* The exporter context of RFC 8915 5.1: protocol, AEAD, 0 (C2S) / 1 (S2C). */
void nke_exporter_context(uint8_t ctx[5], uint16_t aead, int s2c);

#endif /* KNTS_NTSKE_H */
