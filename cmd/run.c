/*
 * run.c - `scoperun [OPTIONS] AGENT [--] COMMAND [ARG...]`.
 *
 * The steps, in order: read the options up to AGENT; load the policy;
 * check the git repository around the working directory (before any
 * secret is decrypted: a refused run needs none); build the child's
 * environment from nothing; find the command in the child's PATH and
 * check the allowlist; then print (dry run) or exec.
 * Any refusal is one line on stderr and exit 125.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "cli.h"
#include "env.h"
#include "exec.h"
#include "mask.h"
#include "paths.h"
#include "policy.h"
#include "ratelimit.h"
#include "repo.h"
#include "run_providers.h"
#include "sandbox_cli.h"
#include "supervise.h"
#include "suspend.h"
#include "term.h"
#include "timeutil.h"
#include "vault_session.h"
#include "secmem.h"
#include "secalloc.h"

extern char **environ;

/* The sodium region each grant's value is decrypted into, in turn. */
typedef struct vault_value {
	unsigned char *p;
	size_t cap;
} vault_value;

/* Everything a run decided, for the exec, the dry run and the audit. */
typedef struct run_ctx {
	const char *agent;
	sr_run_opts opts;
	char **cmd;
	sr_policy *policy;
	sr_env *env;
	char *resolved;
	char *shown;		/* resolved, or its [REDACTED:NAME] */
	int granted;		/* every grant decrypted: argv can be redacted */
	sr_repo_finding repo;
	const char *reason;	/* the audit record's code for a refusal */
	char **safe_argv;	/* argv redacted, once env is gone */
	const sr_audit_exit *exit;	/* how a supervised child ended */
	sr_sandbox *sandbox;	/* [sandbox], built; NULL: none */
	char *sandbox_json;	/* what it enforces, for the record */
	grant_files files;	/* as = "file" grants (SPEC §10) */
	mint_state mint;	/* the providers that ran (SPEC §10) */
} run_ctx;

static int
opt_value(const char **out, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (strcmp(argv[*i], name) != 0)
		return 0;
	if (argv[*i + 1] == NULL)
		return -1;
	*out = argv[++*i];
	return 1;
}

const char cli_usage_run[] =
    "usage: scoperun [run] [OPTIONS] AGENT [--] COMMAND [ARG...]\n"
    "run COMMAND with the environment AGENT's policy gives, and nothing "
    "else\n"
    "  -n, --dry-run      decide and print the variable names; exec "
    "nothing\n"
    "  --task ID          task id for the audit record ($SCOPERUN_TASK_ID)\n"
    "  --vault FILE       the sealed vault ($SCOPERUN_VAULT)\n"
    "  --identity FILE    the identity that opens it ($SCOPERUN_IDENTITY)\n"
    "AGENT is a policy name (AGENT.toml in $SCOPERUN_POLICY_DIR,\n"
    "~/.config/scoperun/policies, /etc/scoperun/policies) or a path with "
    "a /.\n"
    "exit: the command's status; 125 refused, 126 cannot execute, 127 not "
    "found\n";

/* Options stop at AGENT; `--` after AGENT is optional. */
static int
parse_args(run_ctx *c, int argc, char **argv)
{
	int i, r;

	c->opts.task = getenv("SCOPERUN_TASK_ID");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			exit(cli_help_verb("run"));
		}
		if (strcmp(argv[i], "-n") == 0 ||
		    strcmp(argv[i], "--dry-run") == 0) {
			c->opts.dry_run = 1;
		} else if ((r = opt_value(&c->opts.task, argv, &i, "--task")) ||
		    (r = opt_value(&c->opts.vault, argv, &i, "--vault")) ||
		    (r = opt_value(&c->opts.identity, argv, &i,
		    "--identity")) ||
		    (r = opt_value(&c->opts.identity_fd, argv, &i,
		    "--identity-fd"))) {
			if (r < 0) {
				cli_errorf("run", "%s needs a value", argv[i]);
				return -1;
			}
		} else {
			cli_errorf("run", "unknown option '%.80s' (see "
			    "scoperun --help)", argv[i]);
			return -1;
		}
	}
	if (i >= argc) {
		cli_errorf("run", "missing AGENT (see scoperun --help)");
		return -1;
	}
	c->agent = argv[i++];
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		cli_errorf(c->agent, "missing COMMAND to run");
		return -1;
	}
	c->cmd = argv + i;
	return 0;
}

