/*
 * suspend.h - an agent that misbehaves locks itself out (SPEC §11).
 *
 * [limits] suspend_after_denials = N, suspend_window = "10m": when N
 * runs of one agent are refused within the window (for any reason, the
 * rate guard's included), the agent is suspended, and every later run
 * is refused (agent.suspended), allowed commands included, until a
 * person runs `scoperun agent resume NAME`. `scoperun agent suspend
 * NAME` does it by hand, for any agent.
 *
 * State: one small file per agent beside the audit log
 * (audit.jsonl.suspend.AGENT, lib/FORMAT.md): the suspension time and a
 * ring of the agent's last N refusal times. A run reads 16 bytes of it,
 * or finds it missing; a refusal reads and writes a fixed number of bytes
 * under an flock. Like the rate guard, it costs the same however long
 * the audit log, and is as strong as the state directory's protection.
 */
#ifndef SR_SUSPEND_H
#define SR_SUSPEND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SR_SUSPEND_WINDOW 600		/* seconds, when suspend_window is absent */
#define SR_SUSPEND_MAX 1000		/* the largest suspend_after_denials */

/* The state file of agent (a valid agent name) beside audit_path. */
int sr_suspend_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err);

/* 1 when the agent is suspended (since *since), 0 when not (no file:
 * not), -1 on an error (which refuses the run: the check is not skipped). */
int sr_suspend_check(const char *path, int64_t *since, sr_err *err);

/*
 * Count a refusal at now against limit (1..SR_SUSPEND_MAX) refusals in
 * window seconds: 1 when this one suspended the agent, 0 when not (or
 * it already was), -1 on error. A changed limit starts a new ring.
 */
int sr_suspend_count(const char *path, int64_t limit, int64_t window,
    int64_t now, sr_err *err);

/* Suspend at `at`, or resume (at == 0: also forgets past refusals).
 * *was: whether it was suspended before. */
int sr_suspend_set(const char *path, int64_t at, int *was, sr_err *err);

#endif
