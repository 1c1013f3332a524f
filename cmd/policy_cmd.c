/*
 * policy_cmd.c - `scoperun policy check|explain AGENT`.
 *
 * check lists every error and warning with file:line and exits 1 on any
 * error; explain shows what a run would give the agent: variable names
 * (never values), commands, expiry and repository rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "env.h"
#include "policy.h"
#include "sandbox_cli.h"
#include "paths.h"
#include "timeutil.h"
#include "vault.h"

extern char **environ;

/* -1 with *p NULL: no policy file; -1 with *p set: an invalid one. */
static int
load(sr_policy **p, const char *agent, sr_err *err, int *found)
{
	char *path;
	int rc;

	*p = NULL;
	*found = 0;
	if (sr_policy_find(&path, agent, err) != 0)
		return -1;
	*found = 1;
	rc = sr_policy_load(p, path, sr_time_now(), err);
	free(path);
	return rc;
}

void
cli_policy_say(const char *agent, const char *path, unsigned line,
    int error, const char *msg)
{
	fprintf(stderr, "scoperun: %s: %s: %s (%s", cli_esc(agent),
	    error ? "error" : "warning", cli_esc(msg), cli_esc(path));
	fprintf(stderr, line ? ":%u)\n" : ")\n", line);
}

static void
print_diag(const char *agent, const char *path, const sr_diag *d)
{
	cli_policy_say(agent, path, d->line, d->level == SR_DIAG_ERROR,
	    d->msg);
}

/*
 * [sandbox] checked as a run from here would plan it (this HOME, this
 * directory, this kernel): its errors and warnings, added to the counts.
 */
static void
check_sandbox(const char *agent, const sr_policy *p, size_t *nerr,
    size_t *nwarn)
{
	sr_err err = SR_ERR_INIT;
	sr_sandbox *sb = NULL;
	size_t i;

	if (p->nerrors != 0 || !p->sandbox.present)
		return;
	if (cli_sandbox_plan(&sb, p, NULL, NULL, 0, &err) != 0 && sb == NULL) {
		cli_error(agent, &err);
		(*nerr)++;
		return;
	}
	for (i = 0; i < sr_sandbox_ndiags(sb); i++) {
		const sr_diag *d = sr_sandbox_diag(sb, i);
		print_diag(agent, p->path, d);
		*nerr += d->level == SR_DIAG_ERROR;
		*nwarn += d->level == SR_DIAG_WARNING;
	}
	sr_sandbox_free(sb);
}

static int
policy_check(const char *agent)
{
	sr_err err = SR_ERR_INIT;
	sr_policy *p;
	size_t i, nwarn = 0, nerr;
	int found;

	if (load(&p, agent, &err, &found) != 0 && p == NULL) {
		/* a policy that exists but cannot be trusted or parsed is a
		 * finding; no policy at all is an error */
		cli_error(agent, &err);
		return found ? SR_EXIT_FINDINGS : SR_EXIT_USAGE;
	}
	for (i = 0; i < p->ndiags; i++) {
		const sr_diag *d = &p->diags[i];
		nwarn += d->level == SR_DIAG_WARNING;
		print_diag(agent, p->path, d);
	}
	nerr = p->nerrors;
	check_sandbox(agent, p, &nerr, &nwarn);
	if (p->nerrors == 0)
		cli_policy_lint(agent, p, &nerr, &nwarn);
	printf("%s: %zu error%s, %zu warning%s\n", cli_esc(p->path),
	    nerr, nerr == 1 ? "" : "s", nwarn,
	    nwarn == 1 ? "" : "s");
	i = nerr;
	sr_policy_free(p);
	return i ? SR_EXIT_FINDINGS : SR_EXIT_OK;
}

static void
print_list(const char *label, const sr_strlist *l, const char *none)
{
	size_t i;

	printf("%-10s", label);
	for (i = 0; i < l->n; i++)
		printf("%s%s", i ? " " : "", cli_esc(l->v[i]));
	printf("%s\n", l->n ? "" : none);
}

/* The variable names a run would pass now, from this caller's env. */
static void
print_names(const sr_policy *p)
{
	sr_env *e;
	size_t i, len;
	const char *name;

	if (sr_env_new(&e) != 0 ||
	    sr_env_inherit(e, environ, p->inherit.v, p->inherit.n) != 0)
		goto done;
	for (i = 0; i < p->nset; i++)
		if (sr_env_set(e, p->set[i].name, "", 0, NULL) != 0)
			goto done;
	if (sr_env_envp(e) == NULL)
		goto done;
	printf("%-10s", "passes");
	for (i = 0; i < sr_env_count(e); i++) {
		name = sr_env_name_at(e, i, &len);
		printf("%s%.*s", i ? " " : "", (int)len, name);
	}
	printf(" (from this shell, plus the secrets below)\n");
done:
	sr_env_free(e);
}

