/*
 * run_providers.h - the part of a run that places granted values and
 * mints the ones providers make (SPEC §10), kept out of run.c.
 */
#ifndef SR_RUN_PROVIDERS_H
#define SR_RUN_PROVIDERS_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "cli.h"
#include "env.h"
#include "policy.h"

/* The memfds of `as = "file"` grants: open until the agent has them. */
typedef struct grant_files {
	int *fd;
	size_t n;
} grant_files;

/*
 * Give g's value to the child: a secret variable, or, with as = "file",
 * a sealed in-memory file whose /dev/fd path the variable holds.
 */
int grant_put(sr_env *env, const sr_grant *g, const unsigned char *value,
    size_t len, grant_files *files, sr_err *err);
void grant_files_close(grant_files *f);

/* What minting did, for the run record; reason for a refusal. */
typedef struct mint_state {
	sr_audit_provider *rec;
	size_t nrec;
	const char *reason;
} mint_state;

/*
 * Run every provider a grant of p names (or take its cached output) and
 * put the values into env. Inputs come from the vault, only the
 * provider sees them. now judges expiry.
 */
int providers_mint(mint_state *m, sr_env *env, const sr_policy *p,
    const sr_run_opts *o, grant_files *files, int64_t now, sr_err *err);
void mint_state_free(mint_state *m);

/* The number of p's grants that come from the vault. */
size_t vault_grant_count(const sr_policy *p);

#endif
