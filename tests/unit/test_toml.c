/*
 * test_toml.c - the TOML lookup API, positions and error messages.
 *
 * Conformance (what is valid, what is not) is the toml-test suite's job;
 * these tests pin down what the policy loader relies on: typed lookups,
 * document order, line:col of values and errors, the depth cap, and that
 * hostile sizes stay fast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "toml.h"

static sr_toml_doc *
parse_ok(const char *text)
{
	sr_toml_doc *doc;
	sr_toml_error err;

	if (sr_toml_parse(&doc, text, strlen(text), 0, &err) != 0)
		fail_msg("unexpected error %u:%u: %s", err.line, err.col,
		    err.msg);
	return doc;
}

/* Parse text that must fail; check line, column and message start. */
static void
expect_error(const char *text, unsigned line, unsigned col,
    const char *msg_prefix)
{
	sr_toml_doc *doc = (sr_toml_doc *)1;
	sr_toml_error err;

	assert_int_equal(sr_toml_parse(&doc, text, strlen(text), 0, &err), -1);
	assert_null(doc);
	if (strncmp(err.msg, msg_prefix, strlen(msg_prefix)) != 0)
		fail_msg("for %s: got '%s', want '%s...'", text, err.msg,
		    msg_prefix);
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
}

static void
test_typed_lookup(void **state)
{
	sr_toml_doc *doc = parse_ok(
	    "[agent]\n"
	    "name = \"bot\"\n"
	    "runs = 0x10\n"
	    "on = true\n"
	    "expires = 2026-12-31T00:00:00Z\n"
	    "[env]\n"
	    "inherit = [\"PATH\", \"LC_*\"]\n");
	const sr_toml_value *agent, *env, *inherit;
	const char *s;
	int64_t i, t;
	int b;
	sr_toml_datetime dt;

	(void)state;
	assert_int_equal(sr_toml_get_table(&agent, sr_toml_root(doc),
	    "agent"), 0);
	assert_int_equal(sr_toml_get_string(&s, agent, "name"), 0);
	assert_string_equal(s, "bot");
	assert_int_equal(sr_toml_get_int(&i, agent, "runs"), 0);
	assert_int_equal(i, 16);
	assert_int_equal(sr_toml_get_bool(&b, agent, "on"), 0);
	assert_true(b);
	assert_int_equal(sr_toml_get_datetime(&dt, agent, "expires"), 0);
	assert_int_equal(sr_toml_datetime_unix(&t, &dt, SR_TOML_DATETIME), 0);
	assert_int_equal(t, 1798675200);
	/* absent and wrong type are told apart */
	assert_int_equal(sr_toml_get_string(&s, agent, "owner"), 1);
	assert_int_equal(sr_toml_get_string(&s, agent, "runs"), -1);
	assert_int_equal(sr_toml_get_table(&env, sr_toml_root(doc), "env"), 0);
	assert_int_equal(sr_toml_get_array(&inherit, env, "inherit"), 0);
	assert_int_equal(sr_toml_count(inherit), 2);
	assert_int_equal(sr_toml_string(&s, NULL,
	    sr_toml_array_at(inherit, 1)), 0);
	assert_string_equal(s, "LC_*");
	assert_null(sr_toml_array_at(inherit, 2));
	sr_toml_free(doc);
}

static void
test_document_order_and_positions(void **state)
{
	sr_toml_doc *doc = parse_ok(
	    "# c\n"
	    "zeta = 1\n"
	    "alpha = 2\n"
	    "\n"
	    "[t]\n"
	    "  mid.x = 'é'\n"
	    "  \"quoted key\" = 3\n");
	const sr_toml_value *root = sr_toml_root(doc), *v, *t;
	const char *key;
	size_t len;

	(void)state;
	v = sr_toml_table_at(root, 0, &key, &len);
	assert_string_equal(key, "zeta");
	assert_int_equal(sr_toml_line(v), 2);
	v = sr_toml_table_at(root, 1, &key, &len);
	assert_string_equal(key, "alpha");
	assert_int_equal(sr_toml_line(v), 3);
	t = sr_toml_table_get(root, "t");
	assert_int_equal(sr_toml_line(t), 5);
	assert_int_equal(sr_toml_col(t), 2);
	v = sr_toml_table_at(t, 1, &key, &len);
	assert_string_equal(key, "quoted key");
	assert_int_equal(sr_toml_line(v), 7);
	assert_int_equal(sr_toml_col(v), 3);
	v = sr_toml_table_get(sr_toml_table_get(t, "mid"), "x");
	assert_int_equal(sr_toml_line(v), 6);
	assert_int_equal(sr_toml_col(v), 7);
	sr_toml_free(doc);
}

