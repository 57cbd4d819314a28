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

/* Copies bytes [off, off + n) of a || b to dst. */
static void siv_gather(u8 *dst, const u8 *a, size_t alen, const u8 *b,
		       size_t off, size_t n)
{
	if (off < alen) {
		size_t na = min(n, alen - off);

		memcpy(dst, a + off, na);
		dst += na;
		n -= na;
		off = alen;
	}
	if (n)
		memcpy(dst, b + off - alen, n);
}

/**
 * knts_siv_cmac() - AES-CMAC with K1 over @a || @b
 * @s: instance
 * @simd: section token
 * @a: first part
 * @alen: its length
 * @b: second part, may be NULL
 * @blen: its length
 * @mac: out
 *
 * The last block is prepared first (padded, its subkey folded in); the
 * whole blocks before it run as CBC-MAC straight from @a or @b, with at most
 * one block that straddles them copied, in one call when they lie in one
 * part.
 *
 * Return: 0.
 */
int knts_siv_cmac(struct knts_siv *s, bool simd, const u8 *a, size_t alen,
		  const u8 *b, size_t blen, u8 mac[KNTS_SIV_TAG_LEN])
{
	size_t n = alen + blen, head, an, rest;
	u8 last[KNTS_AES_BLOCK], blk[KNTS_AES_BLOCK];

	/* head: the bytes before the last block, a multiple of 16. */
	head = n ? (n - 1) / KNTS_AES_BLOCK * KNTS_AES_BLOCK : 0;
	rest = n - head;
	memset(last, 0, sizeof(last));
	siv_gather(last, a, alen, b, head, rest);
	if (rest == KNTS_AES_BLOCK) {
		crypto_xor(last, s->sub1, KNTS_AES_BLOCK);
	} else {
		last[rest] = 0x80;
		crypto_xor(last, s->sub2, KNTS_AES_BLOCK);
	}

	memset(mac, 0, KNTS_SIV_TAG_LEN);
	if (head <= alen) {
		/* Every block before the last is in a. */
		knts_aes_cbcmac(&s->k1, mac, a, head / KNTS_AES_BLOCK, last,
				simd);
	} else {
		an = alen / KNTS_AES_BLOCK * KNTS_AES_BLOCK;
		knts_aes_cbcmac(&s->k1, mac, a, an / KNTS_AES_BLOCK, NULL, simd);
		if (an < alen) {
			/* The block straddling a and b. */
			siv_gather(blk, a, alen, b, an, KNTS_AES_BLOCK);
			knts_aes_cbcmac(&s->k1, mac, blk, 1, NULL, simd);
			an += KNTS_AES_BLOCK;
			memzero_explicit(blk, sizeof(blk));
		}
		knts_aes_cbcmac(&s->k1, mac, b + (an - alen),
				(head - an) / KNTS_AES_BLOCK, last, simd);
	}
	memzero_explicit(last, sizeof(last));
	return 0;
}

/**
 * knts_siv_ctr() - AES-CTR with K2, in place
 * @s: instance
 * @simd: section token
 * @iv: initial counter block, with bit 31 of its last word clear (SIV's Q)
 * @buf: data
 * @len: length, less than 2^31 blocks
 *
 * Return: 0, or -EINVAL for a length the 32-bit counter cannot cover.
 */
int knts_siv_ctr(struct knts_siv *s, bool simd,
		 const u8 iv[KNTS_SIV_TAG_LEN], u8 *buf, size_t len)
{
	u8 ctr[KNTS_AES_BLOCK];

	if (len / KNTS_AES_BLOCK >= (1UL << 31))
		return -EINVAL;
	memcpy(ctr, iv, sizeof(ctr));
	knts_aes_ctr32(&s->k2, ctr, buf, len, simd);
	memzero_explicit(ctr, sizeof(ctr));
	return 0;
}
