/*
 * test_scan.c - the known-value matcher: every form of a value is found
 * where a real encoder puts it (base64 of the value inside longer data at
 * each alignment, both alphabets; hex in both cases; percent-encoding),
 * at the right line and column, and nothing else is: random text against
 * a thousand random values, values split across lines, short values.
 * The encoders here are written from the RFCs, apart from scan.c's.
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

#include "scan.h"

typedef struct hits {
	size_t n;
	sr_scan_hit v[64];
} hits;

static int
collect(void *arg, const sr_scan_hit *h)
{
	hits *hs = arg;

	if (hs->n < sizeof(hs->v) / sizeof(hs->v[0]))
		hs->v[hs->n] = *h;
	hs->n++;
	return 0;
}

static sr_scan *
scan_of(const char *const *names, const unsigned char *const *values,
    const size_t *lens, size_t n)
{
	sr_err err = SR_ERR_INIT;
	sr_scan *s;
	size_t i;

	assert_int_equal(sr_scan_new(&s, &err), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(sr_scan_add(s, names[i], values[i], lens[i],
		    &err), 0);
	assert_int_equal(sr_scan_build(s, &err), 0);
	return s;
}

static sr_scan *
scan_one(const char *name, const char *value)
{
	const unsigned char *v = (const unsigned char *)value;
	size_t len = strlen(value);

	return scan_of(&name, &v, &len, 1);
}

static hits
scan_text(const sr_scan *s, const void *text, size_t len)
{
	hits h;

	memset(&h, 0, sizeof(h));
	assert_int_equal(sr_scan_buf(s, text, len, collect, &h), 0);
	return h;
}

/* RFC 4648 base64, padded, of in[0..n). */
static size_t
b64(char *out, const unsigned char *in, size_t n, int url)
{
	const char *a = url ?
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" :
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

static int
has(const hits *h, size_t secret, sr_form form)
{
	size_t i;

	for (i = 0; i < h->n && i < 64; i++)
		if (h->v[i].secret == secret && h->v[i].form == form)
			return 1;
	return 0;
}

static void
test_raw_position(void **state)
{
	sr_scan *s = scan_one("TOKEN", "tok_0123456789abcdef");
	const char text[] = "first line\nsecond\n    x=tok_0123456789abcdef;\n";
	hits h = scan_text(s, text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].secret, 0);
	assert_int_equal(h.v[0].form, SR_FORM_RAW);
	assert_int_equal(h.v[0].line, 3);
	assert_int_equal(h.v[0].column, 7);
	assert_int_equal(h.v[0].offset, 24);
	assert_string_equal(sr_scan_name(s, 0), "TOKEN");
	/* at the very start and the very end of the text */
	h = scan_text(s, "tok_0123456789abcdef", 20);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].column, 1);
	h = scan_text(s, "\n\nxtok_0123456789abcdef", 23);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].line, 3);
	assert_int_equal(h.v[0].column, 2);
	/* shorter than a key: nothing, and no read past the end */
	h = scan_text(s, "tok_", 4);
	assert_int_equal(h.n, 0);
	sr_scan_free(s);
}

static void
test_split_and_near_misses(void **state)
{
	sr_scan *s = scan_one("TOKEN", "tok_0123456789abcdef");
	static const char *const texts[] = {
		"tok_01234567\n89abcdef",	/* split across lines */
		"tok_0123456789abcde",		/* one byte short */
		"tok_0123456789abcdeF",		/* one byte changed */
		"TOK_0123456789ABCDEF",		/* case matters for raw */
		"Xok_0123456789abcdef",
	};
	hits h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		h = scan_text(s, texts[i], strlen(texts[i]));
		assert_int_equal(h.n, 0);
	}
	sr_scan_free(s);
}

