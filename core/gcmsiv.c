// SPDX-License-Identifier: GPL-2.0
/*
 * knts: AES-128-GCM-SIV (RFC 8452) over single AES-128 blocks.
 *
 * Plain C shared by the module and userspace.  The layout is RFC 8452's and
 * chrony's: the ciphertext, then the 16-byte tag.  POLYVAL multiplies bit by
 * bit under masks: no table, no branch on a secret.  It costs ~2,000
 * instructions a block; NTS messages are a few blocks, and the module's
 * AES-SIV path stays the fast one.
 */

#include "gcmsiv.h"

/* x^128 = x^127 + x^126 + x^121 + 1: the bits above x^64 of that, and 1. */
#define POLYVAL_R_HI	0xc200000000000000ULL

/* r = a * b in GF(2^128) modulo POLYVAL's polynomial, in constant time. */
static void polyval_mul(u64 r[2], const u64 a[2], const u64 b[2])
{
	u64 z0 = 0, z1 = 0, carry, bit;
	int i;

	/* Horner over b's bits from x^127 down: z = z * x + b_i * a. */
	for (i = 127; i >= 0; i--) {
		bit = (i >= 64 ? b[1] >> (i - 64) : b[0] >> i) & 1;
		carry = z1 >> 63;
		z1 = z1 << 1 | z0 >> 63;
		z0 <<= 1;
		z1 ^= POLYVAL_R_HI & -carry;
		z0 ^= 1 & -carry;
		z1 ^= a[1] & -bit;
		z0 ^= a[0] & -bit;
	}
	r[0] = z0;
	r[1] = z1;
}

/**
 * knts_polyval_setkey() - prepare POLYVAL's key
 * @p: out
 * @h: the message-authentication key, 16 bytes
 *
 * Stores H * x^-128, so that dot(a, H) = a * H * x^-128 is one
 * multiplication: 128 divisions by x, each adding the polynomial when the
 * value is odd (in constant time).
 */
void knts_polyval_setkey(struct knts_polyval *p, const u8 h[16])
{
	u64 v0 = get_unaligned_le64(h), v1 = get_unaligned_le64(h + 8), m;
	int i;

	for (i = 0; i < 128; i++) {
		m = -(v0 & 1);
		v0 ^= 1 & m;
		v1 ^= POLYVAL_R_HI & m;
		v0 = v0 >> 1 | v1 << 63;
		v1 = v1 >> 1 | (m & 0x8000000000000000ULL);
	}
	p->h[0] = v0;
	p->h[1] = v1;
}

/**
 * knts_polyval_update() - fold blocks into a POLYVAL state
 * @p: the key
 * @s: the state (two little-endian words, zero to start), updated
 * @x: the input; a partial last block is padded with zeros
 * @len: its length
 */
void knts_polyval_update(const struct knts_polyval *p, u64 s[2],
			 const u8 *x, size_t len)
{
	u8 last[16];

	for (; len >= 16; len -= 16, x += 16) {
		s[0] ^= get_unaligned_le64(x);
		s[1] ^= get_unaligned_le64(x + 8);
		polyval_mul(s, s, p->h);
	}
	if (len) {
		memset(last, 0, sizeof(last));
		memcpy(last, x, len);
		s[0] ^= get_unaligned_le64(last);
		s[1] ^= get_unaligned_le64(last + 8);
		polyval_mul(s, s, p->h);
		knts_wipe(last, sizeof(last));
	}
}

/*
 * The per-message keys (RFC 8452 section 4): AES under the key-generating
 * key of LE32(i) || nonce, the first half of each.  Keys the message key's
 * schedule and POLYVAL.
 */
static int gcmsiv_derive(struct knts_aes128 *kgk, struct knts_aes128 *mek,
			 bool simd, const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
			 struct knts_polyval *pv)
{
	u8 in[16], out[16], keys[32];
	int i, err = 0;

	memcpy(in + 4, nonce, KNTS_GCMSIV_NONCE_LEN);
	for (i = 0; !err && i < 4; i++) {
		put_unaligned_le32((u32)i, in);
		err = knts_aes128_encrypt(kgk, out, in, simd);
		memcpy(keys + 8 * i, out, 8);
	}
	if (!err) {
		knts_polyval_setkey(pv, keys);
		err = knts_aes128_setkey(mek, keys + 16, simd);
	}
	knts_wipe(out, sizeof(out));
	knts_wipe(keys, sizeof(keys));
	return err;
}

/* The tag over the associated data and the plaintext (RFC 8452 section 4). */
static int gcmsiv_tag(struct knts_aes128 *mek, bool simd,
		      const struct knts_polyval *pv,
		      const u8 nonce[KNTS_GCMSIV_NONCE_LEN], const u8 *ad,
		      size_t adlen, const u8 *pt, size_t ptlen,
		      u8 tag[KNTS_GCMSIV_TAG_LEN])
{
	u64 s[2] = { 0, 0 };
	u8 blk[16];
	int i, err;

	knts_polyval_update(pv, s, ad, adlen);
	knts_polyval_update(pv, s, pt, ptlen);
	put_unaligned_le64((u64)adlen * 8, blk);
	put_unaligned_le64((u64)ptlen * 8, blk + 8);
	knts_polyval_update(pv, s, blk, sizeof(blk));
	put_unaligned_le64(s[0], blk);
	put_unaligned_le64(s[1], blk + 8);
	for (i = 0; i < KNTS_GCMSIV_NONCE_LEN; i++)
		blk[i] ^= nonce[i];
	blk[15] &= 0x7f;
	err = knts_aes128_encrypt(mek, tag, blk, simd);
	knts_wipe(blk, sizeof(blk));
	knts_wipe(s, sizeof(s));
	return err;
}

