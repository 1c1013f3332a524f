/*
 * test_provider.c - reading a provider's output (lib/run/provider_json.c)
 * and its times (sr_time_parse_rfc3339), and running one
 * (lib/run/provider.c) with real processes: status, stderr's first line,
 * timeout, size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "provider.h"
#include "timeutil.h"

struct got {
	char v[4][64];
	int n;
};

static int
take(void *ctx, size_t i, const unsigned char *value, size_t len,
    sr_err *err)
{
	struct got *g = ctx;

	(void)err;
	snprintf(g->v[i], sizeof(g->v[i]), "%.*s", (int)len, value);
	g->n++;
	return 0;
}

static int
values(struct got *g, const char *out, int json, int64_t *exp, sr_err *err)
{
	static const char *const fields[] = { "AccessKeyId", "SessionToken" };

	memset(g, 0, sizeof(*g));
	return sr_provider_values((const unsigned char *)out, strlen(out), json,
	    fields, 2, take, g, exp, err);
}

static void
test_rfc3339(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(sr_time_parse_rfc3339(&t, "2026-12-06T04:23:49Z",
	    20), 0);
	assert_int_equal(t, 1796531029);
	assert_int_equal(sr_time_parse_rfc3339(&t,
	    "2026-12-06T05:23:49+01:00", 25), 0);
	assert_int_equal(t, 1796531029);
	assert_int_equal(sr_time_parse_rfc3339(&t,
	    "2026-12-06T04:23:49.123456789Z", 30), 0);
	assert_int_equal(t, 1796531029);
	assert_int_equal(sr_time_parse_rfc3339(&t,
	    "2026-12-05T23:23:49-05:00", 25), 0);
	assert_int_equal(t, 1796531029);
	assert_int_equal(sr_time_parse_rfc3339(&t, "2026-12-06T04:23:49",
	    19), -1);
	assert_int_equal(sr_time_parse_rfc3339(&t, "2026-12-06T04:23:49.Z",
	    21), -1);
	assert_int_equal(sr_time_parse_rfc3339(&t, "2026-13-06T04:23:49Z",
	    20), -1);
	assert_int_equal(sr_time_parse_rfc3339(&t, "1796531029", 10), -1);
}

static void
test_text_and_json(void **state)
{
	sr_err err = SR_ERR_INIT;
	struct got g;
	int64_t exp;

	(void)state;
	assert_int_equal(values(&g, "tok-1\n", 0, &exp, &err), 0);
	assert_string_equal(g.v[0], "tok-1");
	assert_int_equal(exp, 0);
	assert_int_equal(values(&g, "tok-1\n\n", 0, &exp, &err), 0);
	assert_string_equal(g.v[0], "tok-1\n");	/* one newline dropped */
	assert_int_equal(values(&g, "\n", 0, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\",\"SessionToken\":"
	    "\"s\",\"Expiration\":\"2026-12-06T04:23:49+00:00\"}", 1, &exp,
	    &err), 0);
	assert_string_equal(g.v[0], "a");
	assert_string_equal(g.v[1], "s");
	assert_int_equal(exp, 1796531029);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\",\"SessionToken\":"
	    "\"s\",\"expires_at\":\"2026-12-06T04:23:49Z\"}", 1, &exp, &err), 0);
	assert_int_equal(exp, 1796531029);
}

static void
test_json_refusals(void **state)
{
	sr_err err = SR_ERR_INIT;
	struct got g;
	int64_t exp;

	(void)state;
	/* missing field, wrong type, empty, duplicate, NUL, not an object,
	 * malformed, bad expiry */
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\"}", 1, &exp, &err),
	    -1);
	assert_non_null(strstr(err.msg, "no field 'SessionToken'"));
	assert_int_equal(values(&g, "{\"AccessKeyId\":1,\"SessionToken\":\"s\"}",
	    1, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"\",\"SessionToken\":"
	    "\"s\"}", 1, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\",\"AccessKeyId\":"
	    "\"b\",\"SessionToken\":\"s\"}", 1, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\\u0000b\","
	    "\"SessionToken\":\"s\"}", 1, &exp, &err), -1);
	assert_int_equal(values(&g, "[\"a\"]", 1, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":", 1, &exp, &err), -1);
	assert_int_equal(values(&g, "{\"AccessKeyId\":\"a\",\"SessionToken\":"
	    "\"s\",\"Expiration\":\"tomorrow\"}", 1, &exp, &err), -1);
	assert_null(strstr(err.msg, "\"a\""));
}

static int
run(sr_provider_result *r, const char *script, int64_t ms, sr_err *err)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	return sr_provider_exec(r, "p", "/bin/sh", argv, envp, ms, err);
}

static void
test_exec(void **state)
{
	sr_provider_result r;
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(run(&r, "echo tok; echo noise >&2", 5000, &err), 0);
	assert_int_equal(r.len, 4);
	assert_memory_equal(r.out, "tok\n", 4);
	sr_provider_result_free(&r);
	assert_int_equal(run(&r, "printf 'one\\ntwo\\n' >&2; exit 4", 5000,
	    &err), -1);
	assert_non_null(strstr(err.msg, "failed with status 4: one"));
	assert_null(strstr(err.msg, "two"));
	assert_int_equal(run(&r, "exec sleep 5", 200, &err), -1);
	assert_int_equal(r.timed_out, 1);
	assert_true(r.duration_ms < 2000);
	assert_int_equal(run(&r, "head -c 70000 /dev/zero | tr '\\0' x", 5000,
	    &err), -1);
	assert_int_equal(r.too_big, 1);
	/* stdin is /dev/null: a provider that reads it gets EOF, not ours */
	assert_int_equal(run(&r, "cat; echo done", 5000, &err), 0);
	assert_memory_equal(r.out, "done\n", 5);
	sr_provider_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_text_and_json),
		cmocka_unit_test(test_json_refusals),
		cmocka_unit_test(test_exec),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
