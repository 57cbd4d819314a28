// SPDX-License-Identifier: GPL-2.0
/*
 * knts: NTP mode 3 requests and mode 4 replies with NTS (RFC 8915).
 *
 * Every length is checked before it is used; the parser accepts the
 * extension fields in any order RFC 8915 allows and is stricter than the
 * RFC's "SHOULD" where that loses nothing: exactly one unique identifier (at
 * least 32 bytes), one cookie and one authenticator, which comes last
 * (unauthenticated fields after it are dropped with the request, as chrony
 * does), and placeholders the length of the cookie.  Unknown fields are
 * ignored (and authenticated as part of the associated data when they
 * precede the authenticator).
 *
 * Replies are never longer than their request (RFC 8915 section 5.7): the
 * authenticator carries zero padding up to the request's length, and fewer
 * cookies are sent when they would not fit.
 */

#include "nts.h"

static unsigned int ntp_mode(const u8 *pkt)
{
	return pkt[KNTS_NTP_OFF_LVM] & 7;
}

static unsigned int ntp_version(const u8 *pkt)
{
	return (pkt[KNTS_NTP_OFF_LVM] >> 3) & 7;
}

/**
 * knts_auth_parse() - the fields of an authenticator EF body
 * @body: the body (after the EF header)
 * @blen: its length
 * @a: out
 *
 * Checks the nonce and ciphertext lengths against the body; the N_REQ
 * padding rule is the caller's (servers enforce it, replies need none).
 *
 * Return: 0 or -EBADMSG.
 */
int knts_auth_parse(u8 *body, unsigned int blen, struct knts_auth *a)
{
	unsigned int nlen, clen;

	if (blen < 4)
		return -EBADMSG;
	nlen = get_unaligned_be16(body);
	clen = get_unaligned_be16(body + 2);
	if (!nlen || clen < KNTS_AEAD_TAG_LEN ||
	    4 + knts_pad4(nlen) + knts_pad4(clen) > blen)
		return -EBADMSG;
	a->nonce = body + 4;
	a->nonce_len = nlen;
	a->ct = body + 4 + knts_pad4(nlen);
	a->ct_len = clen;
	a->nonce_area = blen - 4 - knts_pad4(clen);
	return 0;
}

/**
 * knts_ef_next() - the next extension field of a run
 * @p: the run
 * @len: its length
 * @off: in: where the field starts; out: where the next one does
 * @min: smallest field length allowed (16 in a packet, 4 encrypted)
 * @type: out, the field type
 * @eflen: out, the field length
 *
 * Return: 1 with a field, 0 at the end of the run, -EBADMSG when the
 * field does not fit or its length is not a multiple of 4.
 */
int knts_ef_next(const u8 *p, unsigned int len, unsigned int *off,
		 unsigned int min, u16 *type, unsigned int *eflen)
{
	unsigned int left = len - *off;

	if (*off >= len)
		return 0;
	if (left < KNTS_EF_HDR_LEN)
		return -EBADMSG;
	*type = get_unaligned_be16(p + *off);
	*eflen = get_unaligned_be16(p + *off + 2);
	if (*eflen < min || *eflen % 4 || *eflen > left)
		return -EBADMSG;
	*off += *eflen;
	return 1;
}

/* The authenticator EF: nonce, ciphertext and the N_REQ padding. */
static int nts_parse_auth(struct knts_req *req, unsigned int off,
			  unsigned int eflen)
{
	struct knts_auth a;

	if (knts_auth_parse(req->pkt + off + KNTS_EF_HDR_LEN,
			    eflen - KNTS_EF_HDR_LEN, &a))
		return -EBADMSG;
	/*
	 * RFC 8915 5.6: a nonce shorter than N_REQ (16) needs additional
	 * padding to make up the difference, or to the AEAD's own nonce
	 * length when that is shorter (12 for AEAD 30, as chrony reads it);
	 * the session's AEAD is known once the cookie is open, and
	 * knts_nts_verify() checks the rest.
	 */
	if (a.nonce_area < KNTS_GCMSIV_NONCE_LEN)
		return -EBADMSG;
	req->auth_off = off;
	req->nonce = a.nonce;
	req->nonce_len = a.nonce_len;
	req->nonce_area = a.nonce_area;
	req->ct = a.ct;
	req->ct_len = a.ct_len;
	return 0;
}

