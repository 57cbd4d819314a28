// SPDX-License-Identifier: GPL-2.0
/*
 * knts: the SIV construction of RFC 5297 over AES-CMAC and AES-CTR.
 *
 * Plain C shared by the module and userspace.  Buffers are processed in
 * place: the caller lays out V (the 16-byte tag) followed by the plaintext
 * or ciphertext, which is what the NTS authenticator and chrony's cookies
 * carry on the wire.
 */

#include "siv.h"

/* d ^= s, one block (the values S2V folds). */
static void siv_xor(u8 d[KNTS_SIV_TAG_LEN], const u8 s[KNTS_SIV_TAG_LEN])
{
	put_unaligned_be64(get_unaligned_be64(d) ^ get_unaligned_be64(s), d);
	put_unaligned_be64(get_unaligned_be64(d + 8) ^
			   get_unaligned_be64(s + 8), d + 8);
}

/**
 * knts_siv_prepare() - compute the S2V values that depend on the key only
 * @s: an instance whose key was just set, not yet shared
 * @long_lived: also the value after an empty first component (master
 *	keys: every cookie starts so); not worth it for a per-request key
 * @simd: the backend's section token (knts_siv_begin())
 *
 * Called by the backends when they derive a new key's values.
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_prepare(struct knts_siv *s, bool long_lived, bool simd)
{
	static const u8 zero[KNTS_SIV_TAG_LEN];
	struct knts_siv_s2v *c = knts_siv_s2v(s);
	u8 t[KNTS_SIV_TAG_LEN];
	int err;

	c->has_d_empty = false;
	err = knts_siv_cmac(s, simd, zero, sizeof(zero), NULL, c->d0);
	if (err || !long_lived)
		return err;
	err = knts_siv_cmac(s, simd, NULL, 0, NULL, t);
	if (err)
		return err;
	memcpy(c->d_empty, c->d0, sizeof(c->d_empty));
	knts_siv_dbl(c->d_empty);
	siv_xor(c->d_empty, t);
	c->has_d_empty = true;
	return 0;
}

/**
 * knts_siv_setkey_long() - key an instance that will seal many cookies
 * @s: instance, not shared yet
 * @key: K1 || K2
 * @len: %KNTS_SIV_KEY_LEN
 *
 * As knts_siv_setkey(), and precomputes what every cookie's S2V shares.
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_setkey_long(struct knts_siv *s, const u8 *key, unsigned int len)
{
	int err = knts_siv_setkey(s, key, len);
	bool simd;

	if (err)
		return err;
	/* Everything derived now: a shared instance is only read. */
	simd = knts_siv_begin();
	err = knts_siv_ready(s, simd, true);
	if (!err)
		err = knts_siv_prepare(s, true, simd);
	knts_siv_end(simd);
	return err;
}

/*
 * S2V(K1, ad[0], ..., ad[nad-1], P) of RFC 5297 section 2.4, over the
 * plaintext P of length plen, starting from the key's precomputed values.
 */
static int siv_s2v(struct knts_siv *s, bool simd,
		   const struct knts_siv_vec *ad, unsigned int nad,
		   const u8 *p, size_t plen,
		   u8 v[KNTS_SIV_TAG_LEN])
{
	const struct knts_siv_s2v *c = knts_siv_s2v(s);
	u8 d[KNTS_SIV_TAG_LEN], t[KNTS_SIV_TAG_LEN];
	unsigned int i = 0;
	int err = 0;

	if (nad > 0 && !ad[0].len && c->has_d_empty) {
		memcpy(d, c->d_empty, sizeof(d));
		i = 1;
	} else {
		memcpy(d, c->d0, sizeof(d));
	}
	for (; !err && i < nad; i++) {
		knts_siv_dbl(d);
		err = knts_siv_cmac(s, simd, ad[i].data, ad[i].len, NULL, t);
		siv_xor(d, t);
	}
	if (err)
		goto out;

	if (plen >= KNTS_SIV_TAG_LEN) {
		/* T = P xorend D, folded in by the backend. */
		err = knts_siv_cmac(s, simd, p, plen, d, v);
	} else {
		/* T = dbl(D) xor pad(P), pad = P || 0x80 || 0... */
		knts_siv_dbl(d);
		memset(t, 0, sizeof(t));
		if (plen)
			memcpy(t, p, plen);
		t[plen] = 0x80;
		siv_xor(t, d);
		err = knts_siv_cmac(s, simd, t, KNTS_SIV_TAG_LEN, NULL, v);
	}
out:
	knts_wipe(d, sizeof(d));
	knts_wipe(t, sizeof(t));
	return err;
}

/* Q = V with bits 63 and 31 of each half cleared, the CTR start. */
static void siv_ctr_iv(const u8 v[KNTS_SIV_TAG_LEN], u8 q[KNTS_SIV_TAG_LEN])
{
	memcpy(q, v, KNTS_SIV_TAG_LEN);
	q[8] &= 0x7f;
	q[12] &= 0x7f;
}

