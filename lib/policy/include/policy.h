/*
 * policy.h - find, read and validate an agent's policy (SPEC §3).
 *
 * A policy is the whole of what an agent may get, so the loader is strict:
 * unknown keys, wrong types, bad names and expired grants are errors with
 * file:line, and anything scoperun cannot enforce is refused rather than
 * silently ignored. The loader collects every problem in one pass (for
 * `policy check`); a run stops at the first error.
 *
 * The policy keeps its parsed TOML document: every string below points
 * into it and lives until sr_policy_free().
 */
#ifndef SR_POLICY_H
#define SR_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "err.h"
#include "provider_spec.h"
#include "sandbox_spec.h"

#define SR_POLICY_MAX_BYTES (1u << 20)
#define SR_AGENT_NAME_MAX 64
#define SR_POLICY_KILL_GRACE 5		/* seconds, when kill_grace is absent */

typedef struct sr_setvar {
	const char *name;
	const char *value;
	size_t value_len;
	unsigned line;
} sr_setvar;

typedef struct sr_grant {
	const char *env;		/* variable the child sees */
	const char *from;		/* secret name in the vault; NULL when
					   a provider mints it */
	int64_t expires;		/* unix seconds; 0 = never */
	unsigned line;
	/* SPEC §10 */
	const char *provider;		/* [providers.NAME] that mints it */
	size_t provider_index;		/* into sr_policy.providers */
	const char *field;		/* json provider: the output's field */
	int as_file;			/* as = "file": a path to a memfd */
	int64_t max_age;		/* seconds since set/rotated; 0 = any */
} sr_grant;

typedef struct sr_policy {
	char *path;
	unsigned char hash[32];		/* BLAKE2b-256 of the file */
	const char *name, *owner, *purpose;
	int64_t expires;		/* 0 = never */
	unsigned expires_line;
	sr_strlist inherit;
	sr_setvar *set;
	size_t nset;
	sr_grant *grants;
	size_t ngrants;
	int allow_any;			/* [exec] allow absent */
	sr_strlist allow;
	int supervise, mask_output;	/* supervise: also when implied */
	int64_t max_runtime;		/* seconds; 0 = none */
	int64_t kill_grace;		/* seconds from TERM to KILL */
	unsigned supervise_line;
	int refuse_committed_env;
	unsigned repo_line;		/* refuse_committed_env or [repo]; 0 */
	sr_strlist env_patterns;	/* empty: the defaults */
	int64_t max_runs_per_hour;	/* 0 = no limit */
	unsigned limits_line;
	int audit_syslog;		/* [audit] syslog: records to syslog too */
	sr_sandbox_spec sandbox;	/* [sandbox], sandbox.h */
	sr_provider *providers;		/* SPEC §10, provider_spec.h */
	size_t nproviders;
	int64_t suspend_after_denials;	/* SPEC §11; 0 = never */
	int64_t suspend_window;		/* seconds */
	unsigned suspend_line;
	sr_diag *diags;
	size_t ndiags, nerrors;
	void *doc;			/* the sr_toml_doc */
} sr_policy;

/*
 * Where AGENT's policy is: a path when agent contains '/', else
 * AGENT.toml in $SCOPERUN_POLICY_DIR, $XDG_CONFIG_HOME/scoperun/policies
 * (~/.config/...), /etc/scoperun/policies, the first that exists. Never
 * the current directory. *path is malloc'd.
 */
int sr_policy_find(char **path, const char *agent, sr_err *err);
/*
 * The agents with a policy file in those directories, sorted, each once:
 * *names and each name are malloc'd (sr_policy_names_free). A directory
 * that is not there holds none.
 */
int sr_policy_names(char ***names, size_t *n, sr_err *err);
void sr_policy_names_free(char **names, size_t n);

/*
 * Read and validate the policy at path; agent.name must match the file's
 * name. now is the time expiry is judged against.
 * Returns 0 when the policy has no errors. On -1, *out may still hold a
 * policy with its diagnostics (for `policy check`) or be NULL when the
 * file could not be read at all; err holds the first error either way.
 */
int sr_policy_load(sr_policy **out, const char *path, int64_t now,
    sr_err *err);
void sr_policy_free(sr_policy *p);

/* "2h", "90s", "1h30m", "15m": seconds, or -1. */
int64_t sr_policy_duration_parse(const char *s);
/* Valid agent names: letters, digits, '.', '_', '-'; not starting with
 * '.' or '-'; at most SR_AGENT_NAME_MAX bytes. */
int sr_policy_agent_name_valid(const char *s);

#endif
