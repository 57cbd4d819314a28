/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: NTP mode 3 requests and mode 4 replies with NTS (RFC 8915).
 * Plain C shared by the module and userspace; works on flat buffers.
 */
#ifndef _KNTS_NTS_H
#define _KNTS_NTS_H

#include "cookie.h"
#include "ntp.h"

/**
 * struct knts_req - a parsed request; pointers are into the packet buffer
 * @pkt: the request (writable: the authenticator is decrypted in place)
 * @len: its length
 * @version: NTP version, 1..4
 * @nts: NTS extension fields present (else a plain NTP request)
 * @uid: unique identifier EF body
 * @uid_len: its length
 * @cookie: NTS cookie EF body
 * @cookie_len: its length
 * @placeholders: cookie placeholders outside the authenticator
 * @auth_off: offset of the authenticator EF, the length of the AD
 * @nonce: authenticator nonce
 * @nonce_len: its length
 * @nonce_area: the nonce and its additional padding
 * @ct: authenticator ciphertext (AEAD 15: tag first, AEAD 30: tag last)
 * @ct_len: its length
 * @cookies_wanted: set by knts_nts_verify(): cookies the reply carries
 */
struct knts_req {
	u8 *pkt;
	unsigned int len;
	u8 version;
	bool nts;
	const u8 *uid;
	unsigned int uid_len;
	const u8 *cookie;
	unsigned int cookie_len;
	unsigned int placeholders;
	unsigned int auth_off;
	const u8 *nonce;
	unsigned int nonce_len;
	unsigned int nonce_area;
	u8 *ct;
	unsigned int ct_len;
	unsigned int cookies_wanted;
};

/**
 * struct knts_resp - an NTS reply being built
 * @buf: the reply
 * @len: its final length (never more than the request's)
 * @auth_off: offset of the authenticator EF
 * @nonce_off: offset of the nonce in it
 * @nonce_len: its length, the session AEAD's (16 or 12)
 * @ct_off: offset of the sealed output (tag and ciphertext)
 * @pt_len: length of the encrypted EFs (the fresh cookies)
 * @cookies: number of fresh cookies
 */
struct knts_resp {
	u8 *buf;
	unsigned int len;
	unsigned int auth_off;
	unsigned int nonce_off;
	unsigned int nonce_len;
	unsigned int ct_off;
	unsigned int pt_len;
	unsigned int cookies;
};

/**
 * struct knts_auth - the body of an NTS Authenticator EF (RFC 8915 5.6)
 * @nonce: nonce
 * @nonce_len: its length
 * @ct: tag and ciphertext
 * @ct_len: their length
 * @nonce_area: bytes for the nonce and additional padding
 */
struct knts_auth {
	u8 *nonce;
	unsigned int nonce_len;
	u8 *ct;
	unsigned int ct_len;
	unsigned int nonce_area;
};

int knts_auth_parse(u8 *body, unsigned int blen, struct knts_auth *a);
int knts_ef_next(const u8 *p, unsigned int len, unsigned int *off,
		 unsigned int min, u16 *type, unsigned int *eflen);
int knts_ntp_parse(u8 *pkt, unsigned int len, struct knts_req *req);
int knts_nts_verify(struct knts_req *req, const struct knts_aead *c2s,
		    bool simd);

void knts_ntp_fill_header(u8 *out, const struct knts_req *req,
			  const struct knts_time_params *tp, u64 rx_ts);
unsigned int knts_ntp_build_plain(u8 *out, const struct knts_req *req,
				  const struct knts_time_params *tp,
				  u64 rx_ts, u64 tx_ts);
unsigned int knts_ntp_build_kod(u8 *out, const struct knts_req *req,
				const struct knts_time_params *tp, u32 kiss,
				u64 rx_ts, u64 tx_ts);

unsigned int knts_nts_reply_cookies(const struct knts_req *req,
				    unsigned int master_alg,
				    unsigned int keys_len);
int knts_nts_reply_begin(struct knts_resp *r, u8 *out,
			 const struct knts_req *req,
			 const struct knts_time_params *tp, u64 rx_ts,
			 const struct knts_aead *master, u32 key_id,
			 const u8 *keys, unsigned int keys_len, bool simd);
int knts_nts_reply_seal(struct knts_resp *r, const struct knts_aead *s2c,
			const u8 *s2c_key, u64 tx_ts, bool simd);

/**
 * knts_nts_cookie_fits() - whether a master key may seal the fresh cookies
 * @req: a verified request
 * @master_alg: the master key's AEAD
 * @keys_len: length of the session's C2S || S2C
 *
 * A reply is never longer than its request, so fresh cookies longer than
 * the request's own (an AEAD 15 key's 100 bytes for a 96-byte AEAD 30
 * cookie) would not fit; the caller seals them under the key that opened
 * the request instead.
 *
 * Return: true when the cookies are no longer than the request's cookie.
 */
static inline bool knts_nts_cookie_fits(const struct knts_req *req,
					unsigned int master_alg,
					unsigned int keys_len)
{
	return knts_cookie_len(master_alg, keys_len) <= req->cookie_len;
}

static inline void knts_ntp_set_tx(u8 *out, u64 tx_ts)
{
	put_unaligned_be64(tx_ts, out + KNTS_NTP_OFF_TX_TS);
}

#endif /* _KNTS_NTS_H */