/**
 * knts_siv_seal() - seal in place, inside a section the caller holds
 * @s: keyed instance (K1 || K2)
 * @simd: the token of the caller's section (knts_siv_begin())
 * @ad: associated data components, the nonce last (at most
 *	%KNTS_SIV_MAX_AD)
 * @nad: number of components
 * @buf: %KNTS_SIV_TAG_LEN bytes of room, then @ptlen bytes of plaintext;
 *	becomes V || C
 * @ptlen: plaintext length
 *
 * For a caller that runs several operations in one section (the kernel's
 * request path); knts_siv_encrypt() opens its own.
 *
 * Return: 0 or a negative errno from the backend.
 */
int knts_siv_seal(struct knts_siv *s, bool simd,
		  const struct knts_siv_vec *ad, unsigned int nad, u8 *buf,
		  size_t ptlen)
{
	u8 q[KNTS_SIV_TAG_LEN];
	u8 *pt = buf + KNTS_SIV_TAG_LEN;
	int err;

	if (nad > KNTS_SIV_MAX_AD)
		return -EINVAL;
	err = knts_siv_ready(s, simd, ptlen > 0);
	if (!err)
		err = siv_s2v(s, simd, ad, nad, pt, ptlen, buf);
	if (!err) {
		siv_ctr_iv(buf, q);
		err = knts_siv_ctr(s, simd, q, pt, pt, ptlen);
	}
	return err;
}

/**
 * knts_siv_open() - open, inside a section the caller holds
 * @s: keyed instance (K1 || K2)
 * @simd: the token of the caller's section (knts_siv_begin())
 * @ad: associated data components, the nonce last
 * @nad: number of components
 * @in: V || C, @len bytes; not written to unless @out is @in +
 *	%KNTS_SIV_TAG_LEN
 * @out: the plaintext, @len - %KNTS_SIV_TAG_LEN bytes: @in +
 *	%KNTS_SIV_TAG_LEN (in place) or a buffer that does not overlap @in
 * @len: length of V || C, at least %KNTS_SIV_TAG_LEN
 *
 * The tag is compared in constant time; on failure @out is wiped before
 * returning.
 *
 * Return: 0, -EBADMSG when the tag does not verify, or another negative
 * errno.
 */
int knts_siv_open(struct knts_siv *s, bool simd,
		  const struct knts_siv_vec *ad, unsigned int nad,
		  const u8 *in, u8 *out, size_t len)
{
	u8 q[KNTS_SIV_TAG_LEN], t[KNTS_SIV_TAG_LEN];
	size_t ptlen;
	int err;

	if (nad > KNTS_SIV_MAX_AD || len < KNTS_SIV_TAG_LEN)
		return -EINVAL;
	ptlen = len - KNTS_SIV_TAG_LEN;
	siv_ctr_iv(in, q);
	err = knts_siv_ready(s, simd, ptlen > 0);
	if (!err)
		err = knts_siv_ctr(s, simd, q, in + KNTS_SIV_TAG_LEN, out,
				   ptlen);
	if (!err)
		err = siv_s2v(s, simd, ad, nad, out, ptlen, t);
	if (!err && knts_memneq(t, in, KNTS_SIV_TAG_LEN))
		err = -EBADMSG;
	if (err)
		knts_wipe(out, ptlen);
	knts_wipe(t, sizeof(t));
	return err;
}

/**
 * knts_siv_encrypt() - seal in place
 * @s: keyed instance (K1 || K2)
 * @ad: associated data components, the nonce last (at most
 *	%KNTS_SIV_MAX_AD)
 * @nad: number of components
 * @buf: %KNTS_SIV_TAG_LEN bytes of room, then @ptlen bytes of plaintext;
 *	becomes V || C
 * @ptlen: plaintext length
 *
 * Return: 0 or a negative errno from the backend.
 */
int knts_siv_encrypt(struct knts_siv *s, const struct knts_siv_vec *ad,
		     unsigned int nad, u8 *buf, size_t ptlen)
{
	bool simd = knts_siv_begin();
	int err = knts_siv_seal(s, simd, ad, nad, buf, ptlen);

	knts_siv_end(simd);
	return err;
}

/**
 * knts_siv_decrypt() - open in place
 * @s: keyed instance (K1 || K2)
 * @ad: associated data components, the nonce last
 * @nad: number of components
 * @buf: V || C, @len bytes; on success the plaintext is at
 *	@buf + %KNTS_SIV_TAG_LEN
 * @len: length of V || C, at least %KNTS_SIV_TAG_LEN
 *
 * As knts_siv_open(), in its own section.
 *
 * Return: 0, -EBADMSG when the tag does not verify, or another negative
 * errno.
 */
int knts_siv_decrypt(struct knts_siv *s, const struct knts_siv_vec *ad,
		     unsigned int nad, u8 *buf, size_t len)
{
	bool simd = knts_siv_begin();
	int err = knts_siv_open(s, simd, ad, nad, buf,
				buf + KNTS_SIV_TAG_LEN, len);

	knts_siv_end(simd);
	return err;
}
