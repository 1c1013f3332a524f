/*
 * polycollide.h - for test_vault_attacks.c: one XChaCha20-Poly1305
 * ciphertext that authenticates under two keys (issue 16, attack 4), as
 * a member who holds both keys can make it. Poly1305 is linear in the
 * message blocks once the key is known, so two free ciphertext blocks
 * x, y solve the two tag equations over GF(2^130 - 5):
 *
 *     A_i + x r_i^(L-a) + y r_i^(L-a-1) = T - s_i    (i = 1, 2)
 *
 * (A_i: the known blocks' part; T: a random common tag), retried until
 * x and y are 16-byte blocks. Header-only, for tests: 5 x 26-bit limbs as
 * in poly1305-donna. Not constant time; never for real keys.
 */
#ifndef SR_TEST_POLYCOLLIDE_H
#define SR_TEST_POLYCOLLIDE_H

#include <stdint.h>
#include <string.h>

#include <sodium.h>

typedef struct { uint64_t l[5]; } pc_fe;
#define PC_M 0x3ffffffULL

static void
pc_carry(pc_fe *a)
{
	uint64_t c;
	int i;

	for (i = 0; i < 4; i++) {
		c = a->l[i] >> 26;
		a->l[i] &= PC_M;
		a->l[i + 1] += c;
	}
	c = a->l[4] >> 26;
	a->l[4] &= PC_M;
	a->l[0] += c * 5;
	c = a->l[0] >> 26;
	a->l[0] &= PC_M;
	a->l[1] += c;
}

/* The canonical value (< p). */
static void
pc_reduce(pc_fe *a)
{
	pc_fe g;
	int i;

	pc_carry(a);
	pc_carry(a);
	g = *a;
	g.l[0] += 5;
	for (i = 0; i < 4; i++) {
		g.l[i + 1] += g.l[i] >> 26;
		g.l[i] &= PC_M;
	}
	if (g.l[4] >> 26) {		/* a + 5 >= 2^130: a >= p */
		g.l[4] &= PC_M;
		*a = g;
	}
}

static pc_fe
pc_add(pc_fe a, pc_fe b)
{
	int i;

	for (i = 0; i < 5; i++)
		a.l[i] += b.l[i];
	pc_carry(&a);
	return a;
}

static pc_fe
pc_sub(pc_fe a, pc_fe b)
{
	static const uint64_t twop[5] = { 0x7fffff6, 0x7fffffe, 0x7fffffe,
	    0x7fffffe, 0x7fffffe };
	int i;

	pc_carry(&b);
	for (i = 0; i < 5; i++)
		a.l[i] = a.l[i] + twop[i] - b.l[i];
	pc_carry(&a);
	return a;
}

static pc_fe
pc_mul(pc_fe a, pc_fe b)
{
	uint64_t d[5], *x = a.l, *y = b.l;
	uint64_t s1 = y[1] * 5, s2 = y[2] * 5, s3 = y[3] * 5, s4 = y[4] * 5;
	pc_fe r;
	int i;

	d[0] = x[0] * y[0] + x[1] * s4 + x[2] * s3 + x[3] * s2 + x[4] * s1;
	d[1] = x[0] * y[1] + x[1] * y[0] + x[2] * s4 + x[3] * s3 + x[4] * s2;
	d[2] = x[0] * y[2] + x[1] * y[1] + x[2] * y[0] + x[3] * s4 + x[4] * s3;
	d[3] = x[0] * y[3] + x[1] * y[2] + x[2] * y[1] + x[3] * y[0] + x[4] * s4;
	d[4] = x[0] * y[4] + x[1] * y[3] + x[2] * y[2] + x[3] * y[1] + x[4] * y[0];
	for (i = 0; i < 5; i++)
		r.l[i] = d[i];
	pc_carry(&r);
	return r;
}

static pc_fe
pc_pow(pc_fe a, unsigned e)
{
	pc_fe r = { { 1, 0, 0, 0, 0 } };

	while (e--)
		r = pc_mul(r, a);
	return r;
}

/* a^(p-2) = a^(2^130 - 7): the inverse. */
static pc_fe
pc_inv(pc_fe a)
{
	pc_fe r = { { 1, 0, 0, 0, 0 } };
	int i;

	/* exponent bits, high to low: 127 ones, then 001 (2^130-7 =
	 * 0b11...1001 with 127 leading ones) */
	for (i = 129; i >= 0; i--) {
		r = pc_mul(r, r);
		if (i >= 3 || i == 0)
			r = pc_mul(r, a);
	}
	return r;
}

/* 16 little-endian bytes, plus 2^128 when hibit. */
static pc_fe
pc_load(const unsigned char b[16], int hibit)
{
	uint64_t t[4];
	pc_fe a;
	int i;

	for (i = 0; i < 4; i++)
		t[i] = (uint64_t)b[4 * i] | (uint64_t)b[4 * i + 1] << 8 |
		    (uint64_t)b[4 * i + 2] << 16 | (uint64_t)b[4 * i + 3] << 24;
	a.l[0] = t[0] & PC_M;
	a.l[1] = (t[0] >> 26 | t[1] << 6) & PC_M;
	a.l[2] = (t[1] >> 20 | t[2] << 12) & PC_M;
	a.l[3] = (t[2] >> 14 | t[3] << 18) & PC_M;
	a.l[4] = t[3] >> 8 | (uint64_t)(hibit ? 1 : 0) << 24;
	return a;
}

