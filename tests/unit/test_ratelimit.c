/*
 * test_ratelimit.c - the run-rate ring against a real file: the N+1st run
 * in an hour, the hour sliding, dry runs, a changed limit, a clock that
 * went back, damage, unsafe modes, and concurrent processes that must
 * not get more runs between them than the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratelimit.h"

#define T0 1800000000		/* 2027-01-15 */

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	umask(077);
	snprintf(dir, sizeof(dir), "/tmp/sr-rate-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/state/audit.jsonl.rate.bot", dir);
	return 0;
}

static int
teardown(void **state)
{
	char sub[80];

	(void)state;
	unlink(path);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	rmdir(sub);
	return rmdir(dir);
}

static int
take(int64_t limit, int64_t now, int dry)
{
	sr_err err = SR_ERR_INIT;
	int r = sr_ratelimit_take(path, limit, now, dry, &err);

	if (r < 0)
		fail_msg("%s", err.msg);
	return r;
}

static void
test_path(void **state)
{
	char buf[64];
	sr_err err = SR_ERR_INIT;

	(void)state;
	assert_int_equal(sr_ratelimit_path(buf, sizeof(buf), "/s/audit.jsonl",
	    "bot", &err), 0);
	assert_string_equal(buf, "/s/audit.jsonl.rate.bot");
	assert_int_equal(sr_ratelimit_path(buf, 8, "/s/audit.jsonl", "bot",
	    &err), -1);
}

static void
test_limit_and_window(void **state)
{
	(void)state;
	assert_int_equal(take(3, T0, 0), 0);
	assert_int_equal(take(3, T0 + 10, 0), 0);
	assert_int_equal(take(3, T0 + 20, 0), 0);
	assert_int_equal(take(3, T0 + 30, 0), 1);	/* 4th in the hour */
	assert_int_equal(take(3, T0 + 3599, 0), 1);	/* refused take none */
	assert_int_equal(take(3, T0 + 3600, 0), 0);	/* T0 is an hour old */
	assert_int_equal(take(3, T0 + 3601, 0), 1);
	assert_int_equal(take(3, T0 + 3610, 0), 0);
}

static void
test_dry_takes_nothing(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		assert_int_equal(take(2, T0, 1), 0);
	assert_int_equal(take(2, T0, 0), 0);
	assert_int_equal(take(2, T0, 0), 0);
	assert_int_equal(take(2, T0, 1), 1);
}

/* A changed limit keeps the newest runs, in order. */
static void
test_limit_changes(void **state)
{
	(void)state;
	assert_int_equal(take(4, T0, 0), 0);
	assert_int_equal(take(4, T0 + 1, 0), 0);
	assert_int_equal(take(4, T0 + 2, 0), 0);
	assert_int_equal(take(2, T0 + 3, 0), 1);	/* 2 of the 3 kept */
	assert_int_equal(take(5, T0 + 4, 0), 0);	/* 3rd of 5 */
	assert_int_equal(take(5, T0 + 5, 0), 0);
	assert_int_equal(take(5, T0 + 6, 0), 0);
	assert_int_equal(take(5, T0 + 7, 0), 1);	/* T0+1, +2 kept */
	assert_int_equal(take(1, T0 + 3605, 0), 1);	/* T0+6 is the newest */
	assert_int_equal(take(1, T0 + 3606, 0), 0);
}

/* A clock that went back does not lock the agent out. */
static void
test_clock_back(void **state)
{
	(void)state;
	assert_int_equal(take(1, T0 + 86400, 0), 0);
	assert_int_equal(take(1, T0, 0), 0);
	assert_int_equal(take(1, T0 + 1, 0), 1);
}

static void
test_damage_and_mode(void **state)
{
	sr_err err = SR_ERR_INIT;
	int fd;

	(void)state;
	assert_int_equal(take(2, T0, 0), 0);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage!", 8), 8);
	close(fd);
	assert_int_equal(take(2, T0, 0), 0);	/* a new ring */
	assert_int_equal(take(2, T0, 0), 0);
	assert_int_equal(take(2, T0, 0), 1);
	assert_int_equal(truncate(path, 30), 0);
	assert_int_equal(take(2, T0, 0), 0);
	assert_int_equal(chmod(path, 0622), 0);
	assert_int_equal(sr_ratelimit_take(path, 2, T0, 0, &err), -1);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(sr_ratelimit_take(path, 0, T0, 0, &err), -1);
}

/* 8 processes, 40 runs each, a limit of 100: exactly 100 allowed. */
static void
test_concurrent(void **state)
{
	int i, allowed = 0, st;
	pid_t pids[8];

	(void)state;
	for (i = 0; i < 8; i++) {
		if ((pids[i] = fork()) == 0) {
			sr_err err = SR_ERR_INIT;
			int n = 0, k, r;
			for (k = 0; k < 40; k++) {
				r = sr_ratelimit_take(path, 100, T0, 0, &err);
				if (r < 0)
					_exit(255);
				n += r == 0;
			}
			_exit(n);
		}
		assert_true(pids[i] > 0);
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 255);
		allowed += WEXITSTATUS(st);
	}
	assert_int_equal(allowed, 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test_setup_teardown(test_limit_and_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dry_takes_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clock_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damage_and_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