/**
 * knts_ntp_parse() - parse a request
 * @pkt: the datagram's payload
 * @len: its length
 * @req: out
 *
 * Return: 0 when @req is a request to answer (plain NTP or NTS, see
 * @req->nts); -EMSGSIZE for a bad length, -EPROTO for anything but a client
 * (mode 3) request, -EBADMSG for a malformed header or extension fields.
 */
int knts_ntp_parse(u8 *pkt, unsigned int len, struct knts_req *req)
{
	unsigned int off, eflen, type, ph_len = 0;
	bool has_auth = false, has_mac = false;
	int err;

	memset(req, 0, sizeof(*req));
	req->pkt = pkt;
	req->len = len;
	if (len < KNTS_NTP_HDR_LEN || len > KNTS_NTP_MAX_LEN || len % 4)
		return -EMSGSIZE;
	if (ntp_mode(pkt) != KNTS_NTP_MODE_CLIENT)
		return -EPROTO;
	req->version = ntp_version(pkt);
	if (req->version < 1 || req->version > KNTS_NTP_VERSION_MAX)
		return -EBADMSG;
	if (len == KNTS_NTP_HDR_LEN)
		return 0;
	/* Before NTPv4 anything after the header is a MAC: not served. */
	if (req->version < 4)
		return -EBADMSG;

	for (off = KNTS_NTP_HDR_LEN; off < len; off += eflen) {
		unsigned int left = len - off;

		if (has_auth)
			return -EBADMSG;	/* nothing after the authenticator */
		if (left < KNTS_EF_LAST_MIN_LEN) {
			/* A legacy MAC (20 or 24 bytes): symmetric keys. */
			has_mac = true;
			break;
		}
		type = get_unaligned_be16(pkt + off);
		eflen = get_unaligned_be16(pkt + off + 2);
		if (eflen < KNTS_EF_MIN_LEN || eflen % 4 || eflen > left)
			return -EBADMSG;

		switch (type) {
		case KNTS_EF_UNIQUE_ID:
			if (req->uid || eflen - KNTS_EF_HDR_LEN < KNTS_UID_MIN_LEN)
				return -EBADMSG;
			req->uid = pkt + off + KNTS_EF_HDR_LEN;
			req->uid_len = eflen - KNTS_EF_HDR_LEN;
			req->nts = true;
			break;
		case KNTS_EF_COOKIE:
			if (req->cookie)
				return -EBADMSG;
			req->cookie = pkt + off + KNTS_EF_HDR_LEN;
			req->cookie_len = eflen - KNTS_EF_HDR_LEN;
			req->nts = true;
			break;
		case KNTS_EF_PLACEHOLDER:
			if (ph_len && ph_len != eflen - KNTS_EF_HDR_LEN)
				return -EBADMSG;
			ph_len = eflen - KNTS_EF_HDR_LEN;
			req->placeholders++;
			req->nts = true;
			break;
		case KNTS_EF_AUTH:
			err = nts_parse_auth(req, off, eflen);
			if (err)
				return err;
			has_auth = true;
			req->nts = true;
			break;
		default:
			break;	/* RFC 7822: ignore what we do not know */
		}
	}

	if (has_mac) {
		/* 20 or 24 bytes is a MAC; any other remainder is garbage. */
		if (len - off != 20 && len - off != 24)
			return -EBADMSG;
		/* NTS and a MAC never go together; keyed NTP is not served. */
		return -EBADMSG;
	}
	if (!req->nts)
		return 0;
	/* An NTS request has exactly one of each, the authenticator last. */
	if (!req->uid || !req->cookie || !has_auth)
		return -EBADMSG;
	/* RFC 8915 5.5: placeholders are exactly as long as the cookie. */
	if (req->placeholders && ph_len != req->cookie_len)
		return -EBADMSG;
	return 0;
}

/* Counts authenticated placeholders among the decrypted EFs. */
static int nts_parse_inner(struct knts_req *req, const u8 *pt,
			   unsigned int len, unsigned int *placeholders)
{
	unsigned int off = 0, eflen;
	u16 type;
	int r;

	*placeholders = 0;
	/* RFC 8915 5.6: encrypted EFs may be short, 4-byte aligned. */
	while ((r = knts_ef_next(pt, len, &off, KNTS_EF_HDR_LEN, &type,
				 &eflen)) > 0) {
		if (type == KNTS_EF_PLACEHOLDER) {
			if (eflen - KNTS_EF_HDR_LEN != req->cookie_len)
				return -EBADMSG;
			(*placeholders)++;
		}
	}
	return r;
}

