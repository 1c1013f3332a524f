/*
 * sandbox_cli.c - the context lib/run/sandbox.c plans a [sandbox] in.
 *
 * scoperun's own files are hidden wherever they are: the identity, the
 * vault and the audit log with their side files (lock, head, keys,
 * checkpoints, rate state: "PATH*"), the policy directories and the
 * policy itself, and /etc/scoperun. The repository guard's verdict cache
 * (~/.cache/scoperun) is not hidden: it holds no secret, hiding it would
 * make every run walk ~/.cache, and what matters, that the agent cannot
 * write it, holds unless a writable root covers it.
 */
#include "sandbox_cli.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

#define OWN_MAX 10

/* HOME, else the passwd entry's home: the stores hide either way. */
static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && h[0] == '/')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ?
	    pw->pw_dir : NULL;
}

/* One of scoperun's paths into own[*n], with suffix ("*": side files). */
static void
own_add(char own[OWN_MAX][SR_ERR_PATH_MAX], size_t *n, const char *path,
    const char *suffix)
{
	if (path == NULL || path[0] != '/' || *n >= OWN_MAX)
		return;
	if ((size_t)snprintf(own[*n], SR_ERR_PATH_MAX, "%s%s", path, suffix) <
	    SR_ERR_PATH_MAX)
		(*n)++;
}

static void
own_kind(char own[OWN_MAX][SR_ERR_PATH_MAX], size_t *n, sr_path_kind kind,
    const char *option, const char *suffix)
{
	char buf[SR_ERR_PATH_MAX];
	sr_err ignored = SR_ERR_INIT;

	if (sr_path_get(buf, sizeof(buf), kind, option, &ignored) == 0)
		own_add(own, n, buf, suffix);
}

static void
own_paths(char own[OWN_MAX][SR_ERR_PATH_MAX], size_t *n, const sr_policy *p,
    const char *identity, const char *vault, const char *cwd)
{
	char buf[SR_ERR_PATH_MAX];

	*n = 0;
	own_kind(own, n, SR_PATH_IDENTITY, identity, "");
	own_kind(own, n, SR_PATH_VAULT, vault, "*");
	own_kind(own, n, SR_PATH_AUDIT, NULL, "*");
	own_kind(own, n, SR_PATH_POLICIES, NULL, "");
	own_add(own, n, getenv("SCOPERUN_POLICY_DIR"), "");
	own_add(own, n, "/etc/scoperun", "");
	if (p->path[0] == '/')
		own_add(own, n, p->path, "");
	else if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", cwd, p->path) <
	    sizeof(buf))
		own_add(own, n, buf, "");
}

int
cli_sandbox_plan(sr_sandbox **out, const sr_policy *p, const char *identity,
    const char *vault, sr_err *err)
{
	static char own[OWN_MAX][SR_ERR_PATH_MAX];
	const char *ownv[OWN_MAX];
	char cwd[SR_ERR_PATH_MAX];
	sr_sandbox_ctx ctx = { 0 };
	size_t i, n;

	*out = NULL;
	if (!p->sandbox.present)
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, p->path, p->sandbox.line,
		    "[sandbox]: cannot tell the working directory");
	ctx.home = home_dir();
	ctx.cwd = cwd;
	ctx.tmpdir = getenv("TMPDIR");
	own_paths(own, &n, p, identity, vault, cwd);
	for (i = 0; i < n; i++)
		ownv[i] = own[i];
	ctx.own = ownv;
	ctx.nown = n;
	ctx.abi = sr_sandbox_abi();
	return sr_sandbox_plan(out, &p->sandbox, p->path, &ctx, err);
}