static int
load_policy(run_ctx *c, sr_err *err)
{
	char *path;
	int rc;

	c->reason = "policy.missing";
	if (sr_policy_find(&path, c->agent, err) != 0) {
		cli_no_policy_hint(c->agent, err);
		return -1;
	}
	rc = sr_policy_load(&c->policy, path, sr_time_now(), err);
	free(path);
	/* a sound policy that says no (it or a grant expired) names its
	 * reason; any other failure is an invalid policy */
	if (rc != 0 && err->kind == SR_ERR_DENIED && err->reason != NULL)
		c->reason = err->reason;
	else
		c->reason = "policy.invalid";
	return rc;
}

/* Append the first max bytes of src to buf, escaped (term.h) so the
 * message and its audit record are one clean line, "..." when cut. */
static void
put_clean(char *buf, size_t size, const char *src, size_t max)
{
	size_t len = strlen(buf), n = strnlen(src, max + 1);

	if (len + 4 >= size)
		return;
	sr_term_escape(buf + len, size - 3 - len, src, n > max ? max : n);
	if (n > max)
		strcat(buf, "...");
}

/* As many of the first paths as leave reserve bytes free (one at
 * least), then how many more there are. */
static void
put_paths(char *msg, size_t size, const sr_repo_finding *f, size_t reserve)
{
	char more[64];
	size_t i, shown = 0;

	for (i = 0; i < f->nlisted; i++) {
		if (shown > 0 && strlen(msg) + 2 + strlen(f->listed[i]) +
		    reserve >= size)
			break;
		if (shown++ > 0)
			put_clean(msg, size, ", ", 2);
		put_clean(msg, size, f->listed[i], 100);
	}
	snprintf(more, sizeof(more), " (and %zu more)", f->count - shown);
	if (f->count > shown)
		put_clean(msg, size, more, sizeof(more));
}

/*
 * The guard's refusal: what is tracked, and the fix. It points at the
 * policy's [repo] line when there is one, else at the policy file.
 */
static int
repo_refusal(run_ctx *c, sr_err *err)
{
	const sr_repo_finding *f = &c->repo;
	const sr_policy *p = c->policy;
	static const char tail[] = "; remove them with git rm --cached PATH, "
	    "commit, and rotate the secrets they exposed";
	char msg[SR_ERR_MSG_MAX] = "denied: the repository at ";

	put_clean(msg, sizeof(msg), f->root, 120);
	if (f->identity_tracked) {
		c->reason = "repo.tracked_identity";
		put_clean(msg, sizeof(msg), f->identity_material ?
		    " tracks identity material (a secret key line) in " :
		    " tracks your identity file ", 60);
		put_clean(msg, sizeof(msg), f->root, 120);
		put_clean(msg, sizeof(msg), "/", 1);
		put_clean(msg, sizeof(msg), f->identity, 120);
		put_clean(msg, sizeof(msg), ": git rm --cached it, commit, and "
		    "rotate the identity", 70);
	} else {
		c->reason = "repo.committed_env";
		put_clean(msg, sizeof(msg), " has committed env files: ", 40);
		put_paths(msg, sizeof(msg), f, sizeof(tail) + 20 +
		    (p->repo_line ? 0 : 4 + strnlen(p->path, 99)));
		put_clean(msg, sizeof(msg), tail, sizeof(tail));
	}
	if (p->repo_line == 0) {
		put_clean(msg, sizeof(msg), " (", 2);
		put_clean(msg, sizeof(msg), p->path, 96);
		put_clean(msg, sizeof(msg), ")", 1);
	}
	return sr_err_set(err, SR_ERR_DENIED, p->path, p->repo_line, "%s",
	    msg);
}

/*
 * SPEC §6: no agent runs in a repository whose HEAD or index holds an
 * env file or the identity. SCOPERUN_DEBUG_CACHE=1 says on stderr how
 * the guard's cache answered (for tests and benchmarks).
 */