static void
test_short_values(void **state)
{
	sr_err err = SR_ERR_INIT;
	sr_scan *s;

	(void)state;
	assert_int_equal(sr_scan_new(&s, &err), 0);
	assert_int_equal(sr_scan_add(s, "PIN", (const unsigned char *)"1234",
	    4, &err), 1);
	assert_int_equal(sr_scan_add(s, "SEVEN",
	    (const unsigned char *)"1234567", 7, &err), 1);
	assert_int_equal(sr_scan_add(s, "EIGHT",
	    (const unsigned char *)"12345678", 8, &err), 0);
	assert_int_equal(sr_scan_build(s, &err), 0);
	assert_int_equal(sr_scan_count(s), 1);
	assert_int_equal(sr_scan_nskipped(s), 2);
	assert_string_equal(sr_scan_skipped(s, 0), "PIN");
	assert_string_equal(sr_scan_skipped(s, 1), "SEVEN");
	assert_int_equal(scan_text(s, "x1234567x", 9).n, 0);
	assert_int_equal(scan_text(s, "x12345678x", 10).n, 1);
	/* adding after the build is refused */
	assert_int_equal(sr_scan_add(s, "LATE",
	    (const unsigned char *)"abcdefghij", 10, &err), -1);
	sr_scan_free(s);
}

static void
test_hex_both_cases(void **state)
{
	sr_scan *s = scan_one("K", "\x01\xab\xcd\xef secret!");
	hits h;

	(void)state;
	h = scan_text(s, "k=01abcdef2073656372657421;", 27);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_HEX);
	assert_int_equal(h.v[0].column, 3);
	h = scan_text(s, "01ABCDEF2073656372657421", 24);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_HEX);
	h = scan_text(s, "01abcdef2073656372657422", 24);
	assert_int_equal(h.n, 0);
	sr_scan_free(s);
}

static void
test_percent(void **state)
{
	sr_scan *s = scan_one("DB", "p@ss w/rd:Z9!x");
	const char up[] = "postgres://u:p%40ss%20w%2Frd%3AZ9%21x@db/app";
	const char low[] = "p%40ss%20w%2frd%3aZ9%21x";
	hits h;

	(void)state;
	h = scan_text(s, up, sizeof(up) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_PERCENT);
	assert_int_equal(h.v[0].column, 14);
	h = scan_text(s, low, sizeof(low) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_PERCENT);
	sr_scan_free(s);
	/* no reserved byte: the percent form is the raw value, kept once */
	s = scan_one("PLAIN", "ABCDEFGHIJKL");
	/* raw, 2 hex, 3 b64, every byte %XX in 2 cases */
	assert_int_equal(sr_scan_patterns(s), 8);
	h = scan_text(s, "ABCDEFGHIJKL", 12);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_RAW);
	sr_scan_free(s);
}

/* Every byte %XX (issue 11), in either case, written here by hand. */
static void
test_percent_every_byte(void **state)
{
	sr_scan *s = scan_one("TOK", "ghp_Ab9~");
	const char up[] = "t=%67%68%70%5F%41%62%39%7E&x";
	const char low[] = "%67%68%70%5f%41%62%39%7e";
	const char mixed[] = "%67%68%70%5f%41%62%39%7E";	/* not a form */
	hits h;

	(void)state;
	h = scan_text(s, up, sizeof(up) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_PERCENT);
	assert_int_equal(h.v[0].column, 3);
	h = scan_text(s, low, sizeof(low) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_PERCENT);
	h = scan_text(s, mixed, sizeof(mixed) - 1);
	assert_int_equal(h.n, 0);
	sr_scan_free(s);
}

/*
 * application/x-www-form-urlencoded: a space is '+'. The encoders keep
 * different bytes: Python's quote_plus "-._~", the WHATWG standard (and
 * URLSearchParams) "*-._", PHP's urlencode "-._"; each is found.
 */
static void
test_form_encoding(void **state)
{
	sr_scan *s = scan_one("PW", "a b*c~d/e f");
	const char py[] = "pw=a+b%2Ac~d%2Fe+f&y=1";
	const char whatwg[] = "a+b*c%7Ed%2Fe+f";
	const char php[] = "a+b%2Ac%7Ed%2Fe+f";
	const char lower[] = "a+b%2ac%7ed%2fe+f";
	const char pct20[] = "a%20b%2Ac~d%2Fe%20f";	/* the percent form */
	hits h;

	(void)state;
	h = scan_text(s, py, sizeof(py) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_URLFORM);
	assert_int_equal(h.v[0].column, 4);
	h = scan_text(s, whatwg, sizeof(whatwg) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_URLFORM);
	h = scan_text(s, php, sizeof(php) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_URLFORM);
	h = scan_text(s, lower, sizeof(lower) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_URLFORM);
	h = scan_text(s, pct20, sizeof(pct20) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_PERCENT);
	h = scan_text(s, "a+b*c~d/e+f", 11);	/* '/' not encoded: none */
	assert_int_equal(h.n, 0);
	assert_string_equal(sr_form_name(SR_FORM_URLFORM), "form");
	sr_scan_free(s);
}

