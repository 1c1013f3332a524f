/*
 * check_cmd.c - `scoperun check [--staged|--history] [--format F]
 *     [--agent A] [PATH]`.
 *
 * Every vault value goes into the matcher (locked memory), the check
 * runs, the matcher's forms are wiped, and only then is anything printed.
 * Exit 0 clean, 1 findings, 2 usage or error.
 *
 * SCOPERUN_DEBUG_CHECK=1 adds one line on stderr with where the time
 * went (for the benchmark): decrypting the values and making their
 * forms, then the repository walk and, of it, the matching.
 *
 * A vault missing from its default place is a warning, and the env-file
 * and identity rules run alone: the hook must not stop every commit of a contributor
 * who has no vault. A vault named by --vault or SCOPERUN_VAULT must be
 * there, and one that holds secrets must open with the identity: a check
 * that silently searched for nothing would be worse than none.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "check_cmd.h"
#include "check_report.h"
#include "cli.h"
#include "paths.h"
#include "policy.h"
#include "scan.h"
#include "timeutil.h"
#include "vault_session.h"
#include "secalloc.h"

typedef struct check_args {
	sr_check_mode mode;
	check_format format;
	const char *vault, *identity, *identity_fd, *dir, *agent;
	int staged, history;
} check_args;

const char cli_usage_check[] =
    "usage: scoperun check [--staged | --history] [--format text|json|sarif] "
    "[--agent AGENT] [--vault FILE] [--identity FILE | --identity-fd N] "
    "[PATH]\n"
    "leak check of the git repository holding PATH (default: here): env\n"
    "files and your identity tracked, vault values in the files\n"
    "  (default)          HEAD's tree and the index\n"
    "  --staged           what the next commit holds (the pre-commit hook)\n"
    "  --history          every commit reachable from HEAD\n"
    "  --format F         text (default), json or sarif\n"
    "  --agent AGENT      the env-file rule as AGENT's policy applies it\n"
    "  --vault FILE       the sealed vault ($SCOPERUN_VAULT)\n"
    "  --identity FILE    the identity that opens it ($SCOPERUN_IDENTITY)\n"
    "  --identity-fd N    read the identity from descriptor N\n"
    "exit: 0 clean, 1 findings, 2 usage or error\n";

/* --opt VALUE or --opt=VALUE: the value, or NULL when absent. */
static const char *
opt_value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
parse_format(check_format *f, const char *s)
{
	if (strcmp(s, "text") == 0)
		*f = CHECK_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = CHECK_JSON;
	else if (strcmp(s, "sarif") == 0)
		*f = CHECK_SARIF;
	else
		return -1;
	return 0;
}

static int
parse(check_args *a, int argc, char **argv)
{
	const char *v;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--staged") == 0)
			a->staged = 1;
		else if (strcmp(argv[i], "--history") == 0)
			a->history = 1;
		else if ((v = opt_value(argc, argv, &i, "--format")) != NULL) {
			if (parse_format(&a->format, v) != 0)
				return -1;
		} else if ((v = opt_value(argc, argv, &i, "--vault")) != NULL)
			a->vault = v;
		else if ((v = opt_value(argc, argv, &i, "--identity-fd")) !=
		    NULL)
			a->identity_fd = v;
		else if ((v = opt_value(argc, argv, &i, "--identity")) != NULL)
			a->identity = v;
		else if ((v = opt_value(argc, argv, &i, "--agent")) != NULL)
			a->agent = v;
		else if (argv[i][0] == '-' || a->dir != NULL)
			return -1;
		else
			a->dir = argv[i];
	}
	if (a->staged && a->history)
		return -1;
	a->mode = a->staged ? SR_CHECK_STAGED : a->history ?
	    SR_CHECK_HISTORY : SR_CHECK_HEAD;
	return 0;
}

/* Every value of your vault into s. */
static int
add_values(sr_scan *s, vault_session *vs, const vault_args *va, sr_err *err)
{
	if (sr_vault_count(vs->vault) == 0)
		return 0;
	if (vs_identity_load(&vs->id, va, vs->identity_path,
	    sizeof(vs->identity_path), err) != 0 ||
	    sr_vault_unlock(vs->vault, vs->id, err) != 0)
		return -1;
	return check_vault_values(s, vs->vault, NULL, err);
}

/*
 * Where the vault is: 0 to read it, 1 when it is absent from its default
 * place (the env-file rule then runs alone), -1 error.
 */
static int
vault_where(char *path, size_t size, const check_args *a, sr_err *err)
{
	const char *envv = getenv("SCOPERUN_VAULT");

	if (sr_path_get(path, size, SR_PATH_VAULT, a->vault, err) != 0)
		return -1;
	return a->vault == NULL && (envv == NULL || envv[0] == '\0') &&
	    access(path, F_OK) != 0 && errno == ENOENT;
}

/* The matcher over your vault's values (have_vault: it is there) and
 * those of the vaults the repository tracks (check_vaults.c). */
