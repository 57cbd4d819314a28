// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: knts_client_reply(), the client side's parser of bytes from
 * the network, for two clients with a fixed unique identifier and transmit
 * timestamp, one in an AEAD 15 session and one in an AEAD 30 session
 * (their S2C keys from fuzz_common.h).  It returns 0, -EBADMSG or -EPERM,
 * and every cookie it reports lies inside the reply.
 *
 * Each input is also tried "resealed" for each client: when its extension
 * fields are well formed and end in an authenticator (with a 12-byte nonce
 * for AEAD 30), the ciphertext area is sealed with that client's S2C key
 * over the reply as it is, so that the fuzzer reaches the decrypted cookie
 * fields; such a reply must never fail authentication.
 */
#include "fuzz_common.h"

static struct knts_aead_ctx s2c[2];
static u8 uid[FUZZ_UID_LEN];

static int check(u8 *pkt, size_t size, const struct knts_aead *s2c)
{
	struct knts_client_reply cr;
	unsigned int i;
	int err;

	err = knts_client_reply(pkt, (unsigned int)size, uid, sizeof(uid),
				FUZZ_TX_TS, s2c, &cr);
	FUZZ_CHECK(err == 0 || err == -EBADMSG || err == -EPERM);
	if (err)
		return err;
	FUZZ_CHECK(size >= KNTS_NTP_HDR_LEN && size % 4 == 0);
	FUZZ_CHECK(cr.origin_ts == FUZZ_TX_TS);
	FUZZ_CHECK(cr.cookies <= KNTS_MAX_COOKIES);
	if (cr.nak)
		FUZZ_CHECK(cr.cookies == 0 && cr.stratum == 0 &&
			   cr.refid == KNTS_KISS_NTSN);
	for (i = 0; i < cr.cookies; i++)
		FUZZ_CHECK(cr.cookie[i] >= pkt + KNTS_NTP_HDR_LEN &&
			   cr.cookie_len[i] <= size &&
			   (size_t)(cr.cookie[i] - pkt) <=
			   size - cr.cookie_len[i]);
	return 0;
}

/*
 * Encrypts the authenticator's ciphertext area in place when the EFs walk
 * as the client walks them and the last is a sound authenticator.
 */
static int reseal(u8 *pkt, size_t len, const struct knts_aead *s2c)
{
	unsigned int off, eflen, auth = 0, blen, nlen, clen;
	u8 *body;

	if (len < KNTS_NTP_HDR_LEN || len % 4)
		return 0;
	for (off = KNTS_NTP_HDR_LEN; off < len; off += eflen) {
		if (len - off < KNTS_EF_MIN_LEN)
			return 0;
		eflen = get_unaligned_be16(pkt + off + 2);
		if (eflen < KNTS_EF_MIN_LEN || eflen % 4 || eflen > len - off)
			return 0;
		if (get_unaligned_be16(pkt + off) == KNTS_EF_AUTH)
			auth = off;
	}
	if (!auth || auth + get_unaligned_be16(pkt + auth + 2) != len)
		return 0;
	body = pkt + auth + KNTS_EF_HDR_LEN;
	blen = get_unaligned_be16(pkt + auth + 2) - KNTS_EF_HDR_LEN;
	nlen = get_unaligned_be16(body);
	clen = get_unaligned_be16(body + 2);
	if (!nlen || clen < KNTS_AEAD_TAG_LEN ||
	    4 + knts_pad4(nlen) + knts_pad4(clen) > blen)
		return 0;
	if (s2c->alg == KNTS_AEAD_AES_128_GCM_SIV &&
	    nlen != KNTS_GCMSIV_NONCE_LEN)
		return 0;
	FUZZ_CHECK(knts_aead_seal(s2c, false, body + 4, nlen, pkt, auth,
				  body + 4 + knts_pad4(nlen),
				  clen - KNTS_AEAD_TAG_LEN) == 0);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;
	unsigned int i;
	u8 *pkt;

	if (size > 4096)
		return -1;
	if (!done) {
		fuzz_uid(uid);
		fuzz_session(&s2c[0], fuzz_s2c_key(64), 64);
		fuzz_session(&s2c[1], fuzz_s2c_key(32), 32);
		done = 1;
	}

	for (i = 0; i < ARRAY_SIZE(s2c); i++) {
		pkt = fuzz_dup(data, size);
		check(pkt, size, &s2c[i].a);
		free(pkt);

		pkt = fuzz_dup(data, size);
		if (reseal(pkt, size, &s2c[i].a))
			FUZZ_CHECK(check(pkt, size, &s2c[i].a) != -EPERM);
		free(pkt);
	}
	return 0;
}
