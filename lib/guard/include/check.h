/*
 * check.h - `scoperun check`: the leak check of a git repository (SPEC
 * §6, issue 6).
 *
 * Three rules. The repository guard's: no tracked file named like an env
 * file (the guard's patterns), nor the user's identity file. Identity
 * material: no blob holds a secret key line (keymat.h), whatever the
 * file's name. And the known-value scan: no blob holds a vault value in
 * any form scan.h knows. What is looked at depends on the mode:
 *   staged   the index: every path, every staged blob, read from the
 *            object store, so the work tree does not matter (a pre-commit
 *            hook checks exactly what the commit will hold);
 *   head     the paths of HEAD and the index; the blobs of HEAD's tree,
 *            and the work tree's copy of each regular file the index
 *            tracks (a value in an unstaged edit), opened with no link
 *            followed;
 *   history  the paths of the index; the paths and blobs of every commit
 *            reachable from HEAD, each tree and blob read once, reported
 *            with the newest commit that holds it.
 * Findings carry paths, lines, secret names and forms: never a value.
 */
#ifndef SR_CHECK_H
#define SR_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "repo.h"
#include "scan.h"

#define SR_CHECK_FINDINGS_MAX 10000	/* kept; the rest are counted */
#define SR_CHECK_FILE_HITS_MAX 100	/* kept per blob */

typedef enum sr_check_mode {
	SR_CHECK_HEAD = 0,
	SR_CHECK_STAGED,
	SR_CHECK_HISTORY
} sr_check_mode;

typedef enum sr_check_rule {
	SR_CHECK_ENV_FILE = 0,	/* a tracked env file */
	SR_CHECK_IDENTITY,	/* the identity file is tracked */
	SR_CHECK_SECRET,	/* a known value in a blob */
	SR_CHECK_KEY		/* identity material in a blob (keymat.h) */
} sr_check_rule;

typedef struct sr_check_finding {
	sr_check_rule rule;
	char *path;
	size_t line, column;	/* SR_CHECK_SECRET, _KEY; 0 otherwise */
	size_t secret;		/* SR_CHECK_SECRET: for sr_scan_name */
	sr_form form;
	char commit[SR_REPO_OID_HEX + 1];	/* history; "" for the index */
	size_t seq;		/* the order found in */
} sr_check_finding;

typedef struct sr_check_result {
	char root[SR_ERR_PATH_MAX];
	char head[SR_REPO_OID_HEX + 1];	/* "" when unborn */
	sr_check_finding *v;	/* sorted by path, line, column */
	size_t n, cap;
	size_t dropped;		/* findings past the limits */
	size_t files, blobs, commits;	/* what was looked at */
	uint64_t bytes;
	uint64_t scan_ns;	/* of the run, spent matching */
} sr_check_result;

typedef struct sr_check_opts {
	sr_check_mode mode;
	const char *const *patterns;	/* NULL: the guard's defaults */
	size_t npatterns;
	int no_env_rule;		/* an agent turned the guard off */
	const char *identity_path;	/* NULL: no identity rule */
	const sr_scan *scan;		/* NULL: no value scan */
	/* Told what was looked at so far, after each commit of the history
	 * and each 1024 files: for a progress line. NULL: not told. */
	void (*progress)(void *arg, const sr_check_result *sofar);
	void *progress_arg;
} sr_check_opts;

#define SR_CHECK_OPTS_INIT { SR_CHECK_HEAD, NULL, 0, 0, NULL, NULL, NULL, \
	NULL }

/*
 * Check the repository holding dir (NULL: the current directory): 0
 * clean, 1 findings in out, -1 error (not in a repository, an
 * unreadable object). Release out with sr_check_result_free whatever
 * the result.
 */
int sr_check_run(sr_check_result *out, const char *dir,
    const sr_check_opts *o, sr_err *err);
void sr_check_result_free(sr_check_result *r);

/* Where git runs hooks from for the repository holding dir (NULL: the
 * current directory): core.hooksPath, else the common git dir's hooks.
 * For `scoperun hook install`. */
int sr_check_hooks_dir(char *buf, size_t size, const char *dir, sr_err *err);

/* "committed-env", "tracked-identity", "known-secret" */
const char *sr_check_rule_id(sr_check_rule r);

#endif