/* The low 16 bytes of canonical a; the bits above them. */
static unsigned
pc_store(unsigned char b[16], pc_fe a)
{
	unsigned __int128 v;
	int i;

	pc_reduce(&a);
	v = (unsigned __int128)a.l[0] | (unsigned __int128)a.l[1] << 26 |
	    (unsigned __int128)a.l[2] << 52 | (unsigned __int128)a.l[3] << 78 |
	    (unsigned __int128)a.l[4] << 104;
	for (i = 0; i < 16; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return (unsigned)(a.l[4] >> 24);
}

static unsigned __int128
pc_le128(const unsigned char b[16])
{
	unsigned __int128 v = 0;
	int i;

	for (i = 15; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* The Poly1305 key and keystream of XChaCha20-Poly1305-IETF (libsodium):
 * HChaCha20 on the first 16 nonce bytes, then ChaCha20-IETF with
 * 0^4 || the last 8; block 0 is the Poly1305 key, block 1 on the data. */
static void
pc_keys(unsigned char pk[32], unsigned char *ks, size_t n,
    const unsigned char key[32], const unsigned char nonce[24])
{
	unsigned char k2[32], n2[12] = { 0 }, block0[64] = { 0 };

	crypto_core_hchacha20(k2, nonce, key, NULL);
	memcpy(n2 + 4, nonce + 16, 8);
	crypto_stream_chacha20_ietf_xor_ic(block0, block0, 64, n2, 0, k2);
	memcpy(pk, block0, 32);
	memset(ks, 0, n);
	crypto_stream_chacha20_ietf_xor_ic(ks, ks, n, n2, 1, k2);
	sodium_memzero(k2, sizeof(k2));
}

/* Horner over the message blocks, block `skip` and `skip + 1` as 0. */
static pc_fe
pc_poly(const unsigned char *msg, size_t nblocks, pc_fe r, size_t skip)
{
	pc_fe acc = { { 0 } };
	size_t j;

	for (j = 0; j < nblocks; j++) {
		if (j != skip && j != skip + 1)
			acc = pc_add(acc, pc_load(msg + 16 * j, 1));
		acc = pc_mul(acc, r);
	}
	return acc;
}

/*
 * out (32 + 16 bytes): a 32-byte ciphertext and its tag that
 * crypto_aead_xchacha20poly1305_ietf_decrypt accepts under key1 and under
 * key2 with nonce and ad (adlen at most 480). 0, or -1 if no solution
 * came in 1000 tries (each succeeds about 1 time in 16).
 */
static int
pc_collide(unsigned char out[48], const unsigned char key1[32],
    const unsigned char key2[32], const unsigned char nonce[24],
    const unsigned char *ad, size_t adlen)
{
	unsigned char pk[2][32], ks[32], msg[512] = { 0 }, t[16], h[16];
	size_t a = (adlen + 15) / 16, L = a + 2 + 1, j, i;
	pc_fe r[2], A[2], u[2], w[2], H[2], det, x, y;
	unsigned __int128 s[2], tag;
	int tries;

	if (adlen > 480)
		return -1;
	memcpy(msg, ad, adlen);
	for (j = 0; j < 8; j++) {	/* le64(adlen), le64(32) */
		msg[16 * (a + 2) + j] = (unsigned char)((uint64_t)adlen >>
		    (8 * j));
		msg[16 * (a + 2) + 8 + j] = (unsigned char)((uint64_t)32 >>
		    (8 * j));
	}
	for (i = 0; i < 2; i++) {
		unsigned char rb[16];
		pc_keys(pk[i], ks, 32, i ? key2 : key1, nonce);
		memcpy(rb, pk[i], 16);
		rb[3] &= 15; rb[7] &= 15; rb[11] &= 15; rb[15] &= 15;
		rb[4] &= 252; rb[8] &= 252; rb[12] &= 252;
		r[i] = pc_load(rb, 0);
		s[i] = pc_le128(pk[i] + 16);
		A[i] = pc_poly(msg, L, r[i], a);
		u[i] = pc_pow(r[i], (unsigned)(L - a));
		w[i] = pc_pow(r[i], (unsigned)(L - a - 1));
	}
	det = pc_sub(pc_mul(u[0], w[1]), pc_mul(u[1], w[0]));
	det = pc_inv(det);
	for (tries = 0; tries < 1000; tries++) {
		randombytes_buf(t, sizeof(t));
		tag = pc_le128(t);
		for (i = 0; i < 2; i++) {
			unsigned __int128 hi = tag - s[i];	/* mod 2^128 */
			for (j = 0; j < 16; j++)
				h[j] = (unsigned char)(hi >> (8 * j));
			H[i] = pc_sub(pc_load(h, 0), A[i]);
		}
		x = pc_mul(pc_sub(pc_mul(H[0], w[1]), pc_mul(H[1], w[0])), det);
		y = pc_mul(pc_sub(pc_mul(u[0], H[1]), pc_mul(u[1], H[0])), det);
		if (pc_store(out, x) != 1 || pc_store(out + 16, y) != 1)
			continue;	/* not a 16-byte block (+ 2^128) */
		memcpy(out + 32, t, 16);
		return 0;
	}
	return -1;
}

#endif
