/*
 * test_time.c - RFC 3339 in UTC by arithmetic, checked against glibc's
 * gmtime_r, strftime and timegm over four centuries, and the refusal of
 * every non-canonical spelling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

static void
expect_libc(int64_t t)
{
	char mine[SR_TIME_RFC3339_LEN], libc[SR_TIME_RFC3339_LEN];
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t back = 0;

	assert_non_null(gmtime_r(&tt, &tm));
	assert_true(strftime(libc, sizeof(libc), "%Y-%m-%dT%H:%M:%SZ",
	    &tm) > 0);
	sr_time_format(mine, sizeof(mine), t);
	if (strcmp(mine, libc) != 0)
		fail_msg("%lld: %s, libc %s", (long long)t, mine, libc);
	assert_int_equal(sr_time_parse(&back, mine, strlen(mine)), 0);
	assert_int_equal(back, t);
	assert_int_equal(back, (int64_t)timegm(&tm));
}

/* Every day from 1800 to 2400 (leap rules of 1900, 2000, 2100), and
 * seconds around the day's edges. */
static void
test_agrees_with_libc(void **state)
{
	int64_t t;

	(void)state;
	for (t = -5364662400LL; t < 13569465600LL; t += 86400) {
		expect_libc(t);
		expect_libc(t + 86399);
	}
	for (t = -100000; t < 100000; t += 7)
		expect_libc(t);
	expect_libc(1800000000);
	expect_libc(253402300799LL);	/* 9999-12-31T23:59:59Z */
}

static void
refused(const char *s)
{
	int64_t t = 42;

	if (sr_time_parse(&t, s, strlen(s)) == 0)
		fail_msg("%s parsed as %lld", s, (long long)t);
	assert_int_equal(t, 42);
}

static void
test_refuses_what_is_not_canonical(void **state)
{
	(void)state;
	refused("2023-02-29T00:00:00Z");
	refused("2100-02-29T00:00:00Z");
	refused("2024-04-31T00:00:00Z");
	refused("2024-13-01T00:00:00Z");
	refused("2024-00-10T00:00:00Z");
	refused("2024-01-00T00:00:00Z");
	refused("2024-01-32T00:00:00Z");
	refused("2024-01-01T24:00:00Z");
	refused("2024-01-01T23:60:00Z");
	refused("2024-01-01T23:59:60Z");
	refused("2024-01-01T00:00:00");
	refused("2024-01-01 00:00:00Z");
	refused("2024-01-01T00:00:00z");
	refused("2024-1-01T00:00:00Z");
	refused("+024-01-01T00:00:00Z");
	refused("");
}

static void
test_leap_days_and_bounds(void **state)
{
	int64_t t = 0;
	char buf[SR_TIME_RFC3339_LEN];

	(void)state;
	assert_int_equal(sr_time_parse(&t, "2000-02-29T12:00:00Z", 20), 0);
	assert_int_equal(t, 951825600);
	assert_int_equal(sr_time_parse(&t, "1970-01-01T00:00:00Z", 20), 0);
	assert_int_equal(t, 0);
	assert_int_equal(sr_time_parse(&t, "1969-12-31T23:59:59Z", 20), 0);
	assert_int_equal(t, -1);
	assert_string_equal(sr_time_format(buf, sizeof(buf), 253402300800LL),
	    "@253402300800");
}

/* The one calendar (timeutil.h), which the TOML reader uses too: day
 * counts against Python's datetime.date, before 1970 and across leap
 * days and centuries. */
static void
test_days(void **state)
{
	static const struct {
		int64_t y;
		unsigned m, d;
		int64_t days;
	} cases[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 2000, 2, 29, 11016 },
		{ 2000, 3, 1, 11017 }, { 1600, 2, 29, -135081 },
		{ 1, 1, 1, -719162 }, { 9999, 12, 31, 2932896 },
		{ 2026, 12, 31, 20818 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(sr_time_days(cases[i].y, cases[i].m,
		    cases[i].d), cases[i].days);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agrees_with_libc),
		cmocka_unit_test(test_refuses_what_is_not_canonical),
		cmocka_unit_test(test_leap_days_and_bounds),
		cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
