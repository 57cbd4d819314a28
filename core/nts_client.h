/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knts: the client side of NTS-protected NTP, for tests, benchmarks and
 * kntsctl query.  Not part of knts.ko.
 */
#ifndef _KNTS_NTS_CLIENT_H
#define _KNTS_NTS_CLIENT_H

#include "nts.h"

/**
 * struct knts_client_reply - what an NTS reply carried
 * @nak: the server answered with an NTS NAK
 * @leap: leap indicator
 * @stratum: stratum as on the wire
 * @refid: reference id
 * @origin_ts: origin timestamp (the request's transmit timestamp)
 * @rx_ts: T2
 * @tx_ts: T3
 * @cookies: number of fresh cookies
 * @cookie: the cookies, pointers into the decrypted reply
 * @cookie_len: their lengths
 */
struct knts_client_reply {
	bool nak;
	u8 leap;
	u8 stratum;
	u32 refid;
	u64 origin_ts;
	u64 rx_ts;
	u64 tx_ts;
	unsigned int cookies;
	const u8 *cookie[KNTS_MAX_COOKIES];
	unsigned int cookie_len[KNTS_MAX_COOKIES];
};

int knts_client_request(u8 *out, unsigned int cap, const u8 *uid,
			unsigned int uid_len, const u8 *cookie,
			unsigned int cookie_len, unsigned int placeholders,
			const struct knts_aead *c2s, const u8 *nonce, u64 tx_ts);
int knts_client_reply(u8 *pkt, unsigned int len, const u8 *uid,
		      unsigned int uid_len, u64 tx_ts,
		      const struct knts_aead *s2c,
		      struct knts_client_reply *out);

#endif /* _KNTS_NTS_CLIENT_H */