static int
repo_guard(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	sr_repo_opts o = SR_REPO_OPTS_INIT;
	char identity[SR_ERR_PATH_MAX];
	sr_err ignored = SR_ERR_INIT;
	const char *debug = getenv("SCOPERUN_DEBUG_CACHE");
	int rc;

	if (!p->refuse_committed_env)
		return 0;
	o.patterns = p->env_patterns.v;
	o.npatterns = p->env_patterns.n;
	if (sr_path_get(identity, sizeof(identity), SR_PATH_IDENTITY,
	    c->opts.identity, &ignored) == 0)
		o.identity_path = identity;
	c->reason = "repo.error";
	rc = sr_repo_guard(&c->repo, NULL, &o, err);
	if (debug != NULL && debug[0] != '\0' && strcmp(debug, "0") != 0)
		fprintf(stderr, "scoperun: %s: repo guard: %s, cache %s, "
		    "libgit2 %s\n", c->agent, c->repo.in_repo ? c->repo.root :
		    "no repository", sr_repo_cache_state_name(c->repo.cache),
		    c->repo.loaded_libgit2 ? "loaded" : "not loaded");
	if (rc < 0)
		return -1;
	return rc == 0 ? 0 : repo_refusal(c, err);
}

/*
 * [sandbox] (sandbox.h): planned and built here, before any secret
 * is decrypted; applied in the child right before exec. A kernel that
 * cannot enforce a required sandbox refuses the run.
 */
