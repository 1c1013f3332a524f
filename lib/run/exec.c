#include "exec.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SR_EXEC_SHELL "/bin/sh"

/* Where a candidate stands: 0 runnable, ENOENT absent, else why not. */
static int
check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return errno == ENOTDIR ? ENOENT : errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode))
		return EACCES;		/* what execve says for a FIFO, a tty */
	if (access(path, X_OK) == -1)
		return errno == ENOENT ? ENOENT : EACCES;
	return 0;
}

/* Report why cmd cannot run: the messages of sh(1) and env(1). */
static int
resolve_error(sr_err *err, const char *cmd, int why)
{
	char q[4 * SR_ERR_QUOTE_MAX + 8];

	sr_err_quote(q, sizeof(q), cmd, strlen(cmd));
	switch (why) {
	case ENOENT:
		return sr_err_set(err, SR_ERR_NOTFOUND, NULL, 0,
		    "%s: command not found", q);
	case EACCES:
		return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0,
		    "%s: permission denied", q);
	case EISDIR:
		return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0,
		    "%s: is a directory", q);
	default:
		return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0, "%s: %s", q,
		    strerror(why));
	}
}

static int
dup_out(char **out, const char *path, sr_err *err)
{
	if ((*out = strdup(path)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	return 0;
}

/* The system's default PATH, as execvp uses when PATH is unset. */
static const char *
default_path(char *buf, size_t size)
{
	size_t n = confstr(_CS_PATH, buf, size);

	return n == 0 || n > size ? "/bin:/usr/bin" : buf;
}

/*
 * Only absolute components are searched: an empty or relative one would
 * search the caller's cwd. A candidate too long for PATH_MAX cannot exist.
 * The first non-ENOENT reason is kept for the error, as execvp keeps EACCES.
 */
int
sr_exec_resolve(char **out, const char *cmd, const char *path_value,
    sr_err *err)
{
	char defpath[256], cand[PATH_MAX];
	const char *p, *end;
	size_t clen = strlen(cmd), dlen;
	int why = ENOENT, r;

	*out = NULL;
	if (clen == 0)
		return resolve_error(err, cmd, ENOENT);
	if (strchr(cmd, '/') != NULL) {
		if ((r = check_file(cmd)) != 0)
			return resolve_error(err, cmd, r);
		return dup_out(out, cmd, err);
	}
	if (path_value == NULL)
		path_value = default_path(defpath, sizeof(defpath));
	for (p = path_value; ; p = end + 1) {
		end = strchr(p, ':');
		dlen = end != NULL ? (size_t)(end - p) : strlen(p);
		if (dlen > 0 && p[0] == '/' && dlen + clen + 2 <= sizeof(cand)) {
			memcpy(cand, p, dlen);
			cand[dlen] = '/';
			memcpy(cand + dlen + 1, cmd, clen + 1);
			if ((r = check_file(cand)) == 0)
				return dup_out(out, cand, err);
			if (why == ENOENT && (r == EACCES || r == EISDIR))
				why = r;
		}
		if (end == NULL)
			break;
	}
	return resolve_error(err, cmd, why);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Does allow entry name want (stat of resolved, whose last component is
 * base)? Bare names are filtered on base first: no PATH search for them. */
static int
entry_matches(const char *entry, const struct stat *want, const char *base,
    const char *path_value)
{
	struct stat st;
	char *path = NULL;
	int ok = 0;

	if (strcmp(base_name(entry), base) != 0)
		return 0;
	if (strchr(entry, '/') != NULL) {
		if (entry[0] != '/' || stat(entry, &st) == -1)
			return 0;
	} else {
		if (sr_exec_resolve(&path, entry, path_value, NULL) != 0 ||
		    path == NULL)
			return 0;
		ok = stat(path, &st);
		free(path);
		if (ok == -1)
			return 0;
	}
	return st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

int
sr_exec_allowed(const char *resolved, const char *const *allow,
    size_t nallow, const char *path_value)
{
	struct stat want;
	size_t i;

	if (stat(resolved, &want) == -1)
		return 0;
	for (i = 0; i < nallow; i++)
		if (allow[i] != NULL && entry_matches(allow[i], &want,
		    base_name(resolved), path_value))
			return 1;
	return 0;
}

/*
 * A file the kernel does not know how to run: hand it to the shell, as
 * execvp does (glibc, musl and POSIX alike). $0 becomes the path, the
 * arguments follow. Sets errno when it returns.
 */
static void
exec_shell(const char *resolved, char *const argv[], char *const envp[])
{
	char **nargv;
	size_t argc = 0, i;
	int saved;

	while (argv != NULL && argv[argc] != NULL)
		argc++;
	if ((nargv = calloc(argc + 2, sizeof(*nargv))) == NULL)
		return;
	nargv[0] = (char *)SR_EXEC_SHELL;
	nargv[1] = (char *)resolved;
	for (i = 1; i < argc; i++)
		nargv[i + 1] = argv[i];
	execve(SR_EXEC_SHELL, nargv, envp);
	saved = errno;
	free(nargv);
	errno = saved;
}

int
sr_exec_run(const char *resolved, char *const argv[], char *const envp[],
    sr_err *err)
{
	char q[4 * SR_ERR_QUOTE_MAX + 8];
	int e;

	execve(resolved, argv, envp);
	e = errno;
	sr_err_quote(q, sizeof(q), resolved, strlen(resolved));
	if (e == ENOEXEC) {
		exec_shell(resolved, argv, envp);
		return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0,
		    "%s: cannot execute: %s: %s", q, SR_EXEC_SHELL,
		    strerror(errno));
	}
	if (e == ENOENT && access(resolved, F_OK) == 0)
		return sr_err_set(err, SR_ERR_NOTFOUND, NULL, 0,
		    "%s: bad interpreter: no such file or directory", q);
	if (e == ENOENT || e == ENOTDIR)
		return sr_err_set(err, SR_ERR_NOTFOUND, NULL, 0,
		    "%s: command not found", q);
	if (e == EACCES)
		return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0,
		    "%s: permission denied", q);
	return sr_err_set(err, SR_ERR_NOEXEC, NULL, 0, "%s: cannot execute: %s",
	    q, strerror(e));
}