/* The forms masking had first (forms.h): JSON escaping, with and without
 * \/, and a multi-line value with CRLF line ends; written by hand. */
static void
test_json_and_crlf(void **state)
{
	sr_scan *s = scan_one("J", "pa\"ss\\wo/rd\n\x01");
	const char json[] = "{\"k\":\"pa\\\"ss\\\\wo/rd\\n\\u0001\"}";
	const char slash[] = "{\"k\":\"pa\\\"ss\\\\wo\\/rd\\n\\u0001\"}";
	const char crlf[] = "x pa\"ss\\wo/rd\r\n\x01 y";
	hits h;

	(void)state;
	h = scan_text(s, json, sizeof(json) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_JSON);
	assert_int_equal(h.v[0].column, 7);
	h = scan_text(s, slash, sizeof(slash) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_JSON);
	h = scan_text(s, crlf, sizeof(crlf) - 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_CRLF);
	assert_string_equal(sr_form_name(SR_FORM_JSON), "json");
	assert_string_equal(sr_form_name(SR_FORM_CRLF), "crlf");
	sr_scan_free(s);
	/* a value without a newline has no CRLF form, and its JSON form is
	 * its raw one: kept once, named raw */
	s = scan_one("PLAIN", "ABCDEFGHIJKL");
	h = scan_text(s, "\"ABCDEFGHIJKL\"", 14);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_RAW);
	sr_scan_free(s);
}

/*
 * Base64 of (prefix || value || suffix) for every prefix length 0..5,
 * both alphabets, random values and neighbours: the value is always
 * found, and in the form of its alphabet when the two differ.
 */
static void
test_base64_alignments(void **state)
{
	unsigned char value[40], data[64];
	char enc[128];
	size_t round, pre, len, n;
	sr_scan *s;
	hits h;
	int url;

	(void)state;
	for (round = 0; round < 200; round++) {
		const unsigned char *v = value;
		const char *name = "V";
		len = 8 + round % 33;
		randombytes_buf(value, len);
		s = scan_of(&name, &v, &len, 1);
		for (pre = 0; pre < 6; pre++) {
			for (url = 0; url < 2; url++) {
				randombytes_buf(data, sizeof(data));
				memcpy(data + pre, value, len);
				n = b64(enc, data, pre + len + round % 4, url);
				h = scan_text(s, enc, n);
				/* a URL form with neither '-' nor '_' is
				 * the standard one, and named so */
				assert_true(has(&h, 0, SR_FORM_BASE64) ||
				    (url && has(&h, 0, SR_FORM_BASE64URL)));
			}
		}
		sr_scan_free(s);
	}
}

/* The standard and URL forms are told apart when they differ. */
static void
test_base64_alphabets(void **state)
{
	/* 0xfb 0xff ... encodes to "+/..." and "-_..." */
	const char value[] = "\xfb\xff\xbf\xfb\xff\xbf\xfb\xff\xbf";
	char std[64], url[64];
	sr_scan *s = scan_one("BIN", value);
	hits h;

	(void)state;
	b64(std, (const unsigned char *)value, 9, 0);
	b64(url, (const unsigned char *)value, 9, 1);
	assert_string_equal(std, "+/+/+/+/+/+/");
	h = scan_text(s, std, strlen(std));
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_BASE64);
	h = scan_text(s, url, strlen(url));
	assert_int_equal(h.n, 1);
	assert_int_equal(h.v[0].form, SR_FORM_BASE64URL);
	sr_scan_free(s);
}

/* Many values sharing prefixes and suffixes, two names for one value,
 * overlapping occurrences. */
