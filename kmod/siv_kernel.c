// SPDX-License-Identifier: GPL-2.0
/*
 * knts: AES-CMAC (RFC 4493) and AES-CTR for the SIV construction in
 * core/siv.c, on knts's batched AES-128 (kmod/aes.c).  Each SIV operation
 * is one section: a kernel FPU section with AES-NI when the context
 * allows, the kernel's AES library otherwise.  Nothing is allocated.
 */

#include <linux/string.h>

#include "siv_kernel.h"

/**
 * knts_siv_init() - prepare an instance
 * @s: instance
 *
 * Return: 0.
 */
int knts_siv_init(struct knts_siv *s)
{
	memset(s, 0, sizeof(*s));
	return 0;
}

/**
 * knts_siv_uninit() - wipe an instance's keys
 * @s: instance; may be unkeyed
 */
void knts_siv_uninit(struct knts_siv *s)
{
	memzero_explicit(s, sizeof(*s));
}

/**
 * knts_siv_begin() - open the section of one SIV operation
 *
 * Return: the token for the primitives and knts_siv_end().
 */
bool knts_siv_begin(void)
{
	return knts_aes_begin();
}

/**
 * knts_siv_end() - close it
 * @simd: the token
 */
void knts_siv_end(bool simd)
{
	knts_aes_end(simd);
}

/**
 * knts_siv_setkey() - set K1 || K2; knts_siv_ready() derives the rest
 * @s: instance, not in use by another CPU
 * @key: K1 || K2
 * @len: %KNTS_SIV_KEY_LEN
 *
 * Return: 0 or -EINVAL for a wrong length.
 */
int knts_siv_setkey(struct knts_siv *s, const u8 *key, unsigned int len)
{
	if (len != KNTS_SIV_KEY_LEN)
		return -EINVAL;
	memcpy(s->raw, key, KNTS_SIV_KEY_LEN);
	s->pending = KNTS_SIV_PENDING_K1 | KNTS_SIV_PENDING_K2;
	return 0;
}

/**
 * knts_siv_ready() - derive, inside an operation's section, what it needs
 * @s: instance
 * @simd: section token
 * @ctr: the operation runs CTR (a non-empty plaintext): K2 is needed
 *
 * K1's schedule, CMAC's subkeys (dbl(E(K1, 0)), dbl of that) and S2V's
 * first value, and K2's schedule when @ctr; the raw key bytes are wiped as
 * they are used.  Does nothing on an instance already derived, so that
 * shared master keys are only read.
 *
 * Return: 0 or a negative errno.
 */
int knts_siv_ready(struct knts_siv *s, bool simd, bool ctr)
{
	int err;

	if (s->pending & KNTS_SIV_PENDING_K1) {
		knts_aes_expand(&s->k1, s->raw, simd);
		memset(s->sub1, 0, sizeof(s->sub1));
		knts_aes_encrypt(&s->k1, s->sub1, s->sub1, simd);
		knts_siv_dbl(s->sub1);
		memcpy(s->sub2, s->sub1, sizeof(s->sub2));
		knts_siv_dbl(s->sub2);
		memzero_explicit(s->raw, AES_KEYSIZE_128);
		s->pending &= ~KNTS_SIV_PENDING_K1;
		err = knts_siv_prepare(s, false, simd);
		if (err)
			return err;
	}
	if (ctr && (s->pending & KNTS_SIV_PENDING_K2)) {
		knts_aes_expand(&s->k2, s->raw + AES_KEYSIZE_128, simd);
		memzero_explicit(s->raw + AES_KEYSIZE_128, AES_KEYSIZE_128);
		s->pending &= ~KNTS_SIV_PENDING_K2;
	}
	return 0;
}

/**
 * knts_siv_s2v() - the instance's precomputed S2V values
 * @s: instance
 *
 * Return: them.
 */
struct knts_siv_s2v *knts_siv_s2v(struct knts_siv *s)
{
	return &s->s2v;
}

/*
 * knts_siv_cmac()'s other cases: the subkey mask with D for a message of
 * whole blocks, or a tail to copy and pad.  Kept out of line so that the
 * common case has no buffers to set up.
 */