static void
test_error_messages(void **state)
{
	(void)state;
	expect_error("a = 1\na = 2\n", 2, 1, "duplicate key 'a'");
	expect_error("[t]\n[t]\n", 2, 2, "'t' is already defined at line 1");
	expect_error("a = 'x\n", 1, 7, "newline in a single-line string");
	expect_error("a = 01\n", 1, 5, "leading zeros");
	expect_error("a = 9223372036854775808\n", 1, 5, "integer does not fit");
	expect_error("a = \"\\ud800\"\n", 1, 6, "\\ud800 is not a Unicode");
	expect_error("x = 1\ny = 2001-02-29\n", 2, 13, "day out of range");
	expect_error("é = 1\n", 1, 1, "invalid character");
	expect_error("a = \"\xff\"\n", 1, 6, "invalid UTF-8");
	expect_error("a = 1\x01\n", 1, 6, "control character U+0001");
	expect_error("a = 1 b = 2\n", 1, 7, "expected a newline");
	expect_error("a = {x = 1,}\n", 1, 12, "trailing comma");
	expect_error("a = {x = 1}\n[a.b]\n", 2, 2, "'a' (line 1) is not a "
	    "table");
	expect_error("a = [1]\n[[a]]\n", 2, 3, "'a' is already defined");
	expect_error("[a.b]\nc = 1\n[a]\nb.d = 1\n", 4, 1,
	    "cannot add keys to table 'b'");
	expect_error("a = 1\nb = \n", 2, 5, "expected a value");
}

static void
test_embedded_nul_keeps_length(void **state)
{
	sr_toml_doc *doc = parse_ok("k = \"a\\u0000b\"\n");
	const char *s;
	size_t len;

	(void)state;
	assert_int_equal(sr_toml_string(&s, &len,
	    sr_toml_table_get(sr_toml_root(doc), "k")), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "a\0b", 3);
	sr_toml_free(doc);
}

static void
test_depth_cap(void **state)
{
	char buf[512];
	sr_toml_doc *doc;
	sr_toml_error err;
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(buf, sizeof(buf), "a = ");
	for (i = 0; i < 40; i++)
		buf[n++] = '[';
	for (i = 0; i < 40; i++)
		buf[n++] = ']';
	buf[n] = '\0';
	assert_int_equal(sr_toml_parse(&doc, buf, n, 32, &err), -1);
	assert_non_null(strstr(err.msg, "deeper than 32"));
	assert_int_equal(sr_toml_parse(&doc, buf, n, 64, &err), 0);
	sr_toml_free(doc);
	/* dotted keys and headers count as depth too */
	assert_int_equal(sr_toml_parse(&doc, "a.b.c.d = 1", 11, 3, &err), -1);
	assert_int_equal(sr_toml_parse(&doc, "[a.b.c.d]", 9, 3, &err), -1);
	assert_int_equal(sr_toml_parse(&doc, "[a.b.c]", 7, 3, &err), 0);
	sr_toml_free(doc);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * 100,000 keys in one table, long keys, and one very long line: each
 * parses in tens of milliseconds; a quadratic step would take minutes.
 * The 5 s bound leaves room for sanitizers and a loaded machine.
 */
static void
test_no_quadratic_time(void **state)
{
	size_t cap = 8u << 20, n = 0, i;
	char *buf = malloc(cap);
	sr_toml_doc *doc;
	sr_toml_error err;
	struct timespec t0;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < 100000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "key%zu = %zu\n", i, i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sr_toml_parse(&doc, buf, n, 0, &err), 0);
	assert_true(seconds_since(&t0) < 5.0);
	assert_int_equal(sr_toml_count(sr_toml_root(doc)), 100000);
	assert_non_null(sr_toml_table_get(sr_toml_root(doc), "key99999"));
	sr_toml_free(doc);

	n = (size_t)snprintf(buf, cap, "a = [");
	for (i = 0; i < 200000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%zu,", i);
	buf[n++] = ']';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sr_toml_parse(&doc, buf, n, 0, &err), 0);
	assert_true(seconds_since(&t0) < 5.0);
	sr_toml_free(doc);

	memset(buf, 'k', 4u << 20);
	memcpy(buf + (4u << 20), " = 1\n", 5);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sr_toml_parse(&doc, buf, (4u << 20) + 5, 0, &err), 0);
	assert_true(seconds_since(&t0) < 5.0);
	sr_toml_free(doc);
	free(buf);
}

static void
test_datetime_format(void **state)
{
	sr_toml_doc *doc = parse_ok(
	    "a = 1979-05-27 07:32:00.5-07:30\n"
	    "b = 07:32:00\n"
	    "c = 1979-05-27\n");
	const sr_toml_value *root = sr_toml_root(doc);
	sr_toml_datetime dt;
	char buf[64];
	int64_t t;

	(void)state;
	assert_int_equal(sr_toml_get_datetime(&dt, root, "a"), 0);
	sr_toml_datetime_format(buf, sizeof(buf), &dt, SR_TOML_DATETIME);
	assert_string_equal(buf, "1979-05-27T07:32:00.5-07:30");
	assert_int_equal(sr_toml_datetime_unix(&t, &dt, SR_TOML_DATETIME), 0);
	assert_int_equal(t, 296665320);
	assert_int_equal(sr_toml_get_datetime(&dt, root, "b"), 0);
	sr_toml_datetime_format(buf, sizeof(buf), &dt, SR_TOML_TIME_LOCAL);
	assert_string_equal(buf, "07:32:00");
	assert_int_equal(sr_toml_get_datetime(&dt, root, "c"), 0);
	assert_int_equal(sr_toml_datetime_unix(&t, &dt, SR_TOML_DATE_LOCAL),
	    -1);
	sr_toml_free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typed_lookup),
		cmocka_unit_test(test_document_order_and_positions),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_embedded_nul_keeps_length),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_no_quadratic_time),
		cmocka_unit_test(test_datetime_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
