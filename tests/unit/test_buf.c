/*
 * test_buf.c - the growable text buffer (buf.h): appends keep a NUL at
 * the end, and a length that would overflow fails (failed set, the text
 * kept) instead of wrapping the capacity or doubling it forever.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"

static void
test_put(void **state)
{
	sr_buf b = SR_BUF_INIT;
	char big[200];
	size_t i;

	(void)state;
	assert_int_equal(sr_buf_put(&b, "abc", 3), 0);
	assert_int_equal(sr_buf_put(&b, NULL, 0), 0);
	assert_string_equal(b.p, "abc");
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 100; i++)
		assert_int_equal(sr_buf_put(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 3 + 100 * sizeof(big));
	assert_true(b.cap > b.len);
	assert_int_equal(b.p[b.len], '\0');
	sr_buf_free(&b);
}

static void
test_overflow(void **state)
{
	static const size_t sizes[] = { SIZE_MAX, SIZE_MAX - 3, SIZE_MAX - 4,
	    SIZE_MAX / 2 + 1 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		sr_buf b = SR_BUF_INIT;

		assert_int_equal(sr_buf_put(&b, "abc", 3), 0);
		/* never read: the length is refused first */
		assert_int_equal(sr_buf_put(&b, "", sizes[i]), -1);
		assert_true(b.failed);
		assert_int_equal(b.len, 3);
		assert_string_equal(b.p, "abc");
		assert_int_equal(sr_buf_put(&b, "d", 1), -1);
		sr_buf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