/**
 * knts_nts_verify() - authenticate a parsed NTS request
 * @req: parsed by knts_ntp_parse(), with @req->nts set
 * @c2s: the session's AEAD keyed with the C2S key from the cookie
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * Decrypts the authenticator in place, checks the tag over the header and
 * the extension fields before it, and counts the cookies the reply owes.
 *
 * Return: 0; -EBADMSG when the tag does not verify, or the nonce is not
 * one the session's AEAD takes (answer with a NAK); -EINVAL when the
 * authenticated content or the nonce's padding is malformed (drop).
 */
int knts_nts_verify(struct knts_req *req, const struct knts_aead *c2s,
		    bool simd)
{
	unsigned int inner, off = knts_aead_pt_off(c2s->alg);
	int err;

	/* N_REQ (16), or the AEAD's nonce length when that is less. */
	if (req->nonce_area < knts_aead_nonce_len(c2s->alg))
		return -EINVAL;
	err = knts_aead_open(c2s, simd, req->nonce, req->nonce_len, req->pkt,
			     req->auth_off, req->ct, req->ct + off,
			     req->ct_len);
	if (err)
		return err;
	if (nts_parse_inner(req, req->ct + off,
			    req->ct_len - KNTS_AEAD_TAG_LEN, &inner))
		return -EINVAL;
	req->cookies_wanted = min(KNTS_MAX_COOKIES,
				  1 + req->placeholders + inner);
	return 0;
}

/**
 * knts_ntp_fill_header() - the mode 4 header for a request
 * @out: %KNTS_NTP_HDR_LEN bytes
 * @req: the request
 * @tp: the clock's state to announce
 * @rx_ts: T2, NTP timestamp format
 *
 * The transmit timestamp is left zero: knts_ntp_set_tx() writes it last.
 */
void knts_ntp_fill_header(u8 *out, const struct knts_req *req,
			  const struct knts_time_params *tp, u64 rx_ts)
{
	/* Stratum 16 (unsynchronised) goes on the wire as 0, as chrony does. */
	u8 stratum = tp->stratum >= KNTS_STRATUM_UNSYNC ? 0 : tp->stratum;

	out[KNTS_NTP_OFF_LVM] = (u8)(tp->leap << 6 | req->version << 3 |
				     KNTS_NTP_MODE_SERVER);
	out[KNTS_NTP_OFF_STRATUM] = stratum;
	out[KNTS_NTP_OFF_POLL] = req->pkt[KNTS_NTP_OFF_POLL];
	out[KNTS_NTP_OFF_PRECISION] = (u8)tp->precision;
	put_unaligned_be32(tp->root_delay, out + KNTS_NTP_OFF_ROOT_DELAY);
	put_unaligned_be32(tp->root_disp, out + KNTS_NTP_OFF_ROOT_DISP);
	put_unaligned_be32(tp->refid, out + KNTS_NTP_OFF_REFID);
	put_unaligned_be64(tp->ref_time, out + KNTS_NTP_OFF_REF_TS);
	memcpy(out + KNTS_NTP_OFF_ORIGIN_TS, req->pkt + KNTS_NTP_OFF_TX_TS, 8);
	put_unaligned_be64(rx_ts, out + KNTS_NTP_OFF_RX_TS);
	put_unaligned_be64(0, out + KNTS_NTP_OFF_TX_TS);
}

/**
 * knts_ntp_build_plain() - an unauthenticated reply
 * @out: at least %KNTS_NTP_HDR_LEN bytes
 * @req: the request
 * @tp: the clock's state
 * @rx_ts: T2
 * @tx_ts: T3
 *
 * Return: the reply's length.
 */
unsigned int knts_ntp_build_plain(u8 *out, const struct knts_req *req,
				  const struct knts_time_params *tp,
				  u64 rx_ts, u64 tx_ts)
{
	knts_ntp_fill_header(out, req, tp, rx_ts);
	knts_ntp_set_tx(out, tx_ts);
	return KNTS_NTP_HDR_LEN;
}

