// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the client side of NTS-protected NTP (RFC 8915 section 5.7).
 */

#include "nts_client.h"

static unsigned int put_ef(u8 *p, u16 type, const u8 *body, unsigned int len)
{
	put_unaligned_be16(type, p);
	put_unaligned_be16(KNTS_EF_HDR_LEN + len, p + 2);
	if (body)
		memcpy(p + KNTS_EF_HDR_LEN, body, len);
	else
		memset(p + KNTS_EF_HDR_LEN, 0, len);
	return KNTS_EF_HDR_LEN + len;
}

/**
 * knts_client_request() - build an NTS mode 3 request
 * @out: buffer; linear memory (not the stack in the kernel)
 * @cap: its size
 * @uid: unique identifier (at least 32 bytes, multiple of 4)
 * @uid_len: its length
 * @cookie: a cookie from NTS-KE or a previous reply
 * @cookie_len: its length (multiple of 4)
 * @placeholders: cookie placeholders to add
 * @c2s: the session's AEAD keyed with its C2S key
 * @nonce: knts_aead_nonce_len() bytes: 16 for AEAD 15, 12 for AEAD 30
 *	(chrony's client sends the same, without padding)
 * @tx_ts: transmit timestamp (T1), echoed by the server as origin
 *
 * Return: the request's length, or a negative errno.
 */
int knts_client_request(u8 *out, unsigned int cap, const u8 *uid,
			unsigned int uid_len, const u8 *cookie,
			unsigned int cookie_len, unsigned int placeholders,
			const struct knts_aead *c2s, const u8 *nonce, u64 tx_ts)
{
	unsigned int off, i, need, nlen = knts_aead_nonce_len(c2s->alg);
	bool simd;
	int err;

	if (uid_len % 4 || cookie_len % 4 || uid_len < KNTS_UID_MIN_LEN)
		return -EINVAL;
	need = KNTS_NTP_HDR_LEN + KNTS_EF_HDR_LEN + uid_len +
	       (1 + placeholders) * (KNTS_EF_HDR_LEN + cookie_len) +
	       KNTS_EF_HDR_LEN + 4 + nlen + KNTS_AEAD_TAG_LEN;
	if (need > cap)
		return -EMSGSIZE;

	memset(out, 0, KNTS_NTP_HDR_LEN);
	out[KNTS_NTP_OFF_LVM] = 4 << 3 | KNTS_NTP_MODE_CLIENT;
	put_unaligned_be64(tx_ts, out + KNTS_NTP_OFF_TX_TS);
	off = KNTS_NTP_HDR_LEN;
	off += put_ef(out + off, KNTS_EF_UNIQUE_ID, uid, uid_len);
	off += put_ef(out + off, KNTS_EF_COOKIE, cookie, cookie_len);
	for (i = 0; i < placeholders; i++)
		off += put_ef(out + off, KNTS_EF_PLACEHOLDER, NULL, cookie_len);

	put_unaligned_be16(KNTS_EF_AUTH, out + off);
	put_unaligned_be16(KNTS_EF_HDR_LEN + 4 + nlen + KNTS_AEAD_TAG_LEN,
			   out + off + 2);
	put_unaligned_be16(nlen, out + off + 4);
	put_unaligned_be16(KNTS_AEAD_TAG_LEN, out + off + 6);
	memcpy(out + off + 8, nonce, nlen);
	simd = knts_siv_begin();
	err = knts_aead_seal(c2s, simd, out + off + 8, nlen, out, off,
			     out + off + 8 + nlen, 0);
	knts_siv_end(simd);
	if (err)
		return err;
	return (int)need;
}