/* "35d", "5h", "12m", "40s": an age, roughly. */
static const char *
age_text(char *buf, size_t size, int64_t secs)
{
	if (secs >= 86400)
		snprintf(buf, size, "%lldd", (long long)(secs / 86400));
	else if (secs >= 3600)
		snprintf(buf, size, "%lldh", (long long)(secs / 3600));
	else if (secs >= 60)
		snprintf(buf, size, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, size, "%llds", (long long)secs);
	return buf;
}

/*
 * SPEC §10 max_age: how old the granted secret is, from the vault's
 * metadata (no identity, nothing decrypted); said only when the vault
 * can be read.
 */
static void
print_age(const sr_grant *g, const sr_vault *v)
{
	sr_err err = SR_ERR_INIT;
	sr_secret_meta m;
	char a[32], b[32];
	int64_t age;
	long i;

	if (v == NULL || g->from == NULL ||
	    (i = sr_vault_find(v, g->from)) < 0 ||
	    sr_vault_meta_at(&m, v, (size_t)i, &err) != 0) {
		if (g->max_age)
			printf(" (max_age %s)", age_text(b, sizeof(b),
			    g->max_age));
		return;
	}
	age = sr_time_now() - m.updated;
	printf(" (set %s ago", age_text(a, sizeof(a), age < 0 ? 0 : age));
	if (g->max_age)
		printf(", max_age %s%s", age_text(b, sizeof(b), g->max_age),
		    age > g->max_age ? ": STALE, runs are refused" : "");
	printf(")");
}

/* Where a grant's value comes from (SPEC §10): a vault secret or a
 * provider, and how the agent gets it. */
static void
print_source(const sr_grant *g)
{
	if (g->provider != NULL)
		printf("provider %s%s%s", g->provider, g->field ? " field " : "",
		    g->field ? g->field : "");
	else
		printf("%s", g->from);
	if (g->as_file)
		printf(" (as a file)");
}

static void
print_grants(const sr_policy *p)
{
	char when[SR_TIME_RFC3339_LEN], path[SR_ERR_PATH_MAX];
	sr_err err = SR_ERR_INIT;
	sr_vault *v = NULL;
	size_t i;

	if (sr_path_get(path, sizeof(path), SR_PATH_VAULT, NULL, &err) != 0 ||
	    sr_vault_open(&v, path, &err) != 0)
		v = NULL;	/* metadata only; no vault: no ages */

	for (i = 0; i < p->ngrants; i++) {
		const sr_grant *g = &p->grants[i];
		printf("%-10s%s <- ", i ? "" : "secrets", cli_esc(g->env));
		print_source(g);
		print_age(g, v);
		if (g->expires)
			printf(" (expires %s)", sr_time_format(when,
			    sizeof(when), g->expires));
		printf("\n");
	}
	if (p->ngrants == 0)
		printf("%-10snone\n", "secrets");
	sr_vault_free(v);
}

/* SPEC §10: each provider's command and what only it receives. */
static void
print_providers(const sr_policy *p)
{
	size_t i, k;

	for (i = 0; i < p->nproviders; i++) {
		const sr_provider *pv = &p->providers[i];
		printf("%-10s%s: %s (%s, timeout %llds", i ? "" : "providers",
		    pv->name, pv->command.n ? pv->command.v[0] : "-",
		    pv->json ? "json" : "text", (long long)pv->timeout);
		if (pv->max_ttl)
			printf(", max_ttl %llds", (long long)pv->max_ttl);
		if (pv->cache)
			printf(", cache %llds", (long long)pv->cache);
		printf(")");
		for (k = 0; k < pv->ninputs; k++)
			printf("%s%s", k ? " " : "; only it gets ",
			    pv->inputs[k].env);
		printf("\n");
	}
}

/* 7200 -> "2h", 90 -> "90s": the largest unit that divides it. */
static const char *
duration_text(char *buf, size_t size, int64_t secs)
{
	if (secs % 3600 == 0)
		snprintf(buf, size, "%lldh", (long long)(secs / 3600));
	else if (secs % 60 == 0)
		snprintf(buf, size, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, size, "%llds", (long long)secs);
	return buf;
}

