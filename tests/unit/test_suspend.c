/*
 * test_suspend.c - the suspension ring (lib/run/suspend.c) against a real
 * file: N refusals inside the window suspend, N-1 do not, refusals spread
 * wider than the window do not, a suspension stays until resumed,
 * resuming forgets the ring, a changed N keeps a suspension, and a
 * missing file (or state directory) means not suspended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suspend.h"

#define T0 1800000000

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	umask(077);
	snprintf(dir, sizeof(dir), "/tmp/sr-susp-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/audit.jsonl.suspend.bot", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static int
count(int64_t n, int64_t window, int64_t now)
{
	sr_err err = SR_ERR_INIT;
	int r = sr_suspend_count(path, n, window, now, &err);

	if (r < 0)
		fail_msg("%s", err.msg);
	return r;
}

static int
suspended(void)
{
	sr_err err = SR_ERR_INIT;
	int64_t since;
	int r = sr_suspend_check(path, &since, &err);

	if (r < 0)
		fail_msg("%s", err.msg);
	return r ? (int)(since - T0) + 1 : 0;
}

static void
test_n_within_window(void **state)
{
	(void)state;
	assert_int_equal(suspended(), 0);	/* no file */
	assert_int_equal(count(3, 600, T0), 0);
	assert_int_equal(count(3, 600, T0 + 10), 0);
	assert_int_equal(suspended(), 0);
	assert_int_equal(count(3, 600, T0 + 20), 1);
	assert_int_equal(suspended(), 21);
	/* already suspended: no second suspension */
	assert_int_equal(count(3, 600, T0 + 30), 0);
	assert_int_equal(suspended(), 21);
}

static void
test_spread_out(void **state)
{
	(void)state;
	assert_int_equal(count(3, 600, T0), 0);
	assert_int_equal(count(3, 600, T0 + 300), 0);
	assert_int_equal(count(3, 600, T0 + 601), 0);	/* T0 fell out */
	assert_int_equal(count(3, 600, T0 + 700), 1);	/* 300, 601, 700 */
}

static void
test_resume_forgets(void **state)
{
	sr_err err = SR_ERR_INIT;
	int was;

	(void)state;
	assert_int_equal(count(2, 600, T0), 0);
	assert_int_equal(count(2, 600, T0 + 1), 1);
	assert_int_equal(sr_suspend_set(path, 0, &was, &err), 0);
	assert_int_equal(was, 1);
	assert_int_equal(suspended(), 0);
	assert_int_equal(count(2, 600, T0 + 2), 0);	/* ring was cleared */
	assert_int_equal(count(2, 600, T0 + 3), 1);
}

static void
test_manual_and_changed_n(void **state)
{
	sr_err err = SR_ERR_INIT;
	int was;

	(void)state;
	assert_int_equal(sr_suspend_set(path, T0 + 4, &was, &err), 0);
	assert_int_equal(was, 0);
	assert_int_equal(suspended(), 5);
	/* a ring of another size keeps the suspension */
	assert_int_equal(count(5, 600, T0 + 10), 0);
	assert_int_equal(suspended(), 5);
	assert_int_equal(sr_suspend_set(path, T0 + 4, &was, &err), 0);
	assert_int_equal(was, 1);
}

static void
test_no_state_dir(void **state)
{
	sr_err err = SR_ERR_INIT;
	char p[160];
	int64_t since;

	(void)state;
	snprintf(p, sizeof(p), "%s/missing/audit.jsonl.suspend.bot", dir);
	assert_int_equal(sr_suspend_check(p, &since, &err), 0);
	assert_int_equal(sr_suspend_count(path, 0, 600, T0, &err), -1);
	assert_int_equal(sr_suspend_path(p, 8, "/s/audit.jsonl", "bot", &err),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_n_within_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spread_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume_forgets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_manual_and_changed_n, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_state_dir, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
