// SPDX-License-Identifier: GPL-2.0
/*
 * knts: AES-128 for AES-SIV, batched.
 *
 * On the kernels knts supports (6.1, 6.12) the crypto API gives a
 * synchronous user of cmac(aes) or ctr(aes) the templates over the
 * single-block cipher: one kernel FPU section and several indirect calls
 * per 16-byte block, or table-based aes-generic when aesni_intel is not
 * loaded.  The multi-block AES-NI skciphers are internal algorithms behind
 * an asynchronous SIMD wrapper, which a softirq user cannot wait for.
 *
 * So knts runs the AES-NI instructions itself, as the arch/x86/crypto
 * glue does: a whole CMAC or CTR pass, key expansion included, inside
 * one kernel_fpu_begin()/kernel_fpu_end() section that the caller opens
 * once per SIV operation.  When the CPU lacks AES-NI, or SIMD is not usable
 * in the current context (a softirq that interrupted another kernel FPU
 * user), the same operations run on the kernel's AES library with the same
 * key schedule (struct crypto_aes_ctx, the layout aesni_set_key() also
 * writes).  Only AES-128 encryption is needed: AES-SIV-CMAC-256 uses two
 * AES-128 keys and never the inverse cipher.
 *
 * At load a self-test checks the library against FIPS-197 and the AES-NI
 * paths against the library over every length class; AES-NI is used only
 * when it passes.
 */

#include <crypto/algapi.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "aes.h"
#include "core/core.h"

#if IS_ENABLED(CONFIG_X86_64) && !IS_ENABLED(CONFIG_UML)
#define KNTS_HAVE_AESNI 1
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>
#include <crypto/internal/simd.h>
#else
#define KNTS_HAVE_AESNI 0
#endif

static char *aes = "auto";
module_param(aes, charp, 0444);
MODULE_PARM_DESC(aes,
		 "AES implementation: auto (AES-NI when the CPU has it, default) or generic (the kernel's table-based library; for tests and benchmarks)");

static DEFINE_STATIC_KEY_FALSE(knts_aesni);

#if KNTS_HAVE_AESNI
/*
 * The kernel never uses the XMM registers outside FPU sections, so each
 * asm statement below owns all sixteen of them: xmm0..xmm10 hold the round
 * keys, the rest the data (the convention of lib/raid6's SSE code).
 */
#define AESNI_LOADKEY							\
	"movdqu 0(%[rk]), %%xmm0\n\t"					\
	"movdqu 16(%[rk]), %%xmm1\n\t"					\
	"movdqu 32(%[rk]), %%xmm2\n\t"					\
	"movdqu 48(%[rk]), %%xmm3\n\t"					\
	"movdqu 64(%[rk]), %%xmm4\n\t"					\
	"movdqu 80(%[rk]), %%xmm5\n\t"					\
	"movdqu 96(%[rk]), %%xmm6\n\t"					\
	"movdqu 112(%[rk]), %%xmm7\n\t"					\
	"movdqu 128(%[rk]), %%xmm8\n\t"					\
	"movdqu 144(%[rk]), %%xmm9\n\t"					\
	"movdqu 160(%[rk]), %%xmm10\n\t"

/* Encrypts xmm12 with the round keys in xmm0..xmm10. */
#define AESNI_ROUNDS							\
	"pxor %%xmm0, %%xmm12\n\t"					\
	"aesenc %%xmm1, %%xmm12\n\t"					\
	"aesenc %%xmm2, %%xmm12\n\t"					\
	"aesenc %%xmm3, %%xmm12\n\t"					\
	"aesenc %%xmm4, %%xmm12\n\t"					\
	"aesenc %%xmm5, %%xmm12\n\t"					\
	"aesenc %%xmm6, %%xmm12\n\t"					\
	"aesenc %%xmm7, %%xmm12\n\t"					\
	"aesenc %%xmm8, %%xmm12\n\t"					\
	"aesenc %%xmm9, %%xmm12\n\t"					\
	"aesenclast %%xmm10, %%xmm12\n\t"