/* How the command runs: exec'd, or under the supervisor and its rules. */
static void
print_running(const sr_policy *p)
{
	char d[32], g[32];

	if (!p->supervise)
		printf("%-10sreplaces scoperun (no supervisor)\n", "runs");
	else
		printf("%-10ssupervised%s\n", "runs", p->mask_output ?
		    ", output masked (values of 6 bytes or more)" : "");
	if (p->max_runtime)
		printf("%-10sstopped after %s, killed %s later\n", "",
		    duration_text(d, sizeof(d), p->max_runtime),
		    duration_text(g, sizeof(g), p->kill_grace));
	if (p->max_runs_per_hour)
		printf("%-10sat most %lld runs an hour\n", "limits",
		    (long long)p->max_runs_per_hour);
	else if (!p->suspend_after_denials)
		printf("%-10snone\n", "limits");
	if (p->suspend_after_denials)	/* SPEC §11 */
		printf("%-10ssuspended after %lld refusals within %s\n",
		    p->max_runs_per_hour ? "" : "limits",
		    (long long)p->suspend_after_denials, duration_text(d,
		    sizeof(d), p->suspend_window));
	printf("%-10saudit log%s\n", "records", p->audit_syslog ?
	    " and syslog" : "");
}

static void
explain(const sr_policy *p)
{
	char when[SR_TIME_RFC3339_LEN];
	size_t i;

	printf("%-10s%s\n%-10s%s\n", "agent", cli_esc(p->name), "file",
	    cli_esc(p->path));
	printf("%-10s%s\n%-10s%s\n", "owner", cli_esc(p->owner), "purpose",
	    cli_esc(p->purpose));
	printf("%-10s%s\n", "expires", p->expires ? sr_time_format(when,
	    sizeof(when), p->expires) : "never");
	print_list("inherit", &p->inherit, "nothing");
	printf("%-10s", "set");
	for (i = 0; i < p->nset; i++)
		printf("%s%s", i ? " " : "", cli_esc(p->set[i].name));
	printf("%s\n", p->nset ? "" : "nothing");
	print_names(p);
	print_grants(p);
	print_providers(p);
	if (p->allow_any)
		printf("%-10sany command (no [exec] allow)\n", "commands");
	else
		print_list("commands", &p->allow, "none");
	print_running(p);
	if (!p->refuse_committed_env)
		printf("%-10sguard off\n", "repo");
	else if (p->env_patterns.n)
		print_list("repo", &p->env_patterns, "");
	else
		printf("%-10srefuse committed env files (%s)\n", "repo",
		    ".env .env.* *.env !.env.example !.env.sample "
		    "!.env.template !.env.dist");
}

static void
explain_line(void *arg, const char *label, const char *text)
{
	(void)arg;
	printf("%-10s%s\n", label, cli_esc(text));
}

/* What [sandbox] would enforce for a run started here, in words. */
static int
explain_sandbox(const char *agent, const sr_policy *p)
{
	sr_err err = SR_ERR_INIT;
	sr_sandbox *sb = NULL;
	int rc;

	if (!p->sandbox.present) {
		printf("%-10snone: the agent can read everything you can, "
		    "your identity file included\n", "sandbox");
		return 0;
	}
	rc = cli_sandbox_plan(&sb, p, NULL, NULL, 0, &err);
	if (sb != NULL)
		sr_sandbox_describe(sb, explain_line, NULL);
	if (rc != 0)
		cli_error(agent, &err);
	sr_sandbox_free(sb);
	return rc;
}

static int
policy_explain(const char *agent)
{
	sr_err err = SR_ERR_INIT;
	sr_policy *p;
	int found;

	if (load(&p, agent, &err, &found) != 0) {
		int status = found ? SR_EXIT_FINDINGS : SR_EXIT_USAGE;
		cli_error(agent, &err);
		sr_policy_free(p);
		return status;
	}
	explain(p);
	found = explain_sandbox(agent, p);
	sr_policy_free(p);
	return found == 0 ? SR_EXIT_OK : SR_EXIT_FINDINGS;
}

const char cli_usage_policy[] =
    "usage: scoperun policy check|explain AGENT\n"
    "  check AGENT        validate; every error and warning with its line\n"
    "                     (exit 1 on an error)\n"
    "  explain AGENT      what a run of AGENT would get: variable names "
    "(never\n"
    "                     values), commands, expiry, repository rules\n"
    "AGENT is a policy name or a path with a /; `man 5 scoperun-policy` "
    "has the format\n";

int
cmd_policy(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "check") != 0 &&
	    strcmp(argv[1], "explain") != 0)) {
		cli_usage_error("policy", cli_usage_policy);
		return SR_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return policy_check(argv[2]);
	return policy_explain(argv[2]);
}
