/*
 * sandbox_cli.c - the context lib/run/sandbox.c plans a [sandbox] in.
 *
 * scoperun's own files are hidden wherever they are: the identity, the
 * vault and the audit log with their side files (lock, head, keys,
 * checkpoints, rate state: "PATH*"), the policy directories and the
 * policy itself, and /etc/scoperun. Where the vault and the audit log
 * are at their default places, their directories ($XDG_DATA_HOME/scoperun,
 * $XDG_STATE_HOME/scoperun) hold nothing but scoperun's and are hidden
 * whole: one cover each, no listing of them in every run. So is
 * $XDG_CONFIG_HOME/scoperun (the identity and the policies) when the
 * identity is at its default place. The repository guard's verdict cache
 * (~/.cache/scoperun) is not hidden: it holds no secret, hiding it would
 * make every run walk ~/.cache, and what matters, that the agent cannot
 * write it, holds unless a writable root covers it.
 *
 * SCOPERUN_SANDBOX_HIDE chooses how hidden paths are hidden: "auto" (the
 * default: a mount namespace where user namespaces are allowed, else
 * Landlock rules), "rules" or "mounts" (scoperun-policy(5)).
 * SCOPERUN_SANDBOX_KEEP=0 makes a mount namespace, or a ruleset, for each
 * run instead of taking the one a holder keeps (lib/run/sandbox_keep.c,
 * sandbox_rules_keep.c); the holder is this binary again, as
 * `scoperun __sandbox-hold`.
 */
#include "sandbox_cli.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "settings.h"

#define OWN_MAX 10

/* HOME, else the passwd entry's home: the stores hide either way.
 * getpwuid_r into buffers of this file's own: nothing else's static
 * buffer is overwritten under it. */
static const char *
home_dir(void)
{
	static struct passwd pwbuf;
	static char buf[4096];
	const char *h = sr_settings_get()->home;
	struct passwd *pw = NULL;

	if (h != NULL && h[0] == '/')
		return h;
	if (getpwuid_r(getuid(), &pwbuf, buf, sizeof(buf), &pw) != 0)
		return NULL;
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ?
	    pw->pw_dir : NULL;
}

/*
 * scoperun's own paths, packed one after another: a table of
 * SR_ERR_PATH_MAX-sized rows would fault in a fresh page for each one
 * it holds, which costs more than the rest of the plan's bookkeeping.
 */
typedef struct own_set {
	char pool[OWN_MAX * SR_ERR_PATH_MAX];
	size_t used;
	const char *v[OWN_MAX];
	size_t n;
} own_set;

/* One of scoperun's paths into own, with suffix ("*": side files). */
static void
own_add(own_set *own, const char *path, const char *suffix)
{
	char *at = own->pool + own->used;
	size_t room = sizeof(own->pool) - own->used;
	int len;

	if (path == NULL || path[0] != '/' || own->n >= OWN_MAX)
		return;
	len = snprintf(at, room, "%s%s", path, suffix);
	if (len < 0 || (size_t)len >= room || len >= SR_ERR_PATH_MAX)
		return;
	own->v[own->n++] = at;
	own->used += (size_t)len + 1;
}

/* Is the setting (settings.h: as cmd/ read it from the environment)
 * given, and not empty? */
static int
given(const char *v)
{
	return v != NULL && v[0] != '\0';
}

/* at_default: no variable moved kind from its default place, so (with
 * no option either) kind's whole directory is hidden. */
static void
own_kind(own_set *own, sr_path_kind kind, const char *option,
    const char *suffix, int at_default)
{
	char buf[SR_ERR_PATH_MAX], *slash;
	sr_err ignored = SR_ERR_INIT;

	if (sr_path_get(buf, sizeof(buf), kind, option, &ignored) != 0)
		return;
	if (at_default && option == NULL &&
	    (slash = strrchr(buf, '/')) != NULL && slash != buf) {
		*slash = '\0';
		suffix = "";
	}
	own_add(own, buf, suffix);
}