/*
 * One AES-128 key expansion step: xmm0 holds round key i - 1; the next is
 * the prefix xor of its words with SubWord(RotWord(w3)) ^ rcon.
 */
#define AESNI_EXPAND(rcon, off)						\
	"aeskeygenassist $" #rcon ", %%xmm0, %%xmm1\n\t"		\
	"pshufd $0xff, %%xmm1, %%xmm1\n\t"				\
	"movdqa %%xmm0, %%xmm2\n\t"					\
	"pslldq $4, %%xmm2\n\t"						\
	"pxor %%xmm2, %%xmm0\n\t"					\
	"pslldq $4, %%xmm2\n\t"						\
	"pxor %%xmm2, %%xmm0\n\t"					\
	"pslldq $4, %%xmm2\n\t"						\
	"pxor %%xmm2, %%xmm0\n\t"					\
	"pxor %%xmm1, %%xmm0\n\t"					\
	"movdqu %%xmm0, " #off "(%[rk])\n\t"

static void aesni_expand(u32 *rk, const u8 *key)
{
	asm volatile("movdqu (%[key]), %%xmm0\n\t"
		     "movdqu %%xmm0, (%[rk])\n\t"
		     AESNI_EXPAND(0x01, 16)
		     AESNI_EXPAND(0x02, 32)
		     AESNI_EXPAND(0x04, 48)
		     AESNI_EXPAND(0x08, 64)
		     AESNI_EXPAND(0x10, 80)
		     AESNI_EXPAND(0x20, 96)
		     AESNI_EXPAND(0x40, 112)
		     AESNI_EXPAND(0x80, 128)
		     AESNI_EXPAND(0x1b, 144)
		     AESNI_EXPAND(0x36, 160)
		     : : [rk] "r" (rk), [key] "r" (key) : "memory");
}

static void aesni_encrypt(const u32 *rk, u8 *out, const u8 *in)
{
	asm volatile(AESNI_LOADKEY
		     "movdqu (%[in]), %%xmm12\n\t"
		     AESNI_ROUNDS
		     "movdqu %%xmm12, (%[out])\n\t"
		     : : [rk] "r" (rk), [in] "r" (in), [out] "r" (out)
		     : "memory");
}

/*
 * CMAC's block chain from a zero state: @nblocks blocks at @in, then
 * @nlast (1 or 2) blocks at @last, @mask (the subkey, and whatever the
 * caller folds in) xored into the final one.
 */
static void aesni_cmac(const u32 *rk, u8 *mac, const u8 *in, size_t nblocks,
		       const u8 *last, size_t nlast, const u8 *mask)
{
	asm volatile(AESNI_LOADKEY
		     "pxor %%xmm12, %%xmm12\n\t"
		     "test %[n], %[n]\n\t"
		     "jz 2f\n\t"
		     "1:\n\t"
		     "movdqu (%[in]), %%xmm11\n\t"
		     "pxor %%xmm11, %%xmm12\n\t"
		     AESNI_ROUNDS
		     "add $16, %[in]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     "2:\n\t"
		     "cmp $1, %[nlast]\n\t"
		     "je 3f\n\t"
		     "movdqu (%[last]), %%xmm11\n\t"
		     "pxor %%xmm11, %%xmm12\n\t"
		     AESNI_ROUNDS
		     "add $16, %[last]\n\t"
		     "3:\n\t"
		     "movdqu (%[last]), %%xmm11\n\t"
		     "movdqu (%[mask]), %%xmm13\n\t"
		     "pxor %%xmm13, %%xmm11\n\t"
		     "pxor %%xmm11, %%xmm12\n\t"
		     AESNI_ROUNDS
		     "movdqu %%xmm12, (%[mac])\n\t"
		     : [in] "+r" (in), [n] "+r" (nblocks), [last] "+r" (last)
		     : [rk] "r" (rk), [mac] "r" (mac), [nlast] "r" (nlast),
		       [mask] "r" (mask)
		     : "memory", "cc");
}