static int
sandbox_guard(run_ctx *c, sr_err *err)
{
	int rc;

	c->reason = "sandbox.invalid";
	rc = cli_sandbox_plan(&c->sandbox, c->policy, c->opts.identity,
	    c->opts.vault, 1, err);
	if (rc != 0 && err->kind == SR_ERR_DENIED && err->reason != NULL)
		c->reason = err->reason;
	if (rc != 0 || c->sandbox == NULL)
		return rc;
	/* the way of hiding settles here, for the record: a dry run joins
	 * nothing */
	cli_sandbox_settle(c->sandbox, !c->opts.dry_run);
	if ((c->sandbox_json = sr_sandbox_json(c->sandbox)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	c->reason = "sandbox.error";
	return c->opts.dry_run ? 0 : sr_sandbox_build(c->sandbox, err);
}

/* A grant's refusal points at the grant's line in the policy. */
static int
grant_error(const sr_policy *p, const sr_grant *g, sr_err *err)
{
	if (err->line == 0 || err->file[0] == '\0' ||
	    strcmp(err->file, p->path) != 0) {
		char msg[SR_ERR_MSG_MAX];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		sr_err_set(err, err->kind == SR_ERR_NOTFOUND ? SR_ERR_CONFIG :
		    err->kind, p->path, g->line, "grant %.80s: %s", g->env,
		    msg);
	}
	return -1;
}

/* val: one sodium region for every grant's value (sr_vault_get_reuse). */
static int
add_grant(run_ctx *c, const sr_vault *v, const sr_grant *g, int64_t now,
    vault_value *val, sr_err *err)
{
	sr_secret_meta meta;
	size_t len;
	char when[SR_TIME_RFC3339_LEN];

	if (sr_vault_get_reuse(&val->p, &val->cap, &len, &meta, v, g->from,
	    err) != 0) {
		c->reason = err->kind == SR_ERR_NOTFOUND ? "grant.missing" :
		    "vault.error";
		return grant_error(c->policy, g, err);
	}
	if (meta.expires && meta.expires <= now) {
		c->reason = "secret.expired";
		return sr_err_set(err, SR_ERR_DENIED, c->policy->path, g->line,
		    "denied: grant %.80s: secret '%s' expired %s", g->env,
		    g->from, sr_time_format(when, sizeof(when), meta.expires));
	}
	if (g->max_age && now - meta.updated > g->max_age) {
		c->reason = "grant.stale";
		return sr_err_set(err, SR_ERR_DENIED, c->policy->path, g->line,
		    "denied: grant %.80s: secret '%s' was last set or rotated "
		    "%s, %lldd ago, longer than max_age allows", g->env,
		    g->from, sr_time_format(when, sizeof(when), meta.updated),
		    (long long)((now - meta.updated) / 86400));
	}
	if (grant_put(c->env, g, val->p, len, &c->files, err) != 0)
		return grant_error(c->policy, g, err);
	return 0;
}

/*
 * Decrypt exactly the granted secrets into the child's environment. No
 * vault or identity is touched for a policy without grants. Core dumps
 * are off before the first secret is decrypted.
 */
static int
add_grants(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	vault_args a = { 0 };
	vault_session s;
	vault_value val = { NULL, 0 };
	int64_t now = sr_time_now();
	size_t i;
	int rc = -1;

	/* granted: every value a grant could put in argv is known. Minted
	 * ones are known only once mint_grants ran, so a policy with provider
	 * grants is not "granted" before then. */
	if (vault_grant_count(p) == 0) {
		c->granted = p->ngrants == 0;
		return 0;	/* none, or only minted ones (mint_grants) */
	}
	c->reason = "vault.error";
	if (sr_secmem_begin(err) != 0)
		return -1;
	a.vault = c->opts.vault;
	a.identity = c->opts.identity;
	a.identity_fd = c->opts.identity_fd;
	if (vs_open(&s, &a, VS_UNLOCK, err) != 0) {
		grant_error(p, &p->grants[0], err);
		goto done;
	}
	for (i = 0; i < p->ngrants; i++)
		if (p->grants[i].provider == NULL && add_grant(c, s.vault,
		    &p->grants[i], now, &val, err) != 0)
			goto done;
	c->granted = vault_grant_count(p) == p->ngrants;
	rc = 0;
done:
	sr_secalloc_free(val.p);
	vs_close(&s);
	return rc;
}

static int
build_env(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	size_t i;

	c->reason = "policy.invalid";
	if (sr_env_new(&c->env) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (sr_env_inherit(c->env, environ, p->inherit.v, p->inherit.n) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	for (i = 0; i < p->nset; i++) {
		if (sr_env_set(c->env, p->set[i].name, p->set[i].value,
		    p->set[i].value_len, err) != 0) {
			err->line = p->set[i].line;
			snprintf(err->file, sizeof(err->file), "%s", p->path);
			return -1;
		}
	}
	return add_grants(c, err);
}

/* A bare command the allowlist names as is: that entry, resolved in the
 * same PATH, is the file just found, so it needs no second search. */
static int
allowed_as_typed(const char *cmd, const sr_strlist *allow)
{
	size_t i;

	if (strchr(cmd, '/') != NULL)
		return 0;
	for (i = 0; i < allow->n; i++)
		if (strcmp(allow->v[i], cmd) == 0)
			return 1;
	return 0;
}

/*
 * A message about the command arg (lib/run/exec.c's "QUOTED: why") shows
 * [REDACTED:NAME] in its place when arg holds a granted value: a command
 * named by a value (`scoperun bot "$TOKEN"`) is no reason to print it.
 */
static int
hide_value(run_ctx *c, const char *arg, sr_err *err)
{
	char red[300], q[4 * SR_ERR_QUOTE_MAX + 8], msg[SR_ERR_MSG_MAX];
	char file[SR_ERR_PATH_MAX];
	const char *why;
	size_t n;

	/* the values are found in the built environment */
	if (c->env == NULL ||
	    !sr_audit_redact_arg(red, sizeof(red), arg, c->env))
		return -1;
	n = strlen(sr_err_quote(q, sizeof(q), arg, strlen(arg)));
	snprintf(msg, sizeof(msg), "%s%s", red, strncmp(err->msg, q, n) == 0 ?
	    err->msg + n : ": cannot be run");
	snprintf(file, sizeof(file), "%s", err->file);
	why = err->reason;
	sr_err_set(err, err->kind, file, err->line, "%s", msg);
	return sr_err_set_reason(err, why);
}

/* The command's path as messages, records and the dry run show it. */
static int
set_shown(run_ctx *c, sr_err *err)
{
	char red[300];

	c->shown = strdup(sr_audit_redact_arg(red, sizeof(red), c->resolved,
	    c->env) ? red : c->resolved);
	if (c->shown == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	return 0;
}

static int
check_command(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	const char *path = sr_env_get(c->env, "PATH");
	char q[400];

	if (sr_exec_resolve(&c->resolved, c->cmd[0], path, err) != 0) {
		c->reason = err->kind == SR_ERR_NOTFOUND ? "exec.notfound" :
		    "exec.noexec";
		return hide_value(c, c->cmd[0], err);
	}
	if (set_shown(c, err) != 0)
		return -1;
	if (p->allow_any || allowed_as_typed(c->cmd[0], &p->allow) ||
	    sr_exec_allowed(c->resolved, p->allow.v, p->allow.n, path))
		return 0;
	c->reason = "exec.denied";
	return sr_err_set(err, SR_ERR_DENIED, p->path, p->allow.n ?
	    p->allow.line[0] : 0, "denied: %s is not in exec.allow",
	    sr_err_quote(q, sizeof(q), c->shown, strlen(c->shown)));
}

static void
print_sandbox_line(void *arg, const char *label, const char *text)
{
	(void)arg;
	printf("%-10s%s\n", label, cli_esc(text));
}

/* A dry run mints nothing: it names what the providers would give. */
static void
print_dry_providers(const sr_policy *p)
{
	size_t i;

	for (i = 0; p != NULL && i < p->ngrants; i++)
		if (p->grants[i].provider != NULL)
			printf("minted    %s from provider %s (not run in a dry "
			    "run)\n", p->grants[i].env, p->grants[i].provider);
}

static void
print_dry_run(run_ctx *c, const sr_err *err)
{
	size_t i, n, len;
	const char *name;

	printf("agent     %s (%s)\n", cli_esc(c->agent), c->policy ?
	    cli_esc(c->policy->path) : "no policy");
	if (c->repo.in_repo)
		printf("repo      %s (%s)\n", cli_esc(c->repo.root),
		    c->repo.head[0] ? c->repo.head : "unborn HEAD");
	if (c->shown)
		printf("command   %s\n", cli_esc(c->shown));
	if (c->policy != NULL && c->policy->supervise) {
		printf("mode      supervised%s", c->policy->mask_output ?
		    ", output masked" : "");
		if (c->policy->max_runtime > 0)
			printf(", max_runtime %llds", (long long)
			    c->policy->max_runtime);
		printf("\n");
	}
	if (c->sandbox != NULL)
		sr_sandbox_describe(c->sandbox, print_sandbox_line, NULL);
	if (err->kind != SR_ERR_NONE) {
		printf("decision  refuse: %s\n", cli_esc(err->msg));
		return;
	}
	print_dry_providers(c->policy);
	printf("decision  allow\n");
	n = sr_env_envp(c->env) ? sr_env_count(c->env) : 0;
	for (i = 0; i < n; i++) {
		name = sr_env_name_at(c->env, i, &len);
		printf("env       %.*s\n", (int)len, name);
	}
}

static void
run_free(run_ctx *c)
{
	sr_env_free(c->env);
	sr_policy_free(c->policy);
	sr_repo_finding_free(&c->repo);
	free(c->resolved);
	free(c->shown);
	sr_audit_argv_free(c->safe_argv);
	sr_sandbox_free(c->sandbox);
	free(c->sandbox_json);
	mint_state_free(&c->mint);
	grant_files_close(&c->files);
}

/*
 * One record per run or refusal, durable before the exec: a run that
 * cannot be recorded does not happen.
 */
static int
record(run_ctx *c, const char *event, const sr_err *why, sr_err *err)
{
	const sr_policy *p = c->policy;
	const char **names = NULL;
	sr_audit_event ev = { 0 };
	char path[SR_ERR_PATH_MAX];
	size_t i;
	int rc;

	/* every granted name, however many: an unlisted one would look
	 * unused to `audit report` */
	if (p != NULL && (names = calloc(p->ngrants + 1, sizeof(*names))) ==
	    NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	for (i = 0; p != NULL && i < p->ngrants; i++)
		names[i] = p->grants[i].env;
	/* the record redacts granted values from argv by looking at the
	 * built environment: build it, refusal or not */
	if (c->env != NULL && sr_env_envp(c->env) == NULL) {
		free(names);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	ev.event = event;
	ev.agent = c->agent;
	ev.policy_path = p ? p->path : NULL;
	ev.policy_hash = p ? p->hash : NULL;
	ev.decision = strcmp(event, "run") == 0 ? "allow" :
	    strcmp(event, "deny") == 0 ? "deny" : NULL;
	ev.reason = ev.decision == NULL ? NULL : why ? c->reason : "ok";
	ev.message = why ? why->msg : NULL;
	ev.secrets = p ? names : NULL;
	ev.nsecrets = i;
	ev.command = c->shown;
	ev.argv = c->safe_argv != NULL ? c->safe_argv : c->cmd;
	/* a refusal before every grant was decrypted cannot tell which
	 * entries hold a granted value (nor can one without a policy): it
	 * writes how many there were, never what */
	if (!c->granted)
		ev.argv_withheld = "grants_not_decrypted";
	ev.env = c->env;
	ev.exit = c->exit;
	ev.sandbox = c->sandbox_json;
	if (c->repo.in_repo) {
		ev.repo_root = c->repo.root;
		ev.repo_head = c->repo.head[0] ? c->repo.head : NULL;
	}
	ev.task = c->opts.task;
	ev.providers = c->mint.rec;
	ev.nproviders = c->mint.nrec;
	ev.forward = p != NULL && p->audit_syslog;	/* [audit] syslog */
	rc = sr_path_get(path, sizeof(path), SR_PATH_AUDIT, NULL, err) != 0 ?
	    -1 : sr_audit_append(path, &ev, err);
	free(names);
	if (rc == SR_AUDIT_REFUSED)	/* on record as a refusal: err says */
		return -1;
	if (rc != 0) {
		snprintf(path, sizeof(path), "%s", err->msg);
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "%s: %s", c->exit ?
		    "warning: the exit was not recorded" : "cannot record the "
		    "run, so it does not happen", path);
		return -1;
	}
	return 0;
}

/* The suspension state file of the run's agent. */
static int
suspend_path(char *path, size_t size, const sr_policy *p, sr_err *err)
{
	char audit[SR_ERR_PATH_MAX];

	if (sr_path_get(audit, sizeof(audit), SR_PATH_AUDIT, NULL, err) != 0)
		return -1;
	return sr_suspend_path(path, size, audit, p->name, err);
}

/*
 * SPEC §11: a refusal of an agent whose policy sets
 * suspend_after_denials counts; the one that makes N within the window
 * suspends it, which the refusal's message then says (still one line)
 * and an agent.suspend record keeps.
 */
static void
count_refusal(run_ctx *c, sr_err *why)
{
	const sr_policy *p = c->policy;
	char path[SR_ERR_PATH_MAX];
	sr_audit_event ev = { 0 };
	sr_err aerr = SR_ERR_INIT;
	size_t len;
	int r;

	if (p == NULL || p->nerrors > 0 || p->suspend_after_denials == 0 ||
	    strcmp(c->reason, "agent.suspended") == 0)
		return;
	if (suspend_path(path, sizeof(path), p, &aerr) != 0 ||
	    (r = sr_suspend_count(path, p->suspend_after_denials,
	    p->suspend_window, sr_time_now(), &aerr)) < 0) {
		cli_error(c->agent, &aerr);
		return;
	}
	if (r == 0)
		return;
	len = strlen(why->msg);
	snprintf(why->msg + len, sizeof(why->msg) - len, "; %lld refusals "
	    "within %llds: the agent is now suspended until `scoperun agent "
	    "resume %s`", (long long)p->suspend_after_denials,
	    (long long)p->suspend_window, p->name);
	ev.event = "agent.suspend";
	ev.agent = p->name;
	ev.policy_path = p->path;
	ev.policy_hash = p->hash;
	ev.reason = "limits.denials";
	if (sr_path_get(path, sizeof(path), SR_PATH_AUDIT, NULL, &aerr) != 0 ||
	    sr_audit_append(path, &ev, &aerr) != 0)
		cli_error(c->agent, &aerr);
}

/* A refusal is recorded too; if even that fails, both are said. */
static void
record_refusal(run_ctx *c, sr_err *why)
{
	sr_err aerr = SR_ERR_INIT;

	if (record(c, "deny", why, &aerr) != 0)
		cli_error(c->agent, &aerr);
	count_refusal(c, why);
}

/*
 * SPEC §11: a suspended agent's every run is refused, before anything
 * else is looked at. One open that usually finds no file.
 */
static int
suspend_guard(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	char path[SR_ERR_PATH_MAX], when[SR_TIME_RFC3339_LEN];
	int64_t since;
	int r;

	c->reason = "limits.error";
	if (suspend_path(path, sizeof(path), p, err) != 0 ||
	    (r = sr_suspend_check(path, &since, err)) < 0)
		return -1;
	if (r == 0)
		return 0;
	c->reason = "agent.suspended";
	return sr_err_set(err, SR_ERR_DENIED, p->path, p->suspend_line,
	    "denied: agent %s is suspended since %s; a person resumes it "
	    "with `scoperun agent resume %s`", p->name, sr_time_format(when,
	    sizeof(when), since), p->name);
}

/*
 * [limits] max_runs_per_hour, the last check: a run refused for anything
 * else takes no slot. A dry run looks and takes none. State that cannot
 * be read or written refuses the run: the limit is not skipped.
 */
static int
rate_guard(run_ctx *c, sr_err *err)
{
	const sr_policy *p = c->policy;
	char audit[SR_ERR_PATH_MAX], path[SR_ERR_PATH_MAX];
	int r;

	if (p->max_runs_per_hour == 0)
		return 0;
	c->reason = "limits.error";
	if (sr_path_get(audit, sizeof(audit), SR_PATH_AUDIT, NULL, err) != 0 ||
	    sr_ratelimit_path(path, sizeof(path), audit, p->name, err) != 0 ||
	    (r = sr_ratelimit_take(path, p->max_runs_per_hour, sr_time_now(),
	    c->opts.dry_run, err)) < 0)
		return -1;
	if (r == 0)
		return 0;
	c->reason = "limits.rate";
	return sr_err_set(err, SR_ERR_DENIED, p->path, p->limits_line,
	    "denied: %lld runs in the last hour already "
	    "(limits.max_runs_per_hour)", (long long)p->max_runs_per_hour);
}

/* Every granted value, to be masked; one too short to mask is named. */
static int
build_mask(run_ctx *c, sr_mask *m, sr_err *err)
{
	size_t i, n = sr_env_count(c->env), nlen, vlen;
	const char *name, *value;
	int r;

	for (i = 0; i < n; i++) {
		if (!sr_env_secret_at(c->env, i, &name, &nlen, &value, &vlen))
			continue;
		r = sr_mask_add(m, name, nlen, (const unsigned char *)value,
		    vlen, err);
		if (r < 0)
			return -1;
		if (r == 1)
			cli_errorf(c->agent, "warning: %.*s is shorter than %d "
			    "bytes and is not masked", (int)nlen, name,
			    SR_MASK_MIN_LEN);
	}
	return sr_mask_build(m, err);
}

/* The exit record; the status stands even when it cannot be written. */
static void
record_exit(run_ctx *c, const sr_supervise_result *res)
{
	sr_audit_exit ex = { res->status, res->signal, res->duration_ms,
	    res->timed_out };
	sr_err aerr = SR_ERR_INIT;

	c->exit = &ex;
	if (record(c, "exit", NULL, &aerr) != 0)
		cli_error(c->agent, &aerr);
	c->exit = NULL;
}

/*
 * Supervised mode (supervise.h). The parent frees the environment as
 * soon as the child exists; it keeps only the mask, and only when output
 * is masked. The child's status, or -1 when it could not be run.
 */
static int
run_supervised(run_ctx *c, char *const *envp, sr_err *err)
{
	const sr_policy *p = c->policy;
	sr_supervise_opts o = { 0 };
	sr_supervise_result res;
	sr_supervisor *sv;
	sr_mask *mask = NULL;
	int rc = -1;

	c->reason = "system";
	if ((c->safe_argv = sr_audit_argv_redact(c->cmd, c->env)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (p->mask_output && (sr_mask_new(&mask, err) != 0 ||
	    build_mask(c, mask, err) != 0))
		goto done;
	o.path = c->resolved;
	o.argv = c->cmd;
	o.envp = envp;
	o.max_runtime = p->max_runtime;
	o.kill_grace = p->kill_grace;
	o.mask = mask != NULL && sr_mask_count(mask) > 0 ? mask : NULL;
	o.sandbox = c->sandbox;
	if (sr_supervise_start(&sv, &o, err) != 0)
		goto done;
	sr_env_free(c->env);
	c->env = NULL;
	rc = sr_supervise_wait(sv, &res, err);
done:
	sr_mask_free(mask);
	if (rc != 0)
		return -1;
	record_exit(c, &res);
	return res.status;
}

/* Exec, or supervise: the command's status, or -1 when it did not run. */
static int
execute(run_ctx *c, char *const *envp, sr_err *err)
{
	/* before the limits come back: the holder's fork holds a copy of
	 * this process (secrets included) until it execs */
	cli_sandbox_keep_spawn(c->sandbox);
	sr_secmem_restore_limits();
	if (c->policy->supervise)
		return run_supervised(c, envp, err);
	if (sr_sandbox_apply(c->sandbox, err) != 0)
		return -1;
	return sr_exec_run(c->resolved, c->cmd, envp, err);
}

/*
 * SPEC §10: the providers run last, once every other check passed, so
 * that a refused run mints nothing.
 */
static int
mint_grants(run_ctx *c, sr_err *err)
{
	if (c->opts.dry_run)
		return 0;
	if (providers_mint(&c->mint, c->env, c->policy, &c->opts, &c->files,
	    sr_time_now(), err) == 0) {
		c->granted = 1;
		return 0;
	}
	c->reason = c->mint.reason;
	return -1;
}

int
cmd_run(int argc, char **argv)
{
	run_ctx c = { 0 };
	sr_err err = SR_ERR_INIT;
	char *const *envp = NULL;
	int rc, status = SR_EXIT_OK;

	if (parse_args(&c, argc, argv) != 0)
		return SR_EXIT_REFUSED;
	/* the key goes to locked memory: core dumps off first */
	if (c.opts.identity_fd != NULL && (sodium_init() < 0 ||
	    sr_secmem_begin(&err) != 0 ||
	    vs_identity_fd_take(c.opts.identity_fd, &err) != 0)) {
		if (err.msg[0] == '\0')
			sr_err_set(&err, SR_ERR_SYSTEM, NULL, 0, "cannot "
			    "initialise libsodium");
		cli_error(c.agent, &err);
		return SR_EXIT_REFUSED;
	}
	rc = load_policy(&c, &err) == 0 && suspend_guard(&c, &err) == 0 &&
	    repo_guard(&c, &err) == 0 && sandbox_guard(&c, &err) == 0 &&
	    build_env(&c, &err) == 0 && check_command(&c, &err) == 0 &&
	    rate_guard(&c, &err) == 0 && mint_grants(&c, &err) == 0 ? 0 : -1;
	if (c.opts.dry_run) {
		print_dry_run(&c, &err);
		goto done;
	}
	if (rc == 0 && (envp = sr_env_envp(c.env)) == NULL) {
		c.reason = "system";
		rc = sr_err_set(&err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	if (rc != 0) {
		record_refusal(&c, &err);
		goto done;
	}
	if ((rc = record(&c, "run", NULL, &err)) != 0)
		goto done;
	if ((status = execute(&c, envp, &err)) >= 0)
		goto done;
	rc = -1;
	if (err.kind == SR_ERR_NOTFOUND || err.kind == SR_ERR_NOEXEC)
		c.reason = err.kind == SR_ERR_NOTFOUND ? "exec.notfound" :
		    "exec.noexec";
	hide_value(&c, c.resolved, &err);
	record_refusal(&c, &err);
done:
	if (rc != 0)
		cli_error(c.agent, &err);
	run_free(&c);
	return rc == 0 ? status : cli_run_status(&err);
}