/* Walks the reply's EFs: the unique id must match, the authenticator last. */
static int client_find_auth(const u8 *pkt, unsigned int len, const u8 *uid,
			    unsigned int uid_len, unsigned int *auth_off,
			    bool *uid_ok)
{
	unsigned int off = KNTS_NTP_HDR_LEN, start, eflen;
	u16 type;
	int r;

	*auth_off = 0;
	*uid_ok = false;
	for (start = off; (r = knts_ef_next(pkt, len, &off, KNTS_EF_MIN_LEN,
					    &type, &eflen)) > 0; start = off) {
		if (type == KNTS_EF_UNIQUE_ID &&
		    eflen - KNTS_EF_HDR_LEN == uid_len &&
		    !memcmp(pkt + start + KNTS_EF_HDR_LEN, uid, uid_len))
			*uid_ok = true;
		if (type == KNTS_EF_AUTH) {
			if (off != len)
				return -EBADMSG;
			*auth_off = start;
		}
	}
	return r;
}

/**
 * knts_client_reply() - check an NTS reply and collect its cookies
 * @pkt: the reply (decrypted in place)
 * @len: its length
 * @uid: the request's unique identifier
 * @uid_len: its length
 * @tx_ts: the request's transmit timestamp
 * @s2c: the session's AEAD keyed with its S2C key
 * @out: what the reply said
 *
 * A NAK (kiss code NTSN with the unique identifier) is reported in @out
 * and returns 0: it is unauthenticated by design.
 *
 * Return: 0; -EBADMSG for a reply that is malformed or does not match the
 * request; -EPERM when its authenticator does not verify.
 */
int knts_client_reply(u8 *pkt, unsigned int len, const u8 *uid,
		      unsigned int uid_len, u64 tx_ts,
		      const struct knts_aead *s2c,
		      struct knts_client_reply *out)
{
	unsigned int auth_off, blen, clen, off = 0, eflen;
	struct knts_auth a;
	bool uid_ok, simd;
	int err, r;
	u16 type;
	u8 *pt;

	memset(out, 0, sizeof(*out));
	if (len < KNTS_NTP_HDR_LEN || len % 4 ||
	    (pkt[KNTS_NTP_OFF_LVM] & 7) != KNTS_NTP_MODE_SERVER)
		return -EBADMSG;
	out->leap = pkt[KNTS_NTP_OFF_LVM] >> 6;
	out->stratum = pkt[KNTS_NTP_OFF_STRATUM];
	out->refid = get_unaligned_be32(pkt + KNTS_NTP_OFF_REFID);
	out->origin_ts = get_unaligned_be64(pkt + KNTS_NTP_OFF_ORIGIN_TS);
	out->rx_ts = get_unaligned_be64(pkt + KNTS_NTP_OFF_RX_TS);
	out->tx_ts = get_unaligned_be64(pkt + KNTS_NTP_OFF_TX_TS);
	if (out->origin_ts != tx_ts)
		return -EBADMSG;
	err = client_find_auth(pkt, len, uid, uid_len, &auth_off, &uid_ok);
	if (err || !uid_ok)
		return -EBADMSG;
	if (out->stratum == 0 && out->refid == KNTS_KISS_NTSN) {
		out->nak = true;
		return auth_off ? -EBADMSG : 0;
	}
	if (!auth_off)
		return -EPERM;

	blen = get_unaligned_be16(pkt + auth_off + 2) - KNTS_EF_HDR_LEN;
	if (knts_auth_parse(pkt + auth_off + KNTS_EF_HDR_LEN, blen, &a))
		return -EBADMSG;
	pt = a.ct + knts_aead_pt_off(s2c->alg);
	clen = a.ct_len - KNTS_AEAD_TAG_LEN;
	simd = knts_siv_begin();
	err = knts_aead_open(s2c, simd, a.nonce, a.nonce_len, pkt, auth_off,
			     a.ct, pt, a.ct_len);
	knts_siv_end(simd);
	if (err)
		return -EPERM;

	while ((r = knts_ef_next(pt, clen, &off, KNTS_EF_HDR_LEN, &type,
				 &eflen)) > 0) {
		if (type != KNTS_EF_COOKIE)
			continue;
		if (out->cookies == KNTS_MAX_COOKIES)
			return -EBADMSG;
		out->cookie[out->cookies] = pt + off - eflen + KNTS_EF_HDR_LEN;
		out->cookie_len[out->cookies++] = eflen - KNTS_EF_HDR_LEN;
	}
	return r;
}