/* Reverses the bytes of an XMM register: big endian <-> little endian. */
static const u8 aesni_bswap[16] __aligned(16) = {
	15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
};

static const u32 aesni_one[4] __aligned(16) = { 1, 0, 0, 0 };

/*
 * Whole blocks of CTR with a 32-bit big-endian counter in the last word of
 * @ctr (the counter is kept byte-reversed, so that paddd increments it).
 */
static void aesni_ctr32(const u32 *rk, u8 *ctr, const u8 *src, u8 *dst,
			size_t nblocks)
{
	asm volatile(AESNI_LOADKEY
		     "movdqa %[bswap], %%xmm14\n\t"
		     "movdqa %[one], %%xmm15\n\t"
		     "movdqu (%[ctr]), %%xmm13\n\t"
		     "pshufb %%xmm14, %%xmm13\n\t"
		     "1:\n\t"
		     "movdqa %%xmm13, %%xmm12\n\t"
		     "pshufb %%xmm14, %%xmm12\n\t"
		     AESNI_ROUNDS
		     "movdqu (%[src]), %%xmm11\n\t"
		     "pxor %%xmm12, %%xmm11\n\t"
		     "movdqu %%xmm11, (%[dst])\n\t"
		     "paddd %%xmm15, %%xmm13\n\t"
		     "add $16, %[src]\n\t"
		     "add $16, %[dst]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     "pshufb %%xmm14, %%xmm13\n\t"
		     "movdqu %%xmm13, (%[ctr])\n\t"
		     : [src] "+r" (src), [dst] "+r" (dst), [n] "+r" (nblocks)
		     : [rk] "r" (rk), [ctr] "r" (ctr),
		       [bswap] "m" (aesni_bswap), [one] "m" (aesni_one)
		     : "memory", "cc");
}

/* Leaves no key or data in the XMM registers when the section ends. */
static void aesni_clear(void)
{
	asm volatile("pxor %%xmm0, %%xmm0\n\t"
		     "pxor %%xmm1, %%xmm1\n\t"
		     "pxor %%xmm2, %%xmm2\n\t"
		     "pxor %%xmm3, %%xmm3\n\t"
		     "pxor %%xmm4, %%xmm4\n\t"
		     "pxor %%xmm5, %%xmm5\n\t"
		     "pxor %%xmm6, %%xmm6\n\t"
		     "pxor %%xmm7, %%xmm7\n\t"
		     "pxor %%xmm8, %%xmm8\n\t"
		     "pxor %%xmm9, %%xmm9\n\t"
		     "pxor %%xmm10, %%xmm10\n\t"
		     "pxor %%xmm11, %%xmm11\n\t"
		     "pxor %%xmm12, %%xmm12\n\t"
		     "pxor %%xmm13, %%xmm13\n\t"
		     ::: "memory");
}

/**
 * knts_aes_begin() - open a kernel FPU section when AES-NI can be used
 *
 * Context: any but NMI; the section disables preemption until
 *	knts_aes_end().  Keep it to one cryptographic operation.
 * Return: the section token: true when AES-NI may be used until
 *	knts_aes_end(), false to use the library.
 */
bool knts_aes_begin(void)
{
	if (!static_branch_likely(&knts_aesni) || !crypto_simd_usable())
		return false;
	kernel_fpu_begin();
	return true;
}

/**
 * knts_aes_end() - close what knts_aes_begin() opened
 * @simd: its token
 */
void knts_aes_end(bool simd)
{
	if (!simd)
		return;
	aesni_clear();
	kernel_fpu_end();
}

