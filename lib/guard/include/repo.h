/*
 * repo.h - the git repository guard (SPEC §6).
 *
 * An agent must not run inside a repository whose HEAD tree or index holds
 * a file named like an env file (`.env`, `config/.env.local`, `prod.env`)
 * or the user's identity file: whatever those files held has left the
 * machine with the first push. The guard finds the repository the way git
 * does (worktrees, submodules, bare repositories and GIT_DIR included),
 * reads the index and walks the HEAD tree, and reports every path whose
 * file name matches the patterns.
 *
 * Speed is part of the contract. Outside a repository no git code is
 * touched. Inside one, a clean verdict is cached under
 * $XDG_CACHE_HOME/scoperun, keyed on what git itself uses to notice a
 * change (the index file's stat data, HEAD, the ref it names): a repeated
 * run in an unchanged repository costs a few stat calls, and libgit2 is
 * loaded (dlopen) only when the cache cannot answer. A stale or damaged
 * cache can cost time, never let a finding through: only clean verdicts
 * are cached, and any change of key means a full check.
 */
#ifndef SR_REPO_H
#define SR_REPO_H

#include <stddef.h>

#include "err.h"

#define SR_REPO_LISTED_MAX 10	/* paths kept for the message */
#define SR_REPO_OID_HEX 40

/* How the cache took part in a check (for SCOPERUN_DEBUG_CACHE). */
typedef enum sr_repo_cache_state {
	SR_REPO_CACHE_UNUSED = 0,	/* not in a repository, or no cache */
	SR_REPO_CACHE_HIT,	/* clean, from the cache; libgit2 not loaded */
	SR_REPO_CACHE_INDEX,	/* HEAD unchanged: decided from the index
				   alone, libgit2 not loaded; stored */
	SR_REPO_CACHE_STORED,	/* full check; the clean verdict stored */
	SR_REPO_CACHE_RACY,	/* full check; not stored: a file it is keyed
				   on changed too recently to trust */
	SR_REPO_CACHE_MISS,	/* full check; nothing stored (findings,
				   error, or the cache cannot be written) */
	SR_REPO_CACHE_SKIPPED	/* a layout the cache does not handle:
				   GIT_DIR and friends, an odd .git */
} sr_repo_cache_state;

typedef struct sr_repo_opts {
	/* Globs on the file name, gitignore-like: the last pattern that
	 * matches decides, and a leading '!' excludes. NULL or 0 patterns:
	 * the defaults (.env, .env.*, *.env, except .env.example,
	 * .env.sample, .env.template and .env.dist). */
	const char *const *patterns;
	size_t npatterns;
	const char *identity_path;	/* NULL: no identity check */
	const char *cache_dir;	/* NULL: $XDG_CACHE_HOME/scoperun */
	int no_cache;
} sr_repo_opts;

#define SR_REPO_OPTS_INIT { NULL, 0, NULL, NULL, 0 }

typedef struct sr_repo_finding {
	int in_repo;
	char root[SR_ERR_PATH_MAX];	/* work tree, or the git dir if bare */
	char head[SR_REPO_OID_HEX + 1];	/* "" when HEAD is unborn */
	size_t count;			/* env-file paths, all of them */
	size_t nlisted;
	char *listed[SR_REPO_LISTED_MAX];	/* the first ones, sorted */
	int identity_tracked;
	char identity[SR_ERR_PATH_MAX];	/* its path in the repository */
	int identity_material;	/* identity is a tracked file holding a
				   secret key line (repo_keys.c), not
				   necessarily the identity file */
	sr_repo_cache_state cache;
	int loaded_libgit2;
} sr_repo_finding;

/*
 * Check the repository holding cwd (NULL: the current directory).
 * Returns 0 when clean or not inside a repository (out->in_repo tells),
 * 1 with findings in out, -1 when the repository cannot be read (a
 * damaged index, an unreadable object, libgit2 missing); err says which
 * in one line. An unborn HEAD is not an error: the index alone counts.
 * Release out with sr_repo_finding_free() whatever the result.
 */
int sr_repo_guard(sr_repo_finding *out, const char *cwd,
    const sr_repo_opts *o, sr_err *err);
void sr_repo_finding_free(sr_repo_finding *f);

/* 1 when the file name matches the patterns (NULL/0: the defaults). */
int sr_repo_name_matches(const char *name, const char *const *patterns,
    size_t npatterns);

const char *sr_repo_cache_state_name(sr_repo_cache_state s);

#endif
