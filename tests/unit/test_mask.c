/*
 * test_mask.c - the streaming matcher: every way a value can be cut
 * across reads, its encoded forms, values that overlap or begin one
 * another, what is held back, and a brute-force model of the rules run
 * against random input and random cuts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "mask.h"

/* ---- helpers ------------------------------------------------------ */

static int
collect(void *arg, const void *p, size_t n)
{
	return sr_buf_put(arg, p, n);
}

/* A built mask over NULL-terminated name, value pairs. */
static sr_mask *
mask_of(const char *const *pairs)
{
	sr_err err = SR_ERR_INIT;
	sr_mask *m;

	assert_int_equal(sr_mask_new(&m, &err), 0);
	for (; pairs[0] != NULL; pairs += 2)
		assert_int_equal(sr_mask_add(m, pairs[0], strlen(pairs[0]),
		    (const unsigned char *)pairs[1], strlen(pairs[1]), &err),
		    0);
	assert_int_equal(sr_mask_build(m, &err), 0);
	return m;
}

/* in[0..n) fed in pieces cut at cuts[0..ncuts) (ascending); the output
 * into a malloc'd string. */
static char *
run_cuts(const sr_mask *m, const char *in, size_t n, const size_t *cuts,
    size_t ncuts)
{
	sr_err err = SR_ERR_INIT;
	sr_mask_stream *s;
	sr_buf b = SR_BUF_INIT;
	size_t i, at = 0;

	assert_int_equal(sr_mask_stream_new(&s, m, &err), 0);
	for (i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;
		assert_int_equal(sr_mask_feed(s, in + at, to - at, collect, &b),
		    0);
		at = to;
	}
	assert_int_equal(sr_mask_flush(s, collect, &b), 0);
	sr_mask_stream_free(s);
	sr_buf_put(&b, "", 0);
	assert_false(b.failed);
	return b.p;
}

static char *
run_whole(const sr_mask *m, const char *in)
{
	return run_cuts(m, in, strlen(in), NULL, 0);
}

static void
expect(const sr_mask *m, const char *in, const char *want)
{
	char *got = run_whole(m, in);

	assert_string_equal(got, want);
	free(got);
}

/* ---- values whole and cut ----------------------------------------- */

static void
test_whole(void **state)
{
	const char *const v[] = { "TOKEN", "ghp_s3cr3tValue", NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	assert_int_equal(sr_mask_count(m), 1);
	expect(m, "ghp_s3cr3tValue", "[REDACTED:TOKEN]");
	expect(m, "token=ghp_s3cr3tValue\n", "token=[REDACTED:TOKEN]\n");
	expect(m, "ghp_s3cr3tValueghp_s3cr3tValue",
	    "[REDACTED:TOKEN][REDACTED:TOKEN]");
	expect(m, "ghp_s3cr3tValu", "ghp_s3cr3tValu");
	expect(m, "", "");
	expect(m, "nothing to see here, move along",
	    "nothing to see here, move along");
	sr_mask_free(m);
}

/* Every one and every pair of cut points, around the value and in it. */
static void
test_every_split(void **state)
{
	const char *const v[] = { "K", "s3cr3t!", NULL };
	const char *in = "ab s3cr3t! cd s3cr3s3cr3t!";
	const char *want = "ab [REDACTED:K] cd s3cr3[REDACTED:K]";
	sr_mask *m = mask_of(v);
	size_t n = strlen(in), i, j;

	(void)state;
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			size_t cuts[2] = { i, j };
			char *got = run_cuts(m, in, n, cuts, 2);
			assert_string_equal(got, want);
			free(got);
		}
	}
	sr_mask_free(m);
}

static void
test_byte_by_byte(void **state)
{
	const char *const v[] = { "PEM", "-----BEGIN KEY-----\nAAAA\n", NULL };
	const char *in = "key: -----BEGIN KEY-----\nAAAA\n.";
	size_t n = strlen(in), cuts[64], i;
	sr_mask *m = mask_of(v);
	char *got;

	(void)state;
	for (i = 1; i < n; i++)
		cuts[i - 1] = i;
	got = run_cuts(m, in, n, cuts, n - 1);
	assert_string_equal(got, "key: [REDACTED:PEM].");
	free(got);
	sr_mask_free(m);
}

/* A multi-line value as a terminal shows it (ONLCR: every LF as CR LF),
 * whole and a byte at a time; the LF form and a value already holding
 * CR LF (which ONLCR makes CR CR LF) too. */