static bool knts_cpu_has_aesni(void)
{
	/* pshufb is SSSE3: every CPU with AES-NI has it, but ask. */
	return boot_cpu_has(X86_FEATURE_AES) &&
	       boot_cpu_has(X86_FEATURE_XMM2) &&
	       boot_cpu_has(X86_FEATURE_SSSE3);
}
#else /* !KNTS_HAVE_AESNI */
static bool knts_cpu_has_aesni(void)
{
	return false;
}

/* Never called: the token is always false. */
static void aesni_expand(u32 *rk, const u8 *key)
{
}

static void aesni_encrypt(const u32 *rk, u8 *out, const u8 *in)
{
}

static void aesni_cmac(const u32 *rk, u8 *mac, const u8 *in, size_t nblocks,
		       const u8 *last, size_t nlast, const u8 *mask)
{
}

static void aesni_ctr32(const u32 *rk, u8 *ctr, const u8 *src, u8 *dst,
			size_t nblocks)
{
}

bool knts_aes_begin(void)
{
	return false;
}

void knts_aes_end(bool simd)
{
}
#endif /* KNTS_HAVE_AESNI */

/**
 * knts_aes_expand() - expand an AES-128 key for encryption
 * @k: schedule; only the encryption half is written (the decryption half
 *	is zeroed: AES-SIV never decrypts blocks)
 * @key: the key
 * @simd: section token from knts_aes_begin()
 */
void knts_aes_expand(struct crypto_aes_ctx *k, const u8 key[AES_KEYSIZE_128],
		     bool simd)
{
	if (simd) {
		aesni_expand(k->key_enc, key);
		k->key_length = AES_KEYSIZE_128;
		return;
	}
	aes_expandkey(k, key, AES_KEYSIZE_128);
	memzero_explicit(k->key_dec, sizeof(k->key_dec));
}

/**
 * knts_aes_encrypt() - encrypt one block
 * @k: schedule from knts_aes_expand()
 * @out: out, may be @in
 * @in: in
 * @simd: section token from knts_aes_begin()
 */
void knts_aes_encrypt(const struct crypto_aes_ctx *k, u8 *out, const u8 *in,
		      bool simd)
{
	if (simd)
		aesni_encrypt(k->key_enc, out, in);
	else
		aes_encrypt(k, out, in);
}

/* knts_aes_cmac() on the library. */
static noinline void aes_lib_cmac(const struct crypto_aes_ctx *k, u8 *mac,
				  const u8 *in, size_t nblocks,
				  const u8 *last, size_t nlast, const u8 *mask)
{
	memset(mac, 0, KNTS_AES_BLOCK);
	for (; nblocks; nblocks--, in += KNTS_AES_BLOCK) {
		crypto_xor(mac, in, KNTS_AES_BLOCK);
		aes_encrypt(k, mac, mac);
	}
	if (nlast == 2) {
		crypto_xor(mac, last, KNTS_AES_BLOCK);
		aes_encrypt(k, mac, mac);
		last += KNTS_AES_BLOCK;
	}
	crypto_xor(mac, last, KNTS_AES_BLOCK);
	crypto_xor(mac, mask, KNTS_AES_BLOCK);
	aes_encrypt(k, mac, mac);
}

/**
 * knts_aes_cmac() - CMAC's chain of blocks, its last block prepared
 * @k: schedule from knts_aes_expand()
 * @mac: out: the chain's value from a zero state
 * @in: @nblocks whole blocks
 * @nblocks: count, may be 0
 * @last: @nlast more blocks; the final one is xored with @mask
 * @nlast: 1 or 2
 * @mask: CMAC's subkey for the final block, with anything else the caller
 *	folds into it (S2V's xorend)
 * @simd: section token from knts_aes_begin()
 *
 * The caller pads a partial final block; no block is copied here.
 */
void knts_aes_cmac(const struct crypto_aes_ctx *k, u8 mac[KNTS_AES_BLOCK],
		   const u8 *in, size_t nblocks, const u8 *last, size_t nlast,
		   const u8 mask[KNTS_AES_BLOCK], bool simd)
{
	if (likely(simd))
		aesni_cmac(k->key_enc, mac, in, nblocks, last, nlast, mask);
	else
		aes_lib_cmac(k, mac, in, nblocks, last, nlast, mask);
}

