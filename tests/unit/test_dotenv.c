/*
 * test_dotenv.c - the .env reader behind `secret import`: each rule of
 * dotenv.h with an example, and each refusal with the line it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dotenv.h"

#define MAXPAIRS 16

/* What the parser handed over, copied (these are test values). */
struct got {
	size_t n;
	char key[MAXPAIRS][SR_DOTENV_KEY_MAX + 1];
	char val[MAXPAIRS][256];
	size_t vlen[MAXPAIRS];
	unsigned line[MAXPAIRS];
	int stop_at;		/* a callback that refuses pair stop_at */
};

static int
collect(void *ctx, const char *key, const unsigned char *val, size_t vlen,
    unsigned line, sr_err *err)
{
	struct got *g = ctx;

	if (g->stop_at && (size_t)g->stop_at == g->n + 1)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "stopped");
	assert_true(g->n < MAXPAIRS && vlen < sizeof(g->val[0]));
	assert_int_equal(val[vlen], '\0');
	snprintf(g->key[g->n], sizeof(g->key[0]), "%s", key);
	memcpy(g->val[g->n], val, vlen);
	g->vlen[g->n] = vlen;
	g->line[g->n++] = line;
	return 0;
}

static int
parse(struct got *g, const char *text, sr_err *err)
{
	memset(g, 0, sizeof(*g));
	sr_err_clear(err);
	return sr_dotenv_parse(text, strlen(text), ".env", collect, g, err);
}

static void
expect(const struct got *g, size_t i, const char *key, const char *val,
    unsigned line)
{
	assert_true(i < g->n);
	assert_string_equal(g->key[i], key);
	assert_int_equal(g->vlen[i], strlen(val));
	assert_memory_equal(g->val[i], val, strlen(val));
	assert_int_equal(g->line[i], line);
}

static void
test_plain(void **state)
{
	struct got g;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(parse(&g, "# a comment\n\nA=1\n  B = two words  \n"
	    "export C=3\nexport\tD=4\nE=\nF=x # note\nG=a#b\nH= #only\n"
	    "I=${HOME}/x\n", &err), 0);
	assert_int_equal(g.n, 9);
	expect(&g, 0, "A", "1", 3);
	expect(&g, 1, "B", "two words", 4);
	expect(&g, 2, "C", "3", 5);
	expect(&g, 3, "D", "4", 6);
	expect(&g, 4, "E", "", 7);
	expect(&g, 5, "F", "x", 8);
	expect(&g, 6, "G", "a#b", 9);
	expect(&g, 7, "H", "", 10);
	expect(&g, 8, "I", "${HOME}/x", 11);	/* nothing expanded */
}

static void
test_quotes(void **state)
{
	struct got g;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(parse(&g, "S='a \\n $b \"c\" # d'\n"
	    "D=\"l1\\nl2\\t\\\"q\\\" \\\\ \\$x \\' \\z\"   # comment\n"
	    "M=\"line one\nline two\"\nN='x\ny'\nO=after\n", &err), 0);
	assert_int_equal(g.n, 5);
	expect(&g, 0, "S", "a \\n $b \"c\" # d", 1);
	expect(&g, 1, "D", "l1\nl2\t\"q\" \\ $x ' \\z", 2);
	expect(&g, 2, "M", "line one\nline two", 3);
	expect(&g, 3, "N", "x\ny", 5);
	expect(&g, 4, "O", "after", 7);	/* lines counted through values */
}

static void
test_crlf_bom_keys(void **state)
{
	struct got g;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(parse(&g, "\xef\xbb\xbf" "A=1\r\nB=\"2\"\r\n"
	    "a.b-c_D9=x\n_U=y\nexporter=z", &err), 0);
	assert_int_equal(g.n, 5);
	expect(&g, 0, "A", "1", 1);
	expect(&g, 1, "B", "2", 2);
	expect(&g, 2, "a.b-c_D9", "x", 3);
	expect(&g, 3, "_U", "y", 4);
	expect(&g, 4, "exporter", "z", 5);	/* a key, not `export` */
}

/* Each refusal: -1, the line it names, and no byte of the value. */
static void
test_refusals(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} bad[] = {
		{ "A=1\nnot a pair\n", 2, "expected '=' after the KEY" },
		{ "A=1\n=x\n", 2, "expected KEY=VALUE" },
		{ "9A=1\n", 1, "expected KEY=VALUE" },
		{ "-A=1\n", 1, "expected KEY=VALUE" },
		{ "A=1\nB=\"s3cr3t\n\nC=2\n", 2, "double quote that is never" },
		{ "B='s3cr3t\n", 1, "single quote that is never" },
		{ "B=\"s3cr3t\" tail\n", 1, "text after the closing quote" },
		{ "A=1\nexport B\n", 2, "expected '=' after the KEY" },
	};
	struct got g;
	sr_err err = SR_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&g, bad[i].text, &err), -1);
		assert_int_equal(err.line, bad[i].line);
		assert_string_equal(err.file, ".env");
		assert_non_null(strstr(err.msg, bad[i].msg));
		assert_null(strstr(err.msg, "s3cr3t"));
	}
}

static void
test_nul_and_long_key(void **state)
{
	char text[300];
	struct got g;
	sr_err err = SR_ERR_INIT;

	(void)state;
	memcpy(text, "A=1\nB=x\0y\n", 11);
	assert_int_equal(sr_dotenv_parse(text, 10, ".env", collect, &g, &err),
	    -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "NUL"));
	memset(text, 'K', 129);
	memcpy(text + 129, "=1", 3);
	assert_int_equal(parse(&g, text, &err), -1);
	assert_non_null(strstr(err.msg, "longer than 128"));
	text[1] = '=';	/* a KEY of one letter: fine */
	memset(text + 2, 'v', 100);
	text[102] = '\0';
	assert_int_equal(parse(&g, text, &err), 0);
	assert_int_equal(g.vlen[0], 100);
}

static void
test_callback_stops(void **state)
{
	struct got g;
	sr_err err = SR_ERR_INIT;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	assert_int_equal(sr_dotenv_parse("A=1\nB=2\nC=3\n", 12, ".env",
	    collect, &g, &err), -1);
	assert_int_equal(g.n, 1);
	assert_string_equal(err.msg, "stopped");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_crlf_bom_keys),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_nul_and_long_key),
		cmocka_unit_test(test_callback_stops),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
