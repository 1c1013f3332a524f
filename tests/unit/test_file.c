/*
 * test_file.c - sr_file_rewrite_small against real files: rewritten in
 * place (same inode) only when that cannot leave old bytes or follow a
 * link; replaced whole otherwise; created when missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "file.h"

static char dir[64], path[128], other[128];

static int
setup(void **state)
{
	(void)state;
	umask(077);
	snprintf(dir, sizeof(dir), "/tmp/sr-file-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/state.head", dir);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	unlink(other);
	return rmdir(dir);
}

static void
put(const char *p, const char *text, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static ino_t
inode(const char *p)
{
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	return st.st_ino;
}

/* path holds exactly want, mode 0600, a regular file */
static void
expect(const char *p, const char *want)
{
	char buf[1024];
	struct stat st;
	ssize_t n;
	int fd = open(p, O_RDONLY | O_NOFOLLOW);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
rewrite(const char *text)
{
	sr_err err = SR_ERR_INIT;

	if (sr_file_rewrite_small(path, text, strlen(text), 0600, &err) != 0)
		fail_msg("%s", err.msg);
}

static void
test_in_place_when_not_shorter(void **state)
{
	ino_t before;

	(void)state;
	put(path, "seq 9\n", 0600);
	before = inode(path);
	rewrite("seq 10\n");
	expect(path, "seq 10\n");
	assert_int_equal(inode(path), before);
	rewrite("seq 11\n");
	expect(path, "seq 11\n");
	assert_int_equal(inode(path), before);
}

/* In place, a shorter text would leave the old tail: replaced instead. */
static void
test_replaced_when_shorter(void **state)
{
	ino_t before;

	(void)state;
	put(path, "seq 100\nsize 5000\n", 0600);
	before = inode(path);
	rewrite("seq 0\n");
	expect(path, "seq 0\n");
	assert_true(inode(path) != before);
}

static void
test_created_when_missing(void **state)
{
	(void)state;
	rewrite("seq 1\n");
	expect(path, "seq 1\n");
}

/* Another mode than asked for (or another owner) is not kept. */
static void
test_replaced_when_mode_differs(void **state)
{
	ino_t before;

	(void)state;
	put(path, "old\n", 0644);
	before = inode(path);
	rewrite("new!\n");
	expect(path, "new!\n");
	assert_true(inode(path) != before);
}

/* A link at path is replaced by a file; what it pointed to is untouched. */
static void
test_symlink_not_followed(void **state)
{
	(void)state;
	put(other, "victim\n", 0600);
	assert_int_equal(symlink(other, path), 0);
	rewrite("seq 2 and more\n");
	expect(path, "seq 2 and more\n");
	expect(other, "victim\n");
}

/* Past one sector a write could be torn by a crash: never in place. */
static void
test_large_text_replaced(void **state)
{
	char big[SR_FILE_SECTOR + 2];
	ino_t before;

	(void)state;
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	put(path, "small\n", 0600);
	before = inode(path);
	rewrite(big);
	expect(path, big);
	assert_true(inode(path) != before);
}

/* The shared helpers of the in-place state files (rate, suspension). */
static void
test_state_helpers(void **state)
{
	unsigned char b[8];
	char p[32];
	off_t size = -1;
	sr_err err = SR_ERR_INIT;
	int fd;

	(void)state;
	sr_bytes_put64(b, 0x0102030405060708u);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[7], 8);
	assert_true(sr_bytes_get64(b) == 0x0102030405060708u);
	assert_int_equal(sr_file_state_path(p, sizeof(p), "/s/a.jsonl",
	    "rate", "bot", &err), 0);
	assert_string_equal(p, "/s/a.jsonl.rate.bot");
	assert_int_equal(sr_file_state_path(p, 8, "/s/a.jsonl", "rate",
	    "bot", &err), -1);
	assert_int_equal(sr_file_open_locked(&fd, &size, path, "test state",
	    &err), 0);
	assert_true(size == 0);
	assert_int_equal(sr_file_pwrite_all(fd, b, 8, 8), 0);
	close(fd);
	assert_int_equal(sr_file_open_locked(&fd, &size, path, "test state",
	    &err), 0);
	assert_true(size == 16);
	close(fd);
	/* refused: not a regular file, and one others may write */
	assert_int_equal(sr_file_open_locked(&fd, &size, dir, "test state",
	    &err), -1);
	put(other, "x", 0622);
	assert_int_equal(sr_file_open_locked(&fd, &size, other, "test state",
	    &err), -1);
	assert_int_equal(fd, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_place_when_not_shorter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_when_shorter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_when_missing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaced_when_mode_differs,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_not_followed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_text_replaced,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_helpers,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