/* knts_aes_ctr32()'s partial last block, or all of it on the library. */
static noinline void aes_ctr32_blocks(const struct crypto_aes_ctx *k,
				      u8 *ctr, const u8 *src, u8 *dst,
				      size_t len, bool simd)
{
	u8 ks[KNTS_AES_BLOCK];

	while (len) {
		size_t n = min_t(size_t, len, KNTS_AES_BLOCK);

		knts_aes_encrypt(k, ks, ctr, simd);
		crypto_xor_cpy(dst, src, ks, n);
		put_unaligned_be32(get_unaligned_be32(ctr + 12) + 1, ctr + 12);
		src += n;
		dst += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
}

/**
 * knts_aes_ctr32() - CTR mode with a 32-bit counter
 * @k: schedule from knts_aes_expand()
 * @ctr: counter block; its last 32 bits (big endian) are incremented per
 *	block, modulo 2^32, and left at the next unused value
 * @src: data in, any length
 * @dst: data out, @src itself or a buffer that does not overlap it
 * @len: length
 * @simd: section token from knts_aes_begin()
 *
 * AES-SIV clears the top bit of the counter's last word, so for fewer than
 * 2^31 blocks this is its 128-bit counter.
 */
void knts_aes_ctr32(const struct crypto_aes_ctx *k, u8 ctr[KNTS_AES_BLOCK],
		    const u8 *src, u8 *dst, size_t len, bool simd)
{
	size_t nblocks = len / KNTS_AES_BLOCK;

	if (likely(simd) && nblocks) {
		aesni_ctr32(k->key_enc, ctr, src, dst, nblocks);
		src += nblocks * KNTS_AES_BLOCK;
		dst += nblocks * KNTS_AES_BLOCK;
		len -= nblocks * KNTS_AES_BLOCK;
	}
	if (len)
		aes_ctr32_blocks(k, ctr, src, dst, len, simd);
}

/*
 * Nonces.  Each NTS reply carries fresh nonces in the clear: its
 * authenticator's and one per new cookie.  AES-SIV needs them unique under
 * their key (and stays secure even when they repeat, short of revealing
 * equal messages); RFC 8915's unlinkability needs more: a client's cookies
 * must not be recognisable as issued together, so the nonces must look
 * random to everyone but the server.  AES-128 over a counter, under a key
 * drawn from the kernel's CRNG, gives both: distinct inputs under one key
 * give distinct outputs, indistinguishable from random without the key.
 * It costs one AES block per nonce in the section the request already
 * holds, where 32 bytes from the CRNG cost about a ChaCha20 block.
 *
 * Each CPU has its own key and counter, redrawn every
 * %KNTS_NONCE_REKEY before the packet path opens its section; the key is as
 * secret as the master keys beside it (whoever reads this memory reads
 * those too) and is wiped at unload.  Without AES-NI in the current
 * section the CRNG serves directly: the table-based AES is not used on a
 * secret key.
 */
#define KNTS_NONCE_REKEY	(60 * HZ)
#define KNTS_NONCE_MAX		(KNTS_AES_BLOCK * 9)

struct knts_nonce_gen {
	struct crypto_aes_ctx k;
	u64 calls;
	unsigned long rekey_at;
	bool keyed;
};

static DEFINE_PER_CPU(struct knts_nonce_gen, knts_nonce_gen);
static const u8 knts_nonce_zero[KNTS_NONCE_MAX];

/**
 * knts_nonce_refresh() - (re)key this CPU's nonce generator when due
 *
 * Context: the packet path, before it opens its section: the CRNG may take
 *	a lock that sleeps on PREEMPT_RT, which a section (preemption off)
 *	must not.
 */
void knts_nonce_refresh(void)
{
	struct knts_nonce_gen *g = this_cpu_ptr(&knts_nonce_gen);
	u8 key[AES_KEYSIZE_128];

	if (!static_branch_likely(&knts_aesni) ||
	    likely(g->keyed && time_before(jiffies, g->rekey_at)))
		return;
	get_random_bytes(key, sizeof(key));
	/* The library's schedule is the one AES-NI reads. */
	knts_aes_expand(&g->k, key, false);
	memzero_explicit(key, sizeof(key));
	g->calls = 0;
	g->rekey_at = jiffies + KNTS_NONCE_REKEY;
	g->keyed = true;
}

/**
 * knts_nonce_bytes() - fresh nonce bytes for a reply
 * @buf: out
 * @len: bytes wanted
 * @simd: the token of the caller's section (knts_aes_begin())
 *
 * From this CPU's generator when the section has AES-NI and
 * knts_nonce_refresh() keyed it; else from the CRNG (no section is open
 * then, or a caller outside the packet path).
 */
void knts_nonce_bytes(void *buf, size_t len, bool simd)
{
	struct knts_nonce_gen *g;
	u8 blk[KNTS_AES_BLOCK];

	/* Per-CPU state only inside a section: preemption is off there. */
	if (simd && len <= KNTS_NONCE_MAX) {
		g = this_cpu_ptr(&knts_nonce_gen);
		if (likely(g->keyed)) {
			/* Input blocks: this call's number, then the block's. */
			put_unaligned_be64(g->calls++, blk);
			put_unaligned_be64(0, blk + 8);
			knts_aes_ctr32(&g->k, blk, knts_nonce_zero, buf, len,
				       true);
			memzero_explicit(blk, sizeof(blk));
			return;
		}
	}
	knts_random_bytes(buf, len);
}

/**
 * knts_aes_exit() - wipe the nonce keys, at unload
 *
 * Context: process context, the packet path stopped.
 */
void knts_aes_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memzero_explicit(per_cpu_ptr(&knts_nonce_gen, cpu),
				 sizeof(struct knts_nonce_gen));
}

