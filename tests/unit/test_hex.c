/*
 * test_hex.c - the one decoder of the hex scoperun writes (hex.h):
 * lower case only, exactly 2 n digits, and a string that ends early is
 * not read past its end (run under ASan, a read past would fail).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hex.h"

static void
test_decode(void **state)
{
	static const unsigned char want[] = { 0x00, 0x9f, 0xa0, 0xff, 0x3c };
	unsigned char out[5];
	char *shortstr;

	(void)state;
	assert_int_equal(sr_hex_decode(out, 5, "009fa0ff3c"), 0);
	assert_memory_equal(out, want, 5);
	assert_int_equal(sr_hex_decode(out, 0, ""), 0);
	/* only the spelling scoperun writes */
	assert_int_equal(sr_hex_decode(out, 5, "009FA0ff3c"), -1);
	assert_int_equal(sr_hex_decode(out, 1, "0g"), -1);
	assert_int_equal(sr_hex_decode(out, 1, "g0"), -1);
	assert_int_equal(sr_hex_decode(out, 1, " 0"), -1);
	assert_int_equal(sr_hex_decode(out, 1, "0x"), -1);
	/* what follows the digits is the caller's */
	assert_int_equal(sr_hex_decode(out, 1, "3c\n"), 0);
	assert_int_equal(out[0], 0x3c);
	/* a string shorter than asked: refused at its NUL, at an odd or an
	 * even place, never read past it */
	assert_non_null(shortstr = malloc(4));
	memcpy(shortstr, "abc", 4);
	assert_int_equal(sr_hex_decode(out, 2, shortstr), -1);
	memcpy(shortstr, "ab", 3);
	assert_int_equal(sr_hex_decode(out, 2, shortstr), -1);
	free(shortstr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