static noinline void siv_cmac_prepared(struct knts_siv *s, bool simd,
				       const u8 *p, size_t len, const u8 *d,
				       u8 mac[KNTS_SIV_TAG_LEN])
{
	u8 tail[2 * KNTS_AES_BLOCK], mask[KNTS_AES_BLOCK];
	size_t body, tlen;

	if (d && !(len % KNTS_AES_BLOCK)) {
		/* Whole blocks and D: D joins the subkey's mask. */
		body = len - KNTS_AES_BLOCK;
		crypto_xor_cpy(mask, s->sub1, d, KNTS_AES_BLOCK);
		knts_aes_cmac(&s->k1, mac, p, body / KNTS_AES_BLOCK, p + body, 1,
			      mask, simd);
		memzero_explicit(mask, sizeof(mask));
		return;
	}
	/* body: the whole blocks read in place; the rest goes to tail. */
	body = d ? (len - KNTS_AES_BLOCK) / KNTS_AES_BLOCK * KNTS_AES_BLOCK :
		   len / KNTS_AES_BLOCK * KNTS_AES_BLOCK;
	tlen = len - body;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p + body, tlen);
	if (d)
		crypto_xor(tail + tlen - KNTS_AES_BLOCK, d, KNTS_AES_BLOCK);
	tail[tlen] = 0x80;
	knts_aes_cmac(&s->k1, mac, p, body / KNTS_AES_BLOCK, tail,
		      tlen > KNTS_AES_BLOCK ? 2 : 1, s->sub2, simd);
	memzero_explicit(tail, sizeof(tail));
}

/**
 * knts_siv_cmac() - AES-CMAC with K1 over @p, or over @p xorend @d
 * @s: instance
 * @simd: section token
 * @p: message
 * @len: its length; at least %KNTS_SIV_TAG_LEN when @d is given
 * @d: NULL, or S2V's D to fold into the last 16 bytes (RFC 5297's xorend)
 * @mac: out
 *
 * A message of whole blocks is read where it lies, its last block's subkey
 * and @d folded in by the block code; otherwise only the tail (the partial
 * last block, and the whole block before it when @d reaches into it) is
 * copied and padded.
 *
 * Return: 0, or -EINVAL for a message too short for @d.
 */
int knts_siv_cmac(struct knts_siv *s, bool simd, const u8 *p, size_t len,
		  const u8 *d, u8 mac[KNTS_SIV_TAG_LEN])
{
	if (d && len < KNTS_SIV_TAG_LEN)
		return -EINVAL;
	if (!d && len && !(len % KNTS_AES_BLOCK))
		knts_aes_cmac(&s->k1, mac, p, len / KNTS_AES_BLOCK - 1,
			      p + len - KNTS_AES_BLOCK, 1, s->sub1, simd);
	else
		siv_cmac_prepared(s, simd, p, len, d, mac);
	return 0;
}

/**
 * knts_siv_ctr() - AES-CTR with K2
 * @s: instance
 * @simd: section token
 * @iv: initial counter block, with bit 31 of its last word clear (SIV's Q)
 * @src: data in
 * @dst: data out: @src, or a buffer that does not overlap it
 * @len: length, less than 2^31 blocks
 *
 * Return: 0, or -EINVAL for a length the 32-bit counter cannot cover.
 */
int knts_siv_ctr(struct knts_siv *s, bool simd,
		 const u8 iv[KNTS_SIV_TAG_LEN], const u8 *src, u8 *dst,
		 size_t len)
{
	u8 ctr[KNTS_AES_BLOCK];

	if (len / KNTS_AES_BLOCK >= (1UL << 31))
		return -EINVAL;
	if (!len)
		return 0;
	memcpy(ctr, iv, sizeof(ctr));
	knts_aes_ctr32(&s->k2, ctr, src, dst, len, simd);
	memzero_explicit(ctr, sizeof(ctr));
	return 0;
}

/**
 * knts_aes128_setkey() - key single-block AES-128 (AES-128-GCM-SIV)
 * @k: key
 * @key: 16 bytes
 * @simd: section token
 *
 * Return: 0.
 */
int knts_aes128_setkey(struct knts_aes128 *k, const u8 key[16], bool simd)
{
	knts_aes_expand(&k->ctx, key, simd);
	return 0;
}

/**
 * knts_aes128_encrypt() - encrypt one block
 * @k: key
 * @out: out, may be @in
 * @in: in
 * @simd: section token
 *
 * Return: 0.
 */
int knts_aes128_encrypt(struct knts_aes128 *k, u8 out[16], const u8 in[16],
			bool simd)
{
	knts_aes_encrypt(&k->ctx, out, in, simd);
	return 0;
}
