/*
 * testlib.c - fixtures the unit tests share; see testlib.h.
 */
#define _XOPEN_SOURCE 700	/* nftw */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "testlib.h"

char tl_dir[PATH_MAX];

static int
private_dir(char *dir, size_t size, const char *name)
{
	int n;

	umask(077);
	if (sodium_init() < 0)
		return -1;
	n = snprintf(dir, size, "/tmp/%sXXXXXX", name);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
tl_rmtree(const char *dir)
{
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
tl_dir_setup(void **state)
{
	(void)state;
	return private_dir(tl_dir, sizeof(tl_dir), "sr-unit-");
}

int
tl_dir_teardown(void **state)
{
	(void)state;
	return tl_rmtree(tl_dir);
}

const char *
tl_tmp(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tl_dir, name);

	assert_true(n > 0 && (size_t)n < size);
	return buf;
}

int
tl_fixture_setup(void **state, const char *name, const char *file)
{
	struct tl_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || private_dir(f->dir, sizeof(f->dir), name) != 0) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, file);
	*state = f;
	return 0;
}

int
tl_fixture_teardown(void **state)
{
	struct tl_fixture *f = *state;
	int rc = tl_rmtree(f->dir);

	free(f);
	return rc;
}

char *
tl_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
write_whole(const char *path, int flags, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | flags);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

void
tl_spit(const char *path, const char *buf, size_t len)
{
	write_whole(path, O_TRUNC, buf, len);
}

void
tl_append(const char *path, const char *buf, size_t len)
{
	write_whole(path, O_APPEND, buf, len);
}

mode_t
tl_mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

const char *
tl_at(const char *root, const char *rel)
{
	static char buf[8][PATH_MAX];
	static int i;
	int n;

	i = (i + 1) % 8;
	n = snprintf(buf[i], sizeof(buf[i]), "%s/%s", root, rel);
	assert_true(n > 0 && n < (int)sizeof(buf[i]));
	return buf[i];
}

int
tl_sh(const char *root, const char *fmt, ...)
{
	char cmd[8192], line[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && n < (int)sizeof(line));
	n = snprintf(cmd, sizeof(cmd), "cd '%s' && (%s) >/dev/null 2>&1",
	    root, line);
	assert_true(n > 0 && n < (int)sizeof(cmd));
	return system(cmd);
}

int
tl_git_setup(char *root, const char *name)
{
	static const char *const scrub[] = { "XDG_CONFIG_HOME", "GIT_DIR",
	    "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CEILING_DIRECTORIES",
	    "GIT_COMMON_DIR" };
	const char *tmpdir = getenv("TMPDIR");
	char tmp[PATH_MAX];
	size_t i;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s/%sXXXXXX",
	    tmpdir != NULL ? tmpdir : "/tmp", name);
	if (n < 0 || (size_t)n >= sizeof(tmp) || mkdtemp(tmp) == NULL ||
	    realpath(tmp, root) == NULL)
		return -1;
	setenv("HOME", tl_at(root, "home"), 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	for (i = 0; i < sizeof(scrub) / sizeof(scrub[0]); i++)
		unsetenv(scrub[i]);
	if (system("git --version >/dev/null 2>&1") != 0)
		return -1;
	return mkdir(tl_at(root, "home"), 0700);
}