/**
 * knts_ntp_build_kod() - a kiss-o'-death reply (NTSN or RATE)
 * @out: room for the header and, for an NTS request, its unique id EF
 * @req: the request
 * @tp: the clock's state (poll, precision, root values are kept)
 * @kiss: kiss code, e.g. %KNTS_KISS_NTSN
 * @rx_ts: T2
 * @tx_ts: T3
 *
 * Leap 3, stratum 0, the kiss code as reference id; an NTS request's unique
 * identifier is echoed so that the client can match the NAK (RFC 8915 5.7),
 * and nothing else is added: no cookie, no authenticator.
 *
 * Return: the reply's length, never more than the request's.
 */
unsigned int knts_ntp_build_kod(u8 *out, const struct knts_req *req,
				const struct knts_time_params *tp, u32 kiss,
				u64 rx_ts, u64 tx_ts)
{
	unsigned int len = KNTS_NTP_HDR_LEN;

	knts_ntp_fill_header(out, req, tp, rx_ts);
	out[KNTS_NTP_OFF_LVM] = (u8)(KNTS_LEAP_UNSYNC << 6 | req->version << 3 |
				     KNTS_NTP_MODE_SERVER);
	out[KNTS_NTP_OFF_STRATUM] = 0;
	put_unaligned_be32(kiss, out + KNTS_NTP_OFF_REFID);
	knts_ntp_set_tx(out, tx_ts);
	if (req->uid) {
		put_unaligned_be16(KNTS_EF_UNIQUE_ID, out + len);
		put_unaligned_be16(KNTS_EF_HDR_LEN + req->uid_len, out + len + 2);
		memcpy(out + len + KNTS_EF_HDR_LEN, req->uid, req->uid_len);
		len += KNTS_EF_HDR_LEN + req->uid_len;
	}
	return len;
}

/*
 * Length of an NTS reply with n cookies, before padding: the reply's nonce
 * is the session AEAD's, the cookies are sealed under the master key.
 */
static unsigned int nts_reply_len(const struct knts_req *req, unsigned int n,
				  unsigned int master_alg,
				  unsigned int keys_len)
{
	unsigned int alg = knts_session_alg(keys_len);

	return KNTS_NTP_HDR_LEN + KNTS_EF_HDR_LEN + req->uid_len +
	       KNTS_EF_HDR_LEN + 4 + knts_aead_nonce_len(alg) +
	       KNTS_AEAD_TAG_LEN +
	       n * (KNTS_EF_HDR_LEN + knts_cookie_len(master_alg, keys_len));
}

/**
 * knts_nts_reply_cookies() - how many fresh cookies the reply can carry
 * @req: a verified request
 * @master_alg: AEAD of the master key that will seal them
 * @keys_len: length of the session's C2S || S2C
 *
 * What the client asked for (one plus its placeholders, at most
 * %KNTS_MAX_COOKIES), less whatever would make the reply longer than the
 * request.
 *
 * Return: the number of cookies; 0 when not even the bare reply fits.
 */
unsigned int knts_nts_reply_cookies(const struct knts_req *req,
				    unsigned int master_alg,
				    unsigned int keys_len)
{
	unsigned int n = req->cookies_wanted;

	while (n > 0 && nts_reply_len(req, n, master_alg, keys_len) > req->len)
		n--;
	return n;
}

/**
 * knts_nts_reply_begin() - lay out an NTS reply and seal its fresh cookies
 * @r: out
 * @out: the reply buffer, @req->len bytes, linear memory (not the stack)
 * @req: a verified request
 * @tp: the clock's state
 * @rx_ts: T2
 * @master: the master key to seal the fresh cookies with, keyed
 * @key_id: its id
 * @keys: C2S || S2C of the session
 * @keys_len: their length: 64 for an AEAD 15 session, 32 for AEAD 30
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * Writes the header (transmit timestamp still zero), the echoed unique
 * identifier, and the authenticator EF with the fresh cookies in plaintext,
 * each already sealed under @master.  knts_nts_reply_seal() finishes it.
 *
 * Return: 0, -EMSGSIZE when no reply fits in the request's length, or a
 * negative errno from the cipher.
 */
