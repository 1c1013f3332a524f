/*
 * test_proctree.c - the descendants sweep: the /proc/N/stat parser on
 * hostile command names, and real processes, one of them setsid'd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/wait.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "proctree.h"

static int
parse(const char *s, char *state, pid_t *ppid)
{
	return sr_proctree_parse_stat(s, strlen(s), state, ppid);
}

static void
test_parse_stat(void **state)
{
	char st = 0;
	pid_t pp = 0;

	(void)state;
	assert_int_equal(parse("12 (sleep) S 7 12 12 0 -1", &st, &pp), 0);
	assert_int_equal(st, 'S');
	assert_int_equal(pp, 7);
	/* A name that fakes the fields: the last ')' decides. */
	assert_int_equal(parse("12 (a) R 1 (b) S 99 1 1", &st, &pp), 0);
	assert_int_equal(st, 'S');
	assert_int_equal(pp, 99);
	assert_int_equal(parse("3 ( ) Z 0 3", &st, &pp), 0);
	assert_int_equal(st, 'Z');
	assert_int_equal(pp, 0);
	assert_int_equal(parse("12 (x) S 7", &st, &pp), -1);	/* cut */
	assert_int_equal(parse("12 (x) S  7 1", &st, &pp), -1);
	assert_int_equal(parse("12 (x) S x 1", &st, &pp), -1);
	assert_int_equal(parse("12 (x)S 7 1", &st, &pp), -1);
	assert_int_equal(parse("12 x S 7 1", &st, &pp), -1);
	assert_int_equal(parse("12 (x) S 99999999999 1", &st, &pp), -1);
	assert_int_equal(parse("", &st, &pp), -1);
}

/* A child, and its own child that left the group and session: both are
 * found and killed; nothing else is. */
static void
test_signal_setsid(void **state)
{
	int p[2], status, n = 0;
	pid_t child, gc = 0;
	char c;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(p), 0);
	if ((child = fork()) == 0) {
		if (fork() == 0) {
			setsid();
			if (write(p[1], "g", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	assert_true(child > 0);
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(sr_proctree_signal(getpid(), SIGKILL), 2);
	/* Both end; the grandchild comes back to us, a subreaper. */
	while (n < 2 && (gc = wait(&status)) > 0) {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(sr_proctree_signal(getpid(), SIGKILL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_signal_setsid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