static void
test_crlf(void **state)
{
	const char *const v[] = {
		"PEM", "-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----\n",
		"WIN", "line one\r\nline two", NULL,
	};
	const char *in = "a -----BEGIN KEY-----\r\nAAAA\r\nBBBB\r\n"
	    "-----END KEY-----\r\n b -----BEGIN KEY-----\nAAAA\nBBBB\n"
	    "-----END KEY-----\n c line one\r\r\nline two d line one\r\n"
	    "line two e -----BEGIN KEY-----\r\nAAAA\r\nBBBX";
	const char *want = "a [REDACTED:PEM] b [REDACTED:PEM] c [REDACTED:WIN]"
	    " d [REDACTED:WIN] e -----BEGIN KEY-----\r\nAAAA\r\nBBBX";
	size_t n = strlen(in), cuts[512], i;
	sr_mask *m = mask_of(v);
	char *got;

	(void)state;
	expect(m, in, want);
	for (i = 1; i < n; i++)
		cuts[i - 1] = i;
	got = run_cuts(m, in, n, cuts, n - 1);
	assert_string_equal(got, want);
	free(got);
	sr_mask_free(m);
}

/* ---- overlaps and prefixes ---------------------------------------- */

static void
test_prefix_of_another(void **state)
{
	const char *const v[] = { "SHORT", "secret1", "LONG", "secret1-long",
	    NULL };
	const char *in = "secret1-long secret1-lo secret1";
	const char *want = "[REDACTED:LONG] [REDACTED:SHORT]-lo "
	    "[REDACTED:SHORT]";
	sr_mask *m = mask_of(v);
	size_t n = strlen(in), i;

	(void)state;
	for (i = 0; i <= n; i++) {
		char *got = run_cuts(m, in, n, &i, 1);
		assert_string_equal(got, want);
		free(got);
	}
	sr_mask_free(m);
}

