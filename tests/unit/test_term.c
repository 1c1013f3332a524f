/* test_term.c - sr_term_escape: what may reach a terminal as is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "term.h"

static const char *
esc(char *buf, size_t size, const char *s)
{
	sr_term_escape(buf, size, s, strlen(s));
	return buf;
}

static void
test_escape(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(esc(buf, sizeof(buf), "plain /path-1"),
	    "plain /path-1");
	assert_string_equal(esc(buf, sizeof(buf), "\033]0;t\007\033[2J"),
	    "\\x1b]0;t\\x07\\x1b[2J");
	assert_string_equal(esc(buf, sizeof(buf), "a\nb\rc\td\177"),
	    "a\\x0ab\\x0dc\\x09d\\x7f");
	/* UTF-8 passes; C1 controls (U+009B CSI) and stray bytes do not */
	assert_string_equal(esc(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac"),
	    "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(esc(buf, sizeof(buf), "\xc2\x9b" "2J"),
	    "\\xc2\\x9b2J");
	assert_string_equal(esc(buf, sizeof(buf), "\xff\xc3"), "\\xff\\xc3");
	assert_true(sr_term_clean("caf\xc3\xa9", 5));
	assert_false(sr_term_clean("\033", 1));
	assert_false(sr_term_clean("\xc2\x85", 2));
}

/* The length needed comes back as snprintf's does; the output is cut
 * and always terminated. */
static void
test_cut(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(sr_term_escape(NULL, 0, "\033x", 2), 5);
	assert_int_equal(sr_term_escape(buf, sizeof(buf), "abc\033def", 7), 10);
	assert_string_equal(buf, "abc\\x");
	assert_int_equal(sr_term_escape(buf, 1, "abc", 3), 3);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