static void
test_many_values(void **state)
{
	enum { N = 300 };
	static char bufs[N + 1][48];
	const char *names[N + 1];
	const unsigned char *values[N + 1];
	size_t lens[N + 1], i;
	char text[256];
	sr_scan *s;
	hits h;

	(void)state;
	for (i = 0; i < N; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "sk_live_%03zu_suffix", i);
		values[i] = (const unsigned char *)bufs[i];
		lens[i] = strlen(bufs[i]);
		names[i] = bufs[i] + 8;
	}
	names[N] = "ALIAS";			/* the same value as #42 */
	values[N] = values[42];
	lens[N] = lens[42];
	s = scan_of(names, values, lens, N + 1);
	snprintf(text, sizeof(text), "a=%s b=%s", bufs[7], bufs[299]);
	h = scan_text(s, text, strlen(text));
	assert_int_equal(h.n, 2);
	assert_int_equal(h.v[0].secret, 7);
	assert_int_equal(h.v[1].secret, 299);
	h = scan_text(s, bufs[42], lens[42]);
	assert_int_equal(h.n, 2);
	assert_true(has(&h, 42, SR_FORM_RAW) && has(&h, N, SR_FORM_RAW));
	sr_scan_free(s);

	s = scan_one("A8", "aaaaaaaa");
	h = scan_text(s, "aaaaaaaaaa", 10);
	assert_int_equal(h.n, 3);		/* at 0, 1 and 2 */
	assert_int_equal(h.v[2].column, 3);
	sr_scan_free(s);
}

/* A thousand random values against a megabyte of random bytes and of
 * their printable forms: no match at all. */
static void
test_no_false_positives(void **state)
{
	enum { N = 1000, TEXT = 1 << 20 };
	unsigned char *raw = malloc((size_t)N * 32), *text = malloc(TEXT);
	const unsigned char *values[N];
	const char *names[N];
	size_t lens[N], i;
	sr_scan *s;
	hits h;

	(void)state;
	assert_non_null(raw);
	assert_non_null(text);
	randombytes_buf(raw, (size_t)N * 32);
	for (i = 0; i < N; i++) {
		values[i] = raw + 32 * i;
		lens[i] = 8 + i % 25;
		names[i] = "R";
	}
	s = scan_of(names, values, lens, N);
	assert_true(sr_scan_patterns(s) >= 6 * N);
	randombytes_buf(text, TEXT);
	h = scan_text(s, text, TEXT);
	assert_int_equal(h.n, 0);
	for (i = 0; i < TEXT; i++)		/* base64-looking text */
		text[i] = (unsigned char)("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
		    "klmnopqrstuvwxyz0123456789+/"[text[i] & 63]);
	h = scan_text(s, text, TEXT);
	assert_int_equal(h.n, 0);
	sr_scan_free(s);
	free(raw);
	free(text);
}

static int
stop_at_first(void *arg, const sr_scan_hit *h)
{
	(void)h;
	(*(int *)arg)++;
	return 7;
}

static void
test_stop_and_forget(void **state)
{
	sr_scan *s = scan_one("T", "12345678");
	int calls = 0;

	(void)state;
	assert_int_equal(sr_scan_buf(s, "12345678 12345678", 17, stop_at_first,
	    &calls), 7);
	assert_int_equal(calls, 1);
	sr_scan_forget(s);
	assert_int_equal(scan_text(s, "12345678", 8).n, 0);
	assert_string_equal(sr_scan_name(s, 0), "T");	/* names stay */
	assert_string_equal(sr_form_name(SR_FORM_BASE64URL),
	    "base64url");
	sr_scan_free(s);
	sr_scan_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_position),
		cmocka_unit_test(test_split_and_near_misses),
		cmocka_unit_test(test_short_values),
		cmocka_unit_test(test_hex_both_cases),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_percent_every_byte),
		cmocka_unit_test(test_form_encoding),
		cmocka_unit_test(test_json_and_crlf),
		cmocka_unit_test(test_base64_alignments),
		cmocka_unit_test(test_base64_alphabets),
		cmocka_unit_test(test_many_values),
		cmocka_unit_test(test_no_false_positives),
		cmocka_unit_test(test_stop_and_forget),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