int knts_nts_reply_begin(struct knts_resp *r, u8 *out,
			 const struct knts_req *req,
			 const struct knts_time_params *tp, u64 rx_ts,
			 const struct knts_aead *master, u32 key_id,
			 const u8 *keys, unsigned int keys_len, bool simd)
{
	unsigned int i, off, clen, cnlen, n, alg = knts_session_alg(keys_len);
	/* The reply's nonce, then each cookie's: one draw per reply. */
	u8 rnd[KNTS_NONCE_LEN + KNTS_MAX_COOKIES * KNTS_COOKIE_NONCE_LEN];
	u8 *pt;
	int err;

	if (!alg)
		return -EINVAL;
	n = knts_nts_reply_cookies(req, master->alg, keys_len);
	if (nts_reply_len(req, n, master->alg, keys_len) > req->len)
		return -EMSGSIZE;
	clen = knts_cookie_len(master->alg, keys_len);
	cnlen = knts_aead_nonce_len(master->alg);
	memset(r, 0, sizeof(*r));
	r->buf = out;
	r->len = req->len;
	r->cookies = n;
	r->nonce_len = knts_aead_nonce_len(alg);
	r->pt_len = n * (KNTS_EF_HDR_LEN + clen);

	knts_ntp_fill_header(out, req, tp, rx_ts);
	off = KNTS_NTP_HDR_LEN;
	put_unaligned_be16(KNTS_EF_UNIQUE_ID, out + off);
	put_unaligned_be16(KNTS_EF_HDR_LEN + req->uid_len, out + off + 2);
	memcpy(out + off + KNTS_EF_HDR_LEN, req->uid, req->uid_len);
	off += KNTS_EF_HDR_LEN + req->uid_len;

	/* The authenticator fills the rest; its tail is zero padding. */
	r->auth_off = off;
	put_unaligned_be16(KNTS_EF_AUTH, out + off);
	put_unaligned_be16(r->len - off, out + off + 2);
	put_unaligned_be16(r->nonce_len, out + off + 4);
	put_unaligned_be16(KNTS_AEAD_TAG_LEN + r->pt_len, out + off + 6);
	r->nonce_off = off + 8;
	knts_nonce_bytes(rnd, r->nonce_len + n * cnlen, simd);
	memcpy(out + r->nonce_off, rnd, r->nonce_len);
	r->ct_off = r->nonce_off + r->nonce_len;
	/* The cookies go where the session's AEAD wants its plaintext. */
	pt = out + r->ct_off + knts_aead_pt_off(alg);
	off = r->ct_off + KNTS_AEAD_TAG_LEN + r->pt_len;
	memset(out + off, 0, r->len - off);

	for (i = 0, off = 0; i < n; i++, off += KNTS_EF_HDR_LEN + clen) {
		u8 *cookie = pt + off + KNTS_EF_HDR_LEN;

		put_unaligned_be16(KNTS_EF_COOKIE, pt + off);
		put_unaligned_be16(KNTS_EF_HDR_LEN + clen, pt + off + 2);
		memcpy(cookie + knts_cookie_keys_off(master->alg), keys,
		       keys_len);
		err = knts_cookie_seal_nonce(master, key_id, cookie, keys_len,
					     rnd + r->nonce_len + i * cnlen,
					     simd);
		if (err)
			return err;
	}
	return 0;
}

/**
 * knts_nts_reply_seal() - stamp T3 and encrypt the reply with S2C
 * @r: from knts_nts_reply_begin()
 * @s2c: the session's AEAD, to key with @s2c_key
 * @s2c_key: the session's S2C key
 * @tx_ts: T3, taken just before this call
 * @simd: the token of the caller's section (knts_siv_begin())
 *
 * The header (with T3) and the unique identifier are the associated data;
 * the cookies are encrypted in place.
 *
 * Return: 0 or a negative errno.
 */
int knts_nts_reply_seal(struct knts_resp *r, const struct knts_aead *s2c,
			const u8 *s2c_key, u64 tx_ts, bool simd)
{
	int err;

	knts_ntp_set_tx(r->buf, tx_ts);
	err = knts_aead_setkey(s2c, s2c_key, knts_aead_key_len(s2c->alg),
			       simd);
	if (err)
		return err;
	return knts_aead_seal(s2c, simd, r->buf + r->nonce_off, r->nonce_len,
			      r->buf, r->auth_off, r->buf + r->ct_off,
			      r->pt_len);
}