static int
load_values(sr_scan **out, size_t *team, const check_args *a,
    int have_vault, sr_err *err)
{
	char ipath[SR_ERR_PATH_MAX];
	vault_args va;
	vault_session vs;
	int rc = -1;

	*out = NULL;
	memset(&va, 0, sizeof(va));
	memset(&vs, 0, sizeof(vs));
	vs.lockfd = -1;
	va.vault = a->vault;
	va.identity = a->identity;
	va.identity_fd = a->identity_fd;
	if (sr_scan_new(out, err) == 0 &&
	    (!have_vault || (vs_open(&vs, &va, VS_READ, err) == 0 &&
	    add_values(*out, &vs, &va, err) == 0)) &&
	    sr_path_get(ipath, sizeof(ipath), SR_PATH_IDENTITY, a->identity,
	    err) == 0 &&
	    check_team_vaults(team, *out, a->dir, have_vault ? vs.vault_path :
	    NULL, ipath, err) == 0 &&
	    sr_scan_build(*out, err) == 0)
		rc = 0;
	vs_close(&vs);
	if (rc != 0) {
		sr_scan_free(*out);
		*out = NULL;
	}
	return rc;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
debug_line(const sr_scan *s, size_t forms, const sr_check_result *r,
    double values_ms, double walk_ms)
{
	const char *debug = getenv("SCOPERUN_DEBUG_CHECK");

	if (debug == NULL || debug[0] == '\0' || strcmp(debug, "0") == 0)
		return;
	fprintf(stderr, "scoperun: check: values %.1f ms (%zu secrets, %zu "
	    "forms); repository %.1f ms (%zu files, %zu blobs, %zu commits, "
	    "%.1f MB), of it matching %.1f ms\n", values_ms,
	    s ? sr_scan_count(s) : 0, forms, walk_ms,
	    r->files, r->blobs, r->commits, (double)r->bytes / 1e6,
	    (double)r->scan_ns / 1e6);
}

/* --agent: the env-file rule as that agent's runs apply it (its
 * env_patterns; none when it turned the guard off), not the defaults. */
static int
agent_rule(sr_check_opts *o, sr_policy **p, const char *agent, sr_err *err)
{
	char *path = NULL;
	int rc;

	*p = NULL;
	if (agent == NULL)
		return 0;
	if (sr_policy_find(&path, agent, err) != 0)
		return -1;
	rc = sr_policy_load(p, path, sr_time_now(), err);
	free(path);
	if (rc != 0)
		return -1;
	o->no_env_rule = !(*p)->refuse_committed_env;
	o->patterns = (*p)->env_patterns.v;
	o->npatterns = (*p)->env_patterns.n;
	return 0;
}

static void
warn_skipped(const sr_scan *s, const char *missing, size_t team)
{
	size_t i;

	if (missing[0] != '\0')
		cli_errorf("check", "warning: no vault at %s: only the "
		    "env-file and identity rules%s were checked", missing, team ?
		    " and the repository's vaults" : "");
	for (i = 0; s != NULL && i < sr_scan_nskipped(s); i++)
		cli_errorf("check", "warning: secret %s is shorter than %d "
		    "bytes and was not searched for", sr_scan_skipped(s, i),
		    SR_SCAN_VALUE_MIN);
}

int
cmd_check(int argc, char **argv)
{
	sr_check_opts o = SR_CHECK_OPTS_INIT;
	sr_check_result r;
	sr_err err = SR_ERR_INIT, ignored = SR_ERR_INIT;
	char identity[SR_ERR_PATH_MAX], missing[SR_ERR_PATH_MAX];
	sr_scan *scan = NULL;
	sr_policy *policy = NULL;
	double t0, t1;
	size_t forms, team = 0;
	check_progress progress;
	check_args a;
	int rc;

	if (parse(&a, argc, argv) != 0) {
		fprintf(stderr, "%.*s (more: scoperun help check)\n",
		    (int)strcspn(cli_usage_check, "\n"), cli_usage_check);
		return SR_EXIT_USAGE;
	}
	if (agent_rule(&o, &policy, a.agent, &err) != 0) {
		cli_error(a.agent, &err);
		sr_policy_free(policy);
		return SR_EXIT_USAGE;
	}
	t0 = now_ms();
	if ((rc = vault_where(missing, sizeof(missing), &a, &err)) < 0 ||
	    load_values(&scan, &team, &a, rc == 0, &err) != 0) {
		cli_error("check", &err);
		sr_policy_free(policy);
		return SR_EXIT_USAGE;
	}
	if (rc == 0)
		missing[0] = '\0';
	o.mode = a.mode;
	o.scan = scan;
	if (sr_path_get(identity, sizeof(identity), SR_PATH_IDENTITY,
	    a.identity, &ignored) == 0)
		o.identity_path = identity;
	t1 = now_ms();
	check_progress_start(&progress, &o);
	rc = sr_check_run(&r, a.dir, &o, &err);
	check_progress_end(&progress);
	forms = scan ? sr_scan_patterns(scan) : 0;
	sr_scan_forget(scan);
	debug_line(scan, forms, &r, t1 - t0, now_ms() - t1);
	if (rc < 0) {
		cli_error("check", &err);
	} else {
		warn_skipped(scan, missing, team);
		if (check_report(stdout, a.format, a.mode, &r, scan) != 0)
			rc = -1;
		check_progress_summary(&progress, a.mode, &r, scan);
	}
	sr_check_result_free(&r);
	sr_scan_free(scan);
	sr_policy_free(policy);
	return rc < 0 ? SR_EXIT_USAGE : rc > 0 ? SR_EXIT_FINDINGS : SR_EXIT_OK;
}
