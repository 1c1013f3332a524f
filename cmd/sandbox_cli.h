/*
 * sandbox_cli.h - the caller's side of [sandbox] (sandbox.h): HOME,
 * the working directory, TMPDIR and where scoperun keeps its own files
 * come from this process's environment, here, so that lib/ reads none.
 */
#ifndef SR_SANDBOX_CLI_H
#define SR_SANDBOX_CLI_H

#include "err.h"
#include "policy.h"
#include "sandbox.h"

/*
 * Plan p's [sandbox] for a run from here (identity and vault: the run's
 * --identity / --vault, or NULL). *out NULL and 0 when p has none.
 * On -1 *out may hold the plan and its diagnostics. run: the plan is a
 * run's, settled by cli_sandbox_settle before it is built; whether user
 * namespaces may be made is then asked only when needed.
 */
int cli_sandbox_plan(sr_sandbox **out, const sr_policy *p,
    const char *identity, const char *vault, int run, sr_err *err);

/*
 * The mount namespace or ruleset kept between runs (sr_sandbox_settle,
 * _keep_spawn),
 * unless SCOPERUN_SANDBOX_KEEP=0 or join is 0 (a dry run): found before
 * the build, a holder started right before the agent when none was.
 */
void cli_sandbox_settle(sr_sandbox *sb, int join);
void cli_sandbox_keep_spawn(const sr_sandbox *sb);

#endif
