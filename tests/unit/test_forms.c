/*
 * test_forms.c - one generator of a value's encoded forms (forms.h) for
 * masking and the leak check: every form it makes is masked by mask.h
 * and found, under its own kind or an earlier equal one, by scan.h, so a
 * form added for one is there for the other. And the generator itself:
 * forms in their order, each kind present, CRLF only for multi-line
 * values, every form within SR_FORMS_ONE_MAX and all within
 * SR_FORMS_ALL_MAX.
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

#include "forms.h"
#include "mask.h"
#include "scan.h"

static const char binary[] = "\xff\xfe binary \x00 bytes";
static const char *const values[] = {
	"ghp_s3cr3tValue0123",
	"p@ss w/rd:Z9!x~*",
	"pa\"ss\\wo/rd\n\x01\t-end",
	"-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----\n",
	binary,
};

static size_t
value_len(size_t i)
{
	/* the binary value holds a NUL: all of it but the terminator */
	return values[i] == binary ? sizeof(binary) - 1 : strlen(values[i]);
}

static int
collect(void *arg, const sr_scan_hit *h)
{
	int *found = arg;

	(void)h;
	(*found)++;
	return 0;
}

static int
append(void *arg, const void *p, size_t n)
{
	char **out = arg;
	size_t len = strlen(*out);

	assert_non_null(*out = realloc(*out, len + n + 1));
	memcpy(*out + len, p, n);
	(*out)[len + n] = '\0';
	return 0;
}

/* form framed by spaces through a mask of v alone: only the marker and
 * the frame may come out (base64's edge characters aside). */
static void
masked(const unsigned char *v, size_t n, sr_form kind, const unsigned char *f,
    size_t flen)
{
	sr_err err = SR_ERR_INIT;
	sr_mask *m;
	sr_mask_stream *s;
	char *out = calloc(1, 1);
	unsigned char *in = malloc(flen + 2);

	assert_non_null(out);
	assert_non_null(in);
	in[0] = ' ';
	memcpy(in + 1, f, flen);
	in[flen + 1] = ' ';
	assert_int_equal(sr_mask_new(&m, &err), 0);
	assert_int_equal(sr_mask_add(m, "V", 1, v, n, &err), 0);
	assert_int_equal(sr_mask_build(m, &err), 0);
	assert_int_equal(sr_mask_stream_new(&s, m, &err), 0);
	assert_int_equal(sr_mask_feed(s, in, flen + 2, append, &out), 0);
	assert_int_equal(sr_mask_flush(s, append, &out), 0);
	if (strcmp(out, " [REDACTED:V] ") != 0)
		fail_msg("the %s form of value %.8s... is not masked: %s",
		    sr_form_name(kind), (const char *)v, out);
	sr_mask_stream_free(s);
	sr_mask_free(m);
	free(in);
	free(out);
}

static void
found(const unsigned char *v, size_t n, sr_form kind, const unsigned char *f,
    size_t flen)
{
	sr_err err = SR_ERR_INIT;
	sr_scan *s;
	int hits = 0;

	assert_int_equal(sr_scan_new(&s, &err), 0);
	assert_int_equal(sr_scan_add(s, "V", v, n, &err), 0);
	assert_int_equal(sr_scan_build(s, &err), 0);
	assert_int_equal(sr_scan_buf(s, f, flen, collect, &hits), 0);
	if (hits < 1)
		fail_msg("the %s form of value %.8s... is not found",
		    sr_form_name(kind), (const char *)v);
	sr_scan_free(s);
}

static void
test_both_users_take_every_form(void **state)
{
	unsigned char out[SR_FORMS_ONE_MAX(64)];
	size_t i, len, total, nforms;
	unsigned seen;
	sr_forms it;
	sr_form kind;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const unsigned char *v = (const unsigned char *)values[i];
		size_t n = value_len(i);

		assert_true(n <= 64);
		total = nforms = seen = 0;
		sr_forms_start(&it, v, n);
		while (sr_forms_next(&it, out, &len, &kind)) {
			assert_true(len >= 8 && len <= SR_FORMS_ONE_MAX(n));
			assert_true((unsigned)kind < SR_FORM_KINDS);
			/* the first form is the value itself */
			if (nforms == 0)
				assert_true(kind == SR_FORM_RAW && len == n &&
				    memcmp(out, v, n) == 0);
			seen |= 1u << kind;
			total += len;
			nforms++;
			masked(v, n, kind, out, len);
			found(v, n, kind, out, len);
		}
		assert_true(total <= SR_FORMS_ALL_MAX(n));
		/* every kind but CRLF always; CRLF for a multi-line value */
		assert_int_equal(seen & ~(1u << SR_FORM_CRLF),
		    ((1u << SR_FORM_KINDS) - 1) & ~(1u << SR_FORM_CRLF));
		assert_int_equal(!!(seen & (1u << SR_FORM_CRLF)),
		    memchr(v, '\n', n) != NULL);
		assert_int_equal(sr_forms_next(&it, out, &len, &kind), 0);
	}
	assert_string_equal(sr_form_name(SR_FORM_URLFORM), "form");
	assert_string_equal(sr_form_name(SR_FORM_KINDS), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_users_take_every_form),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
