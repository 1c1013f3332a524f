/*
 * test_b64.c - sr_b64_decode: strict decoding, and no copy of what it
 * decoded left in freed heap (issue 16: an identity's secret key passes
 * through it). The program is linked with -Wl,--wrap=free, so every free
 * from the library comes here first and its block is searched for the
 * decoded text before the heap takes it back.
 */
#define _GNU_SOURCE	/* memmem */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "b64.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const char *watched;	/* text no freed block may hold */
static int leaked, frees;

void
__wrap_free(void *p)
{
	if (p != NULL && watched != NULL) {
		size_t n = malloc_usable_size(p), w = strlen(watched);
		frees++;
		if (n >= w && memmem(p, n, watched, w) != NULL)
			leaked = 1;
	}
	__real_free(p);
}

/* A 36-byte key's text, as an identity line holds it. */
#define KEY_TEXT "c2NvcGVydW4tdGVzdC1zZWNyZXQta2V5LWJ5dGVzLTM2Yg"

static void
test_decode_leaves_no_copy(void **state)
{
	unsigned char out[64];
	size_t got = 0;

	(void)state;
	watched = KEY_TEXT;
	leaked = frees = 0;
	assert_int_equal(sr_b64_decode(out, sizeof(out), &got, KEY_TEXT,
	    strlen(KEY_TEXT)), 0);
	watched = NULL;
	assert_int_equal(got, 34);
	assert_true(frees > 0);		/* the check above saw the scratch */
	assert_false(leaked);
	sodium_memzero(out, sizeof(out));
}

/* the control: strictness is unchanged */
static void
test_decode_strict(void **state)
{
	unsigned char out[8];
	size_t got = 0;

	(void)state;
	assert_int_equal(sr_b64_decode(out, sizeof(out), &got, "AQI", 3), 0);
	assert_int_equal(got, 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(sr_b64_decode(out, sizeof(out), &got, "AQJ", 3), -1);
	assert_int_equal(sr_b64_decode(out, sizeof(out), &got, "AQ=", 3), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_leaves_no_copy),
		cmocka_unit_test(test_decode_strict),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
