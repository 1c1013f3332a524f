/*
 * testlib.h - fixtures the unit tests share: a private temporary directory
 * and whole files read and written. A helper that cannot do its work
 * fails the calling test through cmocka, as the test's own code would.
 * (Not named test_*.c: tests/CMakeLists.txt makes each of those a test.)
 */
#ifndef SR_TESTLIB_H
#define SR_TESTLIB_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Two fixtures; each initialises libsodium and makes a directory under
 * /tmp with umask 077, as the tools run, so that what the code under test
 * creates there is private.
 *
 * One directory for all the tests of a program, tl_dir, made and removed
 * by cmocka's group setup and teardown:
 */
extern char tl_dir[];
int tl_dir_setup(void **state);
int tl_dir_teardown(void **state);

/* tl_dir/name in buf, which must be large enough. */
const char *tl_tmp(char *buf, size_t size, const char *name);

/* Or one for each test, as cmocka's state: /tmp/NAMEXXXXXX and the path
 * of a file in it, not yet created. */
struct tl_fixture {
	char dir[64];
	char path[128];
};

int tl_fixture_setup(void **state, const char *name, const char *file);
int tl_fixture_teardown(void **state);

/* dir and everything below it, links not followed; 0, or -1 as nftw. */
int tl_rmtree(const char *dir);

/* The whole file, NUL-terminated; the caller frees it. */
char *tl_slurp(const char *path, size_t *len);

/* An existing file's bytes replaced in place (same inode, same mode), or
 * added at its end; neither creates the file. */
void tl_spit(const char *path, const char *buf, size_t len);
void tl_append(const char *path, const char *buf, size_t len);

/* The permission bits of path itself (a link is not followed). */
mode_t tl_mode_of(const char *path);

/*
 * Real git repositories made by the git CLI (test_git.c, test_repo.c):
 * root (PATH_MAX bytes) is set to a new directory $TMPDIR/NAMEXXXXXX (or
 * under /tmp), with symlinks resolved, HOME a private root/home, and
 * git's system config and every GIT_* variable that would point it
 * elsewhere out of the way. -1 when that fails or git is missing.
 * Removed with tl_rmtree(root).
 */
int tl_git_setup(char *root, const char *name);

/* root/rel, in one of 8 buffers used in turn (several in one call). */
const char *tl_at(const char *root, const char *rel);

/* A shell command run in root, its output discarded; 0 when it exits 0. */
int tl_sh(const char *root, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