/**
 * knts_aes_impl() - the implementation the module runs on
 *
 * Return: %KNTS_AES_NI or %KNTS_AES_GENERIC.
 */
enum knts_aes_impl knts_aes_impl(void)
{
	return static_branch_likely(&knts_aesni) ? KNTS_AES_NI :
						   KNTS_AES_GENERIC;
}

/**
 * knts_aes_impl_name() - a name for logs and status
 * @impl: implementation
 *
 * Return: a static string.
 */
const char *knts_aes_impl_name(enum knts_aes_impl impl)
{
	return impl == KNTS_AES_NI ? "aesni" : "generic";
}

/* FIPS-197 appendix C.1. */
static const u8 st_key[16] __initconst = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static const u8 st_pt[16] __initconst = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static const u8 st_ct[16] __initconst = {
	0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
	0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
};

/* What the batched paths must handle: around block boundaries, and long. */
static const u16 st_lens[] __initconst = {
	0, 1, 15, 16, 17, 31, 32, 33, 100, 1029,
};

#define ST_MAX	1029

struct knts_aes_st {
	struct crypto_aes_ctx ref, k;
	u8 buf[3][ST_MAX];
	u8 ctr[3][KNTS_AES_BLOCK];
};

/* The library against FIPS-197; returns 0 or -EINVAL. */
static int __init knts_aes_selftest_lib(struct knts_aes_st *t)
{
	u8 out[KNTS_AES_BLOCK];

	knts_aes_expand(&t->ref, st_key, false);
	knts_aes_encrypt(&t->ref, out, st_pt, false);
	return memcmp(out, st_ct, sizeof(out)) ? -EINVAL : 0;
}

/*
 * AES-NI against the library over every operation and length class, with
 * the counter's low word about to wrap so that the increment is checked
 * too.  Returns 0 or -EINVAL.
 */
