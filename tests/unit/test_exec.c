/*
 * test_exec.c - resolve, allow, exec, against real files in a temporary
 * directory and real child processes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "testlib.h"

#define SYS_PATH "/usr/bin:/bin"

/* snprintf that fails the test instead of truncating. */
#define FMT(buf, ...) \
	assert_true(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

static char T[PATH_MAX];		/* the temporary directory */
static char *sys_true;			/* true as SYS_PATH finds it */

static const char *
tp(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	FMT(buf[i], "%s/%s", T, rel);
	return buf[i];
}

static int
put(const char *rel, const char *body, mode_t mode)
{
	int fd = open(tp(rel), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t n = strlen(body);

	if (fd == -1 || write(fd, body, n) != (ssize_t)n || close(fd) == -1)
		return -1;
	return chmod(tp(rel), mode);
}

static int
copy_file(const char *from, const char *rel)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	out = open(tp(rel), O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in == -1 || out == -1)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out);
}

static int
mkdirs(const char *const *rels)
{
	for (; *rels != NULL; rels++)
		if (mkdir(tp(*rels), 0755) == -1)
			return -1;
	return 0;
}

static int
setup(void **state)
{
	static const char *const dirs[] = {
		"noexec", "dir", "dir/tool", "ok", "ok2", "rel", "copy",
		"link", "real", "bin", "mc", NULL,
	};
	sr_err err = SR_ERR_INIT;

	(void)state;
	/* Not $TMPDIR: messages quote 80 bytes, the paths must fit. */
	snprintf(T, sizeof(T), "/tmp/sr_exec.XXXXXX");
	if (mkdtemp(T) == NULL || mkdirs(dirs) == -1 ||
	    sr_exec_resolve(&sys_true, "true", SYS_PATH, &err) == -1)
		return -1;
	if (put("noexec/tool", "#!/bin/sh\nexit 0\n", 0644) == -1 ||
	    put("ok/tool", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("ok2/tool", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("rel/tool", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("tool", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("real/nodejs", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("mc/busybox", "#!/bin/sh\nexit 0\n", 0755) == -1 ||
	    put("noshebang", "[ \"$SR_T\" = ok ] || exit 3\nexit \"$1\"\n",
	    0755) == -1 ||
	    put("shebang5", "#!/bin/sh\nexit 5\n", 0755) == -1 ||
	    put("badinterp", "#!/nonexistent/interp\nexit 0\n", 0755) == -1 ||
	    copy_file(sys_true, "copy/true") == -1)
		return -1;
	if (symlink(sys_true, tp("link/true")) == -1 ||
	    symlink("../real/nodejs", tp("bin/node")) == -1 ||
	    symlink("busybox", tp("mc/ls")) == -1 ||
	    symlink("busybox", tp("mc/sh")) == -1 ||
	    link(tp("mc/busybox"), tp("mc/cat")) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(sys_true);
	return tl_rmtree(T);
}

/* Resolve and expect success at want: relative to T unless it starts with
 * `/` or `.`. */
static void
resolves(const char *cmd, const char *path, const char *want)
{
	sr_err err = SR_ERR_INIT;
	char *out = NULL;

	assert_int_equal(sr_exec_resolve(&out, cmd, path, &err), 0);
	assert_non_null(out);
	assert_string_equal(out, strchr("/.", want[0]) ? want : tp(want));
	free(out);
}

/* Resolve and expect failure of kind with msg. */
static void
fails(const char *cmd, const char *path, sr_err_kind kind, const char *msg)
{
	sr_err err = SR_ERR_INIT;
	char *out = (char *)"junk";

	assert_int_equal(sr_exec_resolve(&out, cmd, path, &err), -1);
	assert_null(out);
	assert_int_equal(err.kind, kind);
	assert_string_equal(err.msg, msg);
}

/* PATH "a:b" with each component made absolute under T. */
static const char *
tpath(const char *a, const char *b)
{
	static char buf[2 * PATH_MAX + 2];

	FMT(buf, "%s/%s:%s/%s", T, a, T, b);
	return buf;
}

static void
test_resolve_search(void **state)
{
	char path[PATH_MAX];

	(void)state;
	/* Not executable, then a directory: remembered, search goes on. */
	resolves("tool", tpath("noexec", "ok"), "ok/tool");
	resolves("tool", tpath("dir", "ok"), "ok/tool");
	/* The first executable wins. */
	resolves("tool", tpath("ok2", "ok"), "ok2/tool");
	resolves("tool", tpath("ok", "ok2"), "ok/tool");
	fails("tool", tpath("noexec", "dir"), SR_ERR_NOEXEC,
	    "tool: permission denied");
	fails("tool", tpath("dir", "noexec"), SR_ERR_NOEXEC,
	    "tool: is a directory");
	fails("tool", tpath("dir", "dir"), SR_ERR_NOEXEC,
	    "tool: is a directory");
	fails("missing", tpath("ok", "noexec"), SR_ERR_NOTFOUND,
	    "missing: command not found");
	fails("", tpath("ok", "ok"), SR_ERR_NOTFOUND,
	    ": command not found");
	/* Empty components around a real one. */
	FMT(path, "::%s/ok::", T);
	resolves("tool", path, "ok/tool");
	/* A component that is a file, not a directory. */
	FMT(path, "%s/tool:%s/ok", T, T);
	resolves("tool", path, "ok/tool");
}

/* Empty and relative components would search the cwd: ignored. */
static void
test_resolve_relative_ignored(void **state)
{
	char cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(T), 0);	/* T/tool and T/rel/tool exist */
	fails("tool", "", SR_ERR_NOTFOUND, "tool: command not found");
	fails("tool", ":", SR_ERR_NOTFOUND, "tool: command not found");
	fails("tool", ".", SR_ERR_NOTFOUND, "tool: command not found");
	fails("tool", "rel", SR_ERR_NOTFOUND, "tool: command not found");
	fails("tool", "./rel:rel/:..", SR_ERR_NOTFOUND,
	    "tool: command not found");
	/* With a `/` the command is taken as given, relative or not. */
	resolves("./tool", "", "./tool");
	resolves("./rel/tool", NULL, "./rel/tool");
	assert_int_equal(chdir(cwd), 0);
}

static void
test_resolve_slash(void **state)
{
	char msg[PATH_MAX + 32];

	(void)state;
	resolves(tp("ok/tool"), "/nonexistent", "ok/tool");
	fails("/nonexistent/tool", SYS_PATH, SR_ERR_NOTFOUND,
	    "/nonexistent/tool: command not found");
	fails("/etc/passwd/x", SYS_PATH, SR_ERR_NOTFOUND,
	    "/etc/passwd/x: command not found");
	FMT(msg, "%s: permission denied", tp("noexec/tool"));
	fails(tp("noexec/tool"), SYS_PATH, SR_ERR_NOEXEC, msg);
	FMT(msg, "%s: is a directory", tp("dir/tool"));
	fails(tp("dir/tool"), SYS_PATH, SR_ERR_NOEXEC, msg);
}

/* NULL PATH: the system default, like execvp with PATH unset. */
static void
test_resolve_default_path(void **state)
{
	sr_err err = SR_ERR_INIT;
	char *out = NULL;

	(void)state;
	assert_int_equal(sr_exec_resolve(&out, "sh", NULL, &err), 0);
	assert_true(strcmp(out, "/bin/sh") == 0 ||
	    strcmp(out, "/usr/bin/sh") == 0);
	free(out);
	fails("tool", NULL, SR_ERR_NOTFOUND, "tool: command not found");
}

/* The message quotes at most 80 bytes, escaped. */
static void
test_resolve_quote(void **state)
{
	char cmd[300], want[128];
	sr_err err = SR_ERR_INIT;
	char *out = NULL;

	(void)state;
	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	assert_int_equal(sr_exec_resolve(&out, cmd, SYS_PATH, &err), -1);
	memset(want, 'x', 80);
	strcpy(want + 80, "...: command not found");
	assert_string_equal(err.msg, want);
	assert_int_equal(sr_exec_resolve(&out, "a\nb", SYS_PATH, &err), -1);
	assert_string_equal(err.msg, "a\\x0ab: command not found");
}

static int
allowed(const char *resolved, const char *entry, const char *path)
{
	const char *allow[] = { "unrelated", entry };

	return sr_exec_allowed(resolved, allow, 2, path);
}

static void
test_allowed(void **state)
{
	char binpath[PATH_MAX], mcpath[PATH_MAX], cwd[PATH_MAX];

	(void)state;
	FMT(binpath, "%s/bin:%s", T, SYS_PATH);
	FMT(mcpath, "%s/mc", T);
	/* By name, by absolute path; not another program. */
	assert_true(allowed(sys_true, "true", SYS_PATH));
	assert_true(allowed(sys_true, sys_true, SYS_PATH));
	assert_false(allowed(sys_true, "false", SYS_PATH));
	assert_false(allowed(sys_true, "/usr/bin/false", SYS_PATH));
	assert_false(allowed(sys_true, "true", "/nonexistent"));
	/* A copy elsewhere is another file, by name or relative path. */
	assert_false(allowed(tp("copy/true"), "true", SYS_PATH));
	assert_false(allowed(tp("copy/true"), sys_true, SYS_PATH));
	assert_true(allowed(tp("copy/true"), tp("copy/true"), SYS_PATH));
	/* A relative entry never matches, even naming the very file. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tp("copy")), 0);
	assert_false(allowed(tp("copy/true"), "./true", SYS_PATH));
	assert_false(allowed(tp("copy/true"), "../copy/true", SYS_PATH));
	assert_int_equal(chdir("/"), 0);
	assert_false(allowed(sys_true, "usr/bin/true", SYS_PATH));
	assert_int_equal(chdir(cwd), 0);
	/* The name is resolved in the child's PATH. */
	assert_true(allowed(tp("copy/true"), "true", tpath("copy", "x")));
	assert_false(allowed(sys_true, "true", tpath("copy", "x")));
	/* Symlinks are followed, both ways (node -> nodejs). */
	assert_true(allowed(tp("link/true"), "true", SYS_PATH));
	assert_true(allowed(sys_true, tp("link/true"), SYS_PATH));
	assert_true(allowed(tp("bin/node"), "node", binpath));
	assert_true(allowed(tp("bin/node"), tp("bin/node"), SYS_PATH));
	assert_true(allowed(tp("bin/node"), tp("real/../bin/node"), NULL));
	/* Same file, other name: refused (see the multi-call case). */
	assert_false(allowed(tp("bin/node"), tp("real/nodejs"), NULL));
	/* A multi-call binary under another name is not allowed. */
	assert_false(allowed(tp("mc/sh"), "ls", mcpath));
	assert_false(allowed(tp("mc/cat"), "ls", mcpath));
	assert_false(allowed(tp("mc/sh"), tp("mc/ls"), NULL));
	assert_true(allowed(tp("mc/ls"), "ls", mcpath));
	/* Nothing allowed, a vanished file. */
	assert_false(sr_exec_allowed(sys_true, NULL, 0, SYS_PATH));
	assert_false(allowed(tp("nonexistent"), "nonexistent", SYS_PATH));
	assert_false(allowed(sys_true, "", SYS_PATH));
}

/*
 * Run path in a child: its exit status, or 100 + the error kind with the
 * message in msg. Never in this process: an exec that wrongly succeeded
 * would replace the test runner and could exit 0.
 */
static int
run_child(const char *path, char *const argv[], char *const envp[],
    char *msg, size_t size)
{
	sr_err err = SR_ERR_INIT;
	int status, fds[2];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(fds[0]);
		sr_exec_run(path, argv, envp, &err);
		n = write(fds[1], err.msg, strlen(err.msg));
		_exit(n >= 0 ? 100 + (int)err.kind : 99);
	}
	close(fds[1]);
	n = read(fds[0], msg, size - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Expect path to fail in sr_exec_run with kind and "PATH: why". */
static void
run_fails(const char *rel, sr_err_kind kind, const char *why)
{
	char *argv[] = { "x", NULL }, *env[] = { NULL };
	char msg[SR_ERR_MSG_MAX], want[SR_ERR_MSG_MAX];

	assert_int_equal(run_child(tp(rel), argv, env, msg, sizeof(msg)),
	    100 + (int)kind);
	FMT(want, "%s: %s", tp(rel), why);
	assert_string_equal(msg, want);
}

static void
test_run(void **state)
{
	char *env[] = { "SR_T=ok", NULL }, *noenv[] = { NULL };
	char *argv[] = { "x", "7", NULL };
	char msg[SR_ERR_MSG_MAX];

	(void)state;
	assert_int_equal(run_child(tp("shebang5"), argv, env, msg,
	    sizeof(msg)), 5);
	/* No #!: run by /bin/sh with the arguments and the environment. */
	assert_int_equal(run_child(tp("noshebang"), argv, env, msg,
	    sizeof(msg)), 7);
	assert_int_equal(run_child(tp("noshebang"), argv, noenv, msg,
	    sizeof(msg)), 3);
}

static void
test_run_fails(void **state)
{
	(void)state;
	run_fails("missing", SR_ERR_NOTFOUND, "command not found");
	run_fails("tool/x", SR_ERR_NOTFOUND, "command not found");
	run_fails("badinterp", SR_ERR_NOTFOUND,
	    "bad interpreter: no such file or directory");
	run_fails("noexec/tool", SR_ERR_NOEXEC, "permission denied");
	run_fails("dir", SR_ERR_NOEXEC, "permission denied");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_search),
		cmocka_unit_test(test_resolve_relative_ignored),
		cmocka_unit_test(test_resolve_slash),
		cmocka_unit_test(test_resolve_default_path),
		cmocka_unit_test(test_resolve_quote),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_run_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
