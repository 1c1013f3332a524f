/*
 * env.h - the child's environment, built as an explicit allowlist.
 *
 * The child never sees scoperun's own environment: it starts empty and
 * receives only the caller's variables that an `inherit` pattern names, the
 * policy's `set` values and the granted secrets (doas env.c is the model).
 * The builder never calls setenv/putenv and never writes to the caller's
 * environment; it copies what it keeps.
 *
 * Invariants:
 * - A name the dynamic loader, libc, a shell or an interpreter acts on at
 *   startup (sr_env_name_dangerous) never reaches the child: set and
 *   set_secret refuse it, inherit skips it, whatever the pattern.
 * - A name that makes some program load code or run a command
 *   (sr_env_name_uninheritable, a superset) never comes from the caller:
 *   inherit skips it; set and set_secret may still give it the policy's
 *   own value (GIT_SSH_COMMAND="ssh -i deploy_key").
 * - Every name is valid ([A-Za-z_][A-Za-z0-9_]*, at most SR_ENV_NAME_MAX
 *   bytes); values are any bytes but NUL.
 * - Precedence: a set or set_secret entry beats an inherited one whatever the
 *   call order; among set/set_secret calls the last one wins; among
 *   inherited duplicates the first wins, as getenv(3) sees it.
 * - Secret entries ("NAME=value" whole) live only in sodium memory (secalloc.h),
 *   wiped by sr_env_free (and when that region grows and moves).
 * - sr_env_envp() freezes the builder: it returns a NULL-terminated envp
 *   sorted by name in strcmp byte order with each name once; later changes
 *   fail. The cost is O(n log n) with a handful of allocations.
 */
#ifndef SR_ENV_H
#define SR_ENV_H

#include <stddef.h>

#include "err.h"

#define SR_ENV_NAME_MAX 256
/* scoperun's own variables (SCOPERUN_IDENTITY_KEY, SCOPERUN_VAULT, ...):
 * in the table of names that never reach the child. */
#define SR_ENV_OWN_PREFIX "SCOPERUN_"

/* 1 when name[0..len) is [A-Za-z_][A-Za-z0-9_]* and 1..SR_ENV_NAME_MAX long. */
int sr_env_name_valid(const char *name, size_t len);

/* 1 when name[0..len) is in the table of names that can never be passed. */
int sr_env_name_dangerous(const char *name, size_t len);

/* 1 when name[0..len) can never be inherited from the caller: every
 * dangerous name and the command hooks only a policy may set. */
int sr_env_name_uninheritable(const char *name, size_t len);

/*
 * 1 when name[0..len) matches pattern (NUL-terminated) as fnmatch(3) with
 * no flags has it, the dialect of the repo guard's patterns too: `*` any
 * run, `?` one byte, `[abc]`, `[a-z]`, `[!a]` / `[^a]` one byte of a
 * class; an unclosed `[` is literal. Case-sensitive. 0 when a copy of a
 * name longer than SR_ENV_NAME_MAX cannot be made.
 */
int sr_env_glob_match(const char *pattern, const char *name, size_t len);

/*
 * 1 when pattern could match a valid name: non-empty, at most
 * SR_ENV_NAME_MAX bytes, only name characters, wildcards and well-formed
 * classes. A policy rejects anything else, which would silently match
 * nothing (a typo such as "LC-*").
 */
int sr_env_pattern_valid(const char *pattern);

/*
 * 1 when every name pattern can match is uninheritable (dangerous or a
 * command hook), which makes it a policy error (`LD_*`, `LD_PRELOAD`,
 * `LD_?RELOAD`, `BASH_FUNC_*`, `GIT_CONFIG_*`, `OPENSSL_CONF`). Exact names
 * are looked up; a pattern with wildcards counts when its literal prefix
 * (the bytes before the first `*`, `?` or `[`) starts with a table prefix.
 * Anything else answers 0, even the odd pattern that in fact matches only
 * such names (`[L]D_*`): that errs towards accepting the policy, which is
 * safe because inherit skips them anyway.
 */
int sr_env_pattern_only_dangerous(const char *pattern)
    __attribute__((warn_unused_result));

/*
 * 1 when pattern deserves a `policy check` warning for letting in more of
 * the caller's environment than anyone can review: it holds a `*` and its
 * literal prefix is shorter than 2 bytes (`*`, `?*`, `L*`, `*_TOKEN`).
 */
int sr_env_pattern_broad(const char *pattern);

typedef struct sr_env sr_env;

/* A new, empty environment in *out; -1 (errno ENOMEM) on failure. */
int sr_env_new(sr_env **out);

/* Wipe the secret entries and free everything; NULL is fine. */
void sr_env_free(sr_env *e);

/*
 * Add each caller_env entry ("NAME=value", NULL-terminated array) whose
 * name is valid, not uninheritable, and matches one of the patterns. Entries
 * without `=` are skipped. The strings are copied; caller_env is only read.
 * -1 with errno set (ENOMEM, or EINVAL after sr_env_envp).
 */
int sr_env_inherit(sr_env *e, char *const *caller_env,
    const char *const *patterns, size_t npatterns);

/*
 * Set name to value[0..value_len), overriding any inherited value and any
 * earlier set. Refuses (SR_ERR_CONFIG) an invalid or dangerous name and a
 * value holding a NUL byte.
 */
int sr_env_set(sr_env *e, const char *name, const char *value,
    size_t value_len, sr_err *err);

/* As sr_env_set, but the entry lives in sodium memory (secalloc.h). Messages name
 * the variable, never the value. */
int sr_env_set_secret(sr_env *e, const char *name, const unsigned char *value,
    size_t value_len, sr_err *err);

/*
 * The value the child will see for name, or NULL (used to search the
 * child's PATH). Valid until the next change to e or sr_env_free.
 */
const char *sr_env_get(const sr_env *e, const char *name);

/*
 * The child's envp: built on the first call, then the same array on every
 * call until sr_env_free; NULL (errno ENOMEM) on failure. Freezes e.
 */
char *const *sr_env_envp(sr_env *e);

/* The number of variables in the envp sr_env_envp built; 0 before. */
size_t sr_env_count(const sr_env *e);

/*
 * The name of the i-th variable of the built envp (not NUL-terminated: it
 * ends at the `=`), its length in *len; for printing names in a dry run.
 * NULL when i >= sr_env_count(e).
 */
const char *sr_env_name_at(const sr_env *e, size_t i, size_t *len);

/* The variables sr_env_secret_at walks: every one added so far, before
 * the envp is built (duplicates not yet dropped) or after. */
size_t sr_env_slots(const sr_env *e);

/*
 * 1 when the i-th variable (i < sr_env_slots) is a granted secret, with
 * its name (not NUL-terminated) and value (in sodium memory); 0
 * otherwise. For redacting secret values out of what scoperun records;
 * before the envp is built the pointers hold only until the next add.
 * It does not freeze e: a run redacts its command before the providers
 * add their values.
 */
int sr_env_secret_at(const sr_env *e, size_t i, const char **name,
    size_t *namelen, const char **value, size_t *valuelen);

#endif