static int __init knts_aes_selftest_ni(struct knts_aes_st *t)
{
	unsigned int i, j;
	bool simd;
	int err = 0;

	simd = knts_aes_begin();
	if (!simd)
		return -EAGAIN;
	knts_aes_expand(&t->k, st_key, true);
	if (memcmp(t->k.key_enc, t->ref.key_enc, 4 * 44))
		err = -EINVAL;
	knts_aes_encrypt(&t->k, t->buf[1], st_pt, true);
	if (memcmp(t->buf[1], st_ct, KNTS_AES_BLOCK))
		err = -EINVAL;
	for (i = 0; !err && i < ARRAY_SIZE(st_lens); i++) {
		unsigned int len = st_lens[i];

		for (j = 0; j < len; j++)
			t->buf[0][j] = (u8)(j * 7 + 3);
		memcpy(t->buf[1], t->buf[0], len);
		for (j = 0; j < 3; j++) {
			memset(t->ctr[j], 0xa5, KNTS_AES_BLOCK);
			put_unaligned_be32(0xfffffffe, t->ctr[j] + 12);
		}
		/* In place with AES-NI, out of place with the library. */
		knts_aes_ctr32(&t->k, t->ctr[1], t->buf[1], t->buf[1], len,
			       true);
		knts_aes_ctr32(&t->ref, t->ctr[0], t->buf[0], t->buf[2], len,
			       false);
		if (memcmp(t->buf[1], t->buf[2], len) ||
		    memcmp(t->ctr[0], t->ctr[1], KNTS_AES_BLOCK))
			err = -EINVAL;
		/* AES-NI out of place, back to the plaintext. */
		knts_aes_ctr32(&t->k, t->ctr[2], t->buf[1], t->buf[2], len,
			       true);
		if (memcmp(t->buf[0], t->buf[2], len))
			err = -EINVAL;
		/* One or two last blocks, after none or some whole ones. */
		knts_aes_cmac(&t->k, t->ctr[1], t->buf[0], len / KNTS_AES_BLOCK,
			      st_pt, 1 + i % 2, st_key, true);
		knts_aes_cmac(&t->ref, t->ctr[0], t->buf[0],
			      len / KNTS_AES_BLOCK, st_pt, 1 + i % 2, st_key,
			      false);
		if (memcmp(t->ctr[0], t->ctr[1], KNTS_AES_BLOCK))
			err = -EINVAL;
	}
	knts_aes_end(simd);
	return err;
}

/**
 * knts_aes_init() - choose the implementation, after a self-test
 *
 * Context: process context, at module load.
 * Return: 0, -EINVAL for a bad parameter or a library that fails FIPS-197,
 *	or -ENOMEM.
 */
int __init knts_aes_init(void)
{
	bool want_ni = true;
	struct knts_aes_st *t;
	int err;

	if (!strcmp(aes, "generic")) {
		want_ni = false;
	} else if (strcmp(aes, "auto")) {
		pr_err("knts: aes=%s: use auto or generic\n", aes);
		return -EINVAL;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	err = knts_aes_selftest_lib(t);
	if (err) {
		pr_err("knts: the kernel's AES library fails FIPS-197\n");
		goto out;
	}
	if (!want_ni) {
		pr_warn("knts: AES: generic, as the aes parameter asks: table-based, not constant time\n");
		goto out;
	}
	if (!knts_cpu_has_aesni()) {
		pr_warn("knts: AES: generic: this CPU has no AES-NI; the table-based AES is slow and not constant time\n");
		goto out;
	}
	static_branch_enable(&knts_aesni);
	err = knts_aes_selftest_ni(t);
	if (err) {
		static_branch_disable(&knts_aesni);
		pr_err("knts: AES: generic: the AES-NI self-test failed (%d); the table-based AES is slow and not constant time\n",
		       err);
		err = 0;
		goto out;
	}
	pr_info("knts: AES: aesni (batched, self-test passed)\n");
out:
	kfree_sensitive(t);
	return err;
}