static void
own_paths(own_set *own, const sr_policy *p, const char *identity,
    const char *vault, const char *cwd, const char *covers)
{
	const sr_settings *set = sr_settings_get();
	char buf[SR_ERR_PATH_MAX];

	own->n = own->used = 0;
	/* identity and policies both at their default places: their
	 * directory, $XDG_CONFIG_HOME/scoperun, holds nothing else, and
	 * one cover does for both */
	if (identity == NULL && !given(set->identity)) {
		own_kind(own, SR_PATH_POLICIES, NULL, "", 1);
	} else {
		own_kind(own, SR_PATH_IDENTITY, identity, "", 0);
		own_kind(own, SR_PATH_POLICIES, NULL, "", 0);
	}
	own_kind(own, SR_PATH_VAULT, vault, "*", !given(set->vault));
	own_kind(own, SR_PATH_AUDIT, NULL, "*", !given(set->audit));
	own_add(own, set->policy_dir, "");
	/* the covers and the kept namespaces' registry: in the state
	 * directory, hidden whole with the log at its default place; else
	 * hidden by themselves (an agent that could write the registry
	 * could name a namespace without covers for the next run) */
	if (given(set->audit) && covers != NULL)
		own_add(own, covers, "");
	own_add(own, "/etc/scoperun", "");
	if (p->path[0] == '/')
		own_add(own, p->path, "");
	else if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", cwd, p->path) <
	    sizeof(buf))
		own_add(own, buf, "");
}

/* Where the empty covers are kept: $XDG_STATE_HOME/scoperun/sandbox
 * (absolute only, as XDG says), else ~/.local/state/scoperun/sandbox. */
static const char *
cover_dir(char *buf, size_t size, const char *home)
{
	const char *x = sr_settings_get()->xdg_state_home;
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(buf, size, "%s/scoperun/sandbox", x);
	else if (home != NULL)
		n = snprintf(buf, size, "%s/.local/state/scoperun/sandbox", home);
	else
		return NULL;
	return n > 0 && (size_t)n < size ? buf : NULL;
}

/* SCOPERUN_SANDBOX_HIDE, or -1 when it names no way. */
static int
hiding(void)
{
	const char *h = sr_settings_get()->sandbox_hide;

	if (h == NULL || h[0] == '\0' || strcmp(h, "auto") == 0)
		return SR_SANDBOX_HIDE_AUTO;
	if (strcmp(h, "rules") == 0)
		return SR_SANDBOX_HIDE_RULES;
	return strcmp(h, "mounts") == 0 ? SR_SANDBOX_HIDE_MOUNTS : -1;
}

int
cli_sandbox_plan(sr_sandbox **out, const sr_policy *p, const char *identity,
    const char *vault, int run, sr_err *err)
{
	static own_set own;
	char cwd[SR_ERR_PATH_MAX], covers[SR_ERR_PATH_MAX];
	sr_sandbox_ctx ctx = { 0 };
	int h;

	*out = NULL;
	if (!p->sandbox.present)
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, p->path, p->sandbox.line,
		    "[sandbox]: cannot tell the working directory");
	ctx.home = home_dir();
	ctx.cwd = cwd;
	ctx.tmpdir = sr_settings_get()->tmpdir;
	ctx.cover_dir = cover_dir(covers, sizeof(covers), ctx.home);
	own_paths(&own, p, identity, vault, cwd, ctx.cover_dir);
	ctx.own = own.v;
	ctx.nown = own.n;
	ctx.abi = sr_sandbox_abi();
	if ((h = hiding()) < 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "SCOPERUN_SANDBOX_"
		    "HIDE must be auto, rules or mounts");
	ctx.hiding = (sr_sandbox_hiding)h;
	if (ctx.hiding == SR_SANDBOX_HIDE_AUTO)
		ctx.userns = run ? -1 : sr_sandbox_userns(&ctx.userns_why);
	return sr_sandbox_plan(out, &p->sandbox, p->path, &ctx, err);
}

/* SCOPERUN_SANDBOX_KEEP=0: a namespace of each run's own */
static int
keep_wanted(void)
{
	const char *k = sr_settings_get()->sandbox_keep;

	return k == NULL || strcmp(k, "0") != 0;
}

void
cli_sandbox_settle(sr_sandbox *sb, int join)
{
	sr_sandbox_settle(sb, join && keep_wanted());
}

void
cli_sandbox_keep_spawn(const sr_sandbox *sb)
{
	if (keep_wanted())
		sr_sandbox_keep_spawn(sb, "/proc/self/exe");
}

/* `scoperun __sandbox-hold`: the holder, started by a run (not a user).
 * Its standard error is /dev/null then; a message is for a person who
 * typed it. */
int
cmd_sandbox_hold(int argc, char **argv)
{
	sr_err err = SR_ERR_INIT;

	(void)argv;
	if (argc != 1) {
		cli_errorf("__sandbox-hold", "takes no arguments: it is started "
		    "by a confined run");
		return SR_EXIT_USAGE;
	}
	if (sr_sandbox_hold(0, &err) == 0)
		return SR_EXIT_OK;
	cli_error("__sandbox-hold", &err);
	return SR_EXIT_USAGE;
}