static void
test_overlapping(void **state)
{
	const char *const v[] = { "A", "abcdefgh", "B", "efghijkl", "C",
	    "cdefghij", NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	/* every byte that belongs to a value is hidden */
	expect(m, "abcdefghijkl", "[REDACTED:A][REDACTED:B]");
	expect(m, "xxefghijklxx", "xx[REDACTED:B]xx");
	expect(m, "abcdefghij", "[REDACTED:A][REDACTED:C]");
	sr_mask_free(m);
}

static void
test_suffix_inside(void **state)
{
	/* the shorter value ends where the longer one does */
	const char *const v[] = { "IN", "789abc", "OUT", "0123456789abc",
	    NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	expect(m, "x0123456789abcx", "x[REDACTED:OUT]x");
	expect(m, "x456789abcx", "x456[REDACTED:IN]x");
	sr_mask_free(m);
}

static void
test_repeated_chars(void **state)
{
	const char *const v[] = { "R", "aaaaab", NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	expect(m, "aaaaaaaaaab", "aaaaa[REDACTED:R]");
	expect(m, "aaaaaaaaaa", "aaaaaaaaaa");
	sr_mask_free(m);
}

/* ---- forms -------------------------------------------------------- */

static char *
b64(const char *s, size_t n, int variant)
{
	size_t len = sodium_base64_ENCODED_LEN(n, variant);
	char *out = malloc(len);

	assert_non_null(out);
	sodium_bin2base64(out, len, (const unsigned char *)s, n, variant);
	return out;
}

/* v base64'd after 0, 1 and 2 other bytes, both alphabets, padded or
 * not: never legible. */
static void
test_base64(void **state)
{
	static const char value[] = "s3cr3t?>~value+/";
	const char *const v[] = { "B64", value, NULL };
	const int variants[] = { sodium_base64_VARIANT_ORIGINAL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING };
	sr_mask *m = mask_of(v);
	char in[64], *enc, *got, *plain;
	size_t a, k;

	(void)state;
	for (a = 0; a < 3; a++) {
		for (k = 0; k < 2; k++) {
			snprintf(in, sizeof(in), "%.*s%s!", (int)a, "xy",
			    value);
			enc = b64(in, strlen(in), variants[k]);
			got = run_whole(m, enc);
			assert_non_null(strstr(got, "[REDACTED:B64]"));
			/* only what encodes the bytes around it is left */
			assert_true(strlen(got) <= 14 + 7);
			plain = b64(value, strlen(value), variants[k]);
			plain[8] = '\0';
			assert_null(strstr(got, plain + 2));
			free(plain);
			free(got);
			free(enc);
		}
	}
	sr_mask_free(m);
}

static void
test_json_and_percent(void **state)
{
	const char *const v[] = { "J", "pa\"ss\\wo/rd\n\x01", "P",
	    "a b&c=d/e", NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	expect(m, "{\"k\":\"pa\\\"ss\\\\wo/rd\\n\\u0001\"}",
	    "{\"k\":\"[REDACTED:J]\"}");
	expect(m, "{\"k\":\"pa\\\"ss\\\\wo\\/rd\\n\\u0001\"}",
	    "{\"k\":\"[REDACTED:J]\"}");
	expect(m, "?q=a%20b%26c%3Dd%2Fe&x", "?q=[REDACTED:P]&x");
	expect(m, "?q=a%20b%26c%3dd%2fe&x", "?q=[REDACTED:P]&x");
	expect(m, "/p/a%20b%26c%3Dd/e", "/p/[REDACTED:P]");
	sr_mask_free(m);
}

/* The forms the leak check had first (forms.h): hex in either case, every
 * byte %XX, form encoding with each encoder's keep set; written by hand. */
static void
test_hex_and_url_forms(void **state)
{
	const char *const v[] = { "H", "ab~cd e*", NULL };
	sr_mask *m = mask_of(v);

	(void)state;
	expect(m, "x=61627e636420652a;", "x=[REDACTED:H];");
	expect(m, "x=61627E636420652A;", "x=[REDACTED:H];");
	expect(m, "%61%62%7E%63%64%20%65%2A", "[REDACTED:H]");
	expect(m, "%61%62%7e%63%64%20%65%2a", "[REDACTED:H]");
	expect(m, "q=ab~cd+e%2A&", "q=[REDACTED:H]&");		/* Python */
	expect(m, "q=ab%7Ecd+e*&", "q=[REDACTED:H]&");		/* WHATWG */
	expect(m, "q=ab%7ecd+e%2a&", "q=[REDACTED:H]&");	/* PHP */
	/* a control: mixed case is no encoder's output */
	expect(m, "61627e636420652A", "61627e636420652A");
	sr_mask_free(m);
}

static void
test_short_values(void **state)
{
	sr_err err = SR_ERR_INIT;
	sr_mask *m;

	(void)state;
	assert_int_equal(sr_mask_new(&m, &err), 0);
	assert_int_equal(sr_mask_add(m, "S", 1, (const unsigned char *)"12345",
	    5, &err), 1);
	assert_int_equal(sr_mask_add(m, "L", 1, (const unsigned char *)"123456",
	    6, &err), 0);
	assert_int_equal(sr_mask_build(m, &err), 0);
	assert_int_equal(sr_mask_count(m), 1);
	expect(m, "12345 123456", "12345 [REDACTED:L]");
	sr_mask_free(m);
}

static void
test_no_values(void **state)
{
	sr_err err = SR_ERR_INIT;
	sr_mask *m;

	(void)state;
	assert_int_equal(sr_mask_new(&m, &err), 0);
	assert_int_equal(sr_mask_build(m, &err), 0);
	assert_int_equal(sr_mask_count(m), 0);
	expect(m, "anything", "anything");
	sr_mask_free(m);
}

/* ---- what is held back -------------------------------------------- */

static void
test_holds_back_only_prefixes(void **state)
{
	const char *const v[] = { "T", "topsecret", NULL };
	sr_mask *m = mask_of(v);
	sr_err err = SR_ERR_INIT;
	sr_mask_stream *s;
	sr_buf b = SR_BUF_INIT;

	(void)state;
	assert_int_equal(sr_mask_stream_new(&s, m, &err), 0);
	assert_int_equal(sr_mask_feed(s, "a line\n", 7, collect, &b), 0);
	assert_int_equal(b.len, 7);	/* no prefix: all out at once */
	assert_int_equal(sr_mask_feed(s, "x tops", 6, collect, &b), 0);
	assert_int_equal(b.len, 9);	/* "tops" may begin the value */
	assert_int_equal(sr_mask_feed(s, "oil", 3, collect, &b), 0);
	assert_int_equal(b.len, 16);	/* it did not */
	assert_int_equal(sr_mask_feed(s, "topsecre", 8, collect, &b), 0);
	assert_int_equal(sr_mask_feed(s, "t", 1, collect, &b), 0);
	assert_int_equal(b.len, 16 + 12);
	assert_memory_equal(b.p, "a line\nx topsoil[REDACTED:T]", b.len);
	assert_int_equal(sr_mask_feed(s, "topsec", 6, collect, &b), 0);
	assert_int_equal(sr_mask_flush(s, collect, &b), 0);
	assert_memory_equal(b.p + 28, "topsec", 6);
	sr_mask_stream_free(s);
	sr_buf_free(&b);
	sr_mask_free(m);
}

/* Binary output passes through byte for byte, NULs included. */
static void
test_binary(void **state)
{
	const char *const w[] = { "V", "bin\x7fval\xfe", NULL };
	sr_mask *m = mask_of(w);
	unsigned char in[70000];
	size_t cuts[3] = { 1, 4096, 65536 };
	char *got;

	(void)state;
	randombytes_buf_deterministic(in, sizeof(in),
	    (const unsigned char *)"0123456789abcdef0123456789abcdef");
	in[sizeof(in) - 1] = '\0';
	memcpy(in + 4090, "bin\x7fval\xfe", 8);
	got = run_cuts(m, (const char *)in, sizeof(in), cuts, 3);
	assert_memory_equal(got, in, 4090);
	assert_memory_equal(got + 4090, "[REDACTED:V]", 12);
	assert_memory_equal(got + 4102, in + 4098, sizeof(in) - 4098);
	free(got);
	sr_mask_free(m);
}

/* ---- a model of the rules ----------------------------------------- */

/*
 * The rules, offline and by brute force: at each end position the
 * longest value ending there; it swallows earlier matches that start
 * inside it and starts where an earlier one ends.
 */
static char *
model(const char *const *v, size_t nv, const char *in, size_t n)
{
	struct { size_t s, e, k; } cov[256];
	size_t ncov = 0, e, k, i, at = 0;
	sr_buf b = SR_BUF_INIT;
	char mark[32];

	for (e = 1; e <= n; e++) {
		size_t best = 0, bk = 0, s;
		for (k = 0; k < nv; k++) {
			size_t l = strlen(v[2 * k + 1]);
			if (l <= e && l > best && memcmp(in + e - l,
			    v[2 * k + 1], l) == 0) {
				best = l;
				bk = k;
			}
		}
		if (best == 0)
			continue;
		s = e - best;
		while (ncov > 0 && cov[ncov - 1].s >= s)
			ncov--;
		if (ncov > 0 && cov[ncov - 1].e > s)
			s = cov[ncov - 1].e;
		if (s < e && ncov < 256) {
			cov[ncov].s = s;
			cov[ncov].e = e;
			cov[ncov++].k = bk;
		}
	}
	for (i = 0; i < ncov; i++) {
		sr_buf_put(&b, in + at, cov[i].s - at);
		snprintf(mark, sizeof(mark), "[REDACTED:%s]", v[2 * cov[i].k]);
		sr_buf_put(&b, mark, strlen(mark));
		at = cov[i].e;
	}
	sr_buf_put(&b, in + at, n - at);
	return b.p;
}

/*
 * Values over {a, b}; text over {a, b} (overlaps everywhere, the skip
 * never jumps) or over a..p with values planted (the skip jumps between
 * them). The values' other forms (base64, ...) always hold a capital or
 * a digit, so only the raw form can match, as in the model.
 */
static void
random_text(char *text, size_t n, int wide, char vals[4][12])
{
	size_t i, k;

	for (i = 0; i < n; i++)
		text[i] = wide ? "abcdefghijklmnop"[rand() % 16] :
		    "ab"[rand() % 2];
	for (k = 0; wide && k < 6 && n > 20; k++) {
		const char *v = vals[rand() % 4];
		size_t at = (size_t)rand() % (n - strlen(v));
		memcpy(text + at, v, strlen(v));
	}
}

static void
test_against_model(void **state)
{
	char vals[4][12], text[400];
	const char *v[9];
	size_t round, i, k, n, cuts[8];

	(void)state;
	srand(7);
	for (round = 0; round < 6000; round++) {
		for (k = 0; k < 4; k++) {
			size_t l = 6 + (size_t)rand() % 5;
			for (i = 0; i < l; i++)
				vals[k][i] = "ab"[rand() % 2];
			vals[k][l] = '\0';
			v[2 * k] = (const char *[]){ "W", "X", "Y", "Z" }[k];
			v[2 * k + 1] = vals[k];
		}
		v[8] = NULL;
		n = (size_t)rand() % sizeof(text);
		random_text(text, n, round % 2, vals);
		for (i = 0; i < 8; i++)
			cuts[i] = n ? (size_t)rand() % (n + 1) : 0;
		for (i = 1; i < 8; i++)	/* insertion sort */
			for (k = i; k > 0 && cuts[k - 1] > cuts[k]; k--) {
				size_t t = cuts[k];
				cuts[k] = cuts[k - 1];
				cuts[k - 1] = t;
			}
		{
			sr_mask *m = mask_of(v);
			char *want = model(v, 4, text, n);
			char *got = run_cuts(m, text, n, cuts, 8);
			assert_string_equal(got, want);
			free(want);
			free(got);
			sr_mask_free(m);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_prefix_of_another),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_suffix_inside),
		cmocka_unit_test(test_repeated_chars),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_json_and_percent),
		cmocka_unit_test(test_hex_and_url_forms),
		cmocka_unit_test(test_short_values),
		cmocka_unit_test(test_no_values),
		cmocka_unit_test(test_holds_back_only_prefixes),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_against_model),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