/* CTR from the tag with its top bit set, a 32-bit little-endian counter. */
static int gcmsiv_ctr(struct knts_aes128 *mek, bool simd,
		      const u8 tag[KNTS_GCMSIV_TAG_LEN], const u8 *src,
		      u8 *dst, size_t len)
{
	u8 ctr[16], ks[16];
	size_t i, n;
	int err = 0;

	memcpy(ctr, tag, sizeof(ctr));
	ctr[15] |= 0x80;
	while (!err && len) {
		n = len < 16 ? len : 16;
		err = knts_aes128_encrypt(mek, ks, ctr, simd);
		for (i = 0; i < n; i++)
			dst[i] = src[i] ^ ks[i];
		put_unaligned_le32(get_unaligned_le32(ctr) + 1, ctr);
		src += n;
		dst += n;
		len -= n;
	}
	knts_wipe(ks, sizeof(ks));
	return err;
}

/**
 * knts_gcmsiv_seal() - AES-128-GCM-SIV encryption in place
 * @kgk: the key-generating key (the AEAD key), keyed
 * @mek: scratch for the message's encryption key, owned by the caller
 * @simd: the token of the caller's section (knts_siv_begin())
 * @nonce: %KNTS_GCMSIV_NONCE_LEN bytes
 * @ad: associated data, may be NULL when @adlen is 0
 * @adlen: its length, less than 2^36 bytes
 * @buf: @ptlen bytes of plaintext and %KNTS_GCMSIV_TAG_LEN of room after
 *	them; becomes the ciphertext and the tag
 * @ptlen: plaintext length, less than 2^36 bytes
 *
 * Return: 0 or a negative errno from the backend.
 */
int knts_gcmsiv_seal(struct knts_aes128 *kgk, struct knts_aes128 *mek,
		     bool simd, const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *ad, size_t adlen, u8 *buf, size_t ptlen)
{
	struct knts_polyval pv;
	int err;

	err = gcmsiv_derive(kgk, mek, simd, nonce, &pv);
	if (!err)
		err = gcmsiv_tag(mek, simd, &pv, nonce, ad, adlen, buf, ptlen,
				 buf + ptlen);
	if (!err)
		err = gcmsiv_ctr(mek, simd, buf + ptlen, buf, buf, ptlen);
	knts_wipe(&pv, sizeof(pv));
	return err;
}

/**
 * knts_gcmsiv_open() - AES-128-GCM-SIV decryption
 * @kgk: the key-generating key (the AEAD key), keyed
 * @mek: scratch for the message's encryption key, owned by the caller
 * @simd: the token of the caller's section (knts_siv_begin())
 * @nonce: %KNTS_GCMSIV_NONCE_LEN bytes
 * @ad: associated data, may be NULL when @adlen is 0
 * @adlen: its length
 * @in: ciphertext and tag, @len bytes
 * @out: the plaintext, @len - %KNTS_GCMSIV_TAG_LEN bytes: @in itself or a
 *	buffer that does not overlap it; wiped on failure
 * @len: at least %KNTS_GCMSIV_TAG_LEN
 *
 * The tag is compared in constant time.
 *
 * Return: 0, -EBADMSG when the tag does not verify, or another negative
 * errno.
 */
int knts_gcmsiv_open(struct knts_aes128 *kgk, struct knts_aes128 *mek,
		     bool simd, const u8 nonce[KNTS_GCMSIV_NONCE_LEN],
		     const u8 *ad, size_t adlen, const u8 *in, u8 *out,
		     size_t len)
{
	u8 tag[KNTS_GCMSIV_TAG_LEN], want[KNTS_GCMSIV_TAG_LEN];
	struct knts_polyval pv;
	size_t ptlen;
	int err;

	if (len < KNTS_GCMSIV_TAG_LEN)
		return -EINVAL;
	ptlen = len - KNTS_GCMSIV_TAG_LEN;
	/* The tag first: in place, the plaintext overwrites nothing of it. */
	memcpy(want, in + ptlen, sizeof(want));
	err = gcmsiv_derive(kgk, mek, simd, nonce, &pv);
	if (!err)
		err = gcmsiv_ctr(mek, simd, want, in, out, ptlen);
	if (!err)
		err = gcmsiv_tag(mek, simd, &pv, nonce, ad, adlen, out, ptlen,
				 tag);
	if (!err && knts_memneq(tag, want, sizeof(tag)))
		err = -EBADMSG;
	if (err)
		knts_wipe(out, ptlen);
	knts_wipe(tag, sizeof(tag));
	knts_wipe(&pv, sizeof(pv));
	return err;
}
