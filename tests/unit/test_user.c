/*
 * test_user.c - the login name of a uid: read from a passwd file as NSS's
 * files source would, and the same answer as getpwuid_r for ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "user.h"

/* path holds text, a fresh passwd file in the group's directory */
static const char *
passwd(char *path, size_t size, const char *text)
{
	FILE *fp;

	tl_tmp(path, size, "passwd");
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void
test_lines(void **state)
{
	char path[256], name[64];
	const char *p = passwd(path, sizeof(path),
	    "root:x:0:0:root:/root:/bin/bash\n"
	    "bad line without colons\n"
	    "nouid:x::1:x:/:/bin/sh\n"
	    "letters:x:12a:1:x:/:/bin/sh\n"
	    "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
	    "bob:*:10001:10001::/home/bob:/bin/sh\n"
	    "last:x:4294967294:1:x:/:/bin/sh");	/* no final newline */

	(void)state;
	assert_int_equal(sr_user_name_in(p, 0, name, sizeof(name)), 1);
	assert_string_equal(name, "root");
	assert_int_equal(sr_user_name_in(p, 1000, name, sizeof(name)), 1);
	assert_string_equal(name, "alice");
	assert_int_equal(sr_user_name_in(p, 10001, name, sizeof(name)), 1);
	assert_string_equal(name, "bob");
	assert_int_equal(sr_user_name_in(p, 4294967294U, name,
	    sizeof(name)), 1);
	assert_string_equal(name, "last");
	/* not a prefix match, nor the gid, nor a malformed uid */
	assert_int_equal(sr_user_name_in(p, 100, name, sizeof(name)), 0);
	assert_int_equal(sr_user_name_in(p, 10000, name, sizeof(name)), 0);
	assert_int_equal(sr_user_name_in(p, 12, name, sizeof(name)), 0);
	/* a name that does not fit is not cut short */
	assert_int_equal(sr_user_name_in(p, 1000, name, 5), 0);
}

/* A name with a NUL in it would be cut short: not a name (fuzz_passwd). */
static void
test_nul_in_name(void **state)
{
	static const char text[] = "\0\0root:x:0:0::/:/bin/sh\n"
	    "a\0b:x:5:5::/:/bin/sh\nok:x:5:5::/:/bin/sh\n";
	char name[64];

	(void)state;
	assert_int_equal(sr_user_name_parse(text, sizeof(text) - 1, 0, name,
	    sizeof(name)), 0);
	assert_int_equal(sr_user_name_parse(text, sizeof(text) - 1, 5, name,
	    sizeof(name)), 1);
	assert_string_equal(name, "ok");
}

/* NIS compat lines need NSS; a missing file is no answer either. */
static void
test_defers_to_nss(void **state)
{
	char path[256], name[64];
	const char *p = passwd(path, sizeof(path),
	    "root:x:0:0:root:/root:/bin/bash\n+@staff::::::\n");

	(void)state;
	assert_int_equal(sr_user_name_in(p, 1000, name, sizeof(name)), -1);
	assert_int_equal(sr_user_name_in("/nonexistent/passwd", 0, name,
	    sizeof(name)), -1);
}

/* For the uid the tests run as, what getpwuid_r says. */
static void
test_agrees_with_getpwuid(void **state)
{
	struct passwd pw, *res = NULL;
	char buf[2048], name[256];

	(void)state;
	assert_int_equal(getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res),
	    0);
	if (res == NULL) {
		assert_int_equal(sr_user_name(getuid(), name, sizeof(name)),
		    -1);
		return;
	}
	assert_int_equal(sr_user_name(getuid(), name, sizeof(name)), 0);
	assert_string_equal(name, pw.pw_name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_nul_in_name),
		cmocka_unit_test(test_defers_to_nss),
		cmocka_unit_test(test_agrees_with_getpwuid),
	};

	return cmocka_run_group_tests(tests, tl_dir_setup, tl_dir_teardown);
}
