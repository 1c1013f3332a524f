/*
 * ratelimit.h - [limits] max_runs_per_hour: at most N runs of an agent in
 * any trailing hour (SPEC §3), an anomaly guard against a runaway loop.
 *
 * State: one small file per agent beside the audit log
 * (audit.jsonl.rate.AGENT, lib/FORMAT.md), a ring of the start times of
 * the agent's last N allowed runs. A run is refused when the oldest of
 * them is less than an hour old; otherwise its time replaces that oldest
 * one. A check reads and writes a fixed number of bytes under an flock on
 * the file, so it costs the same however long the audit log and whatever
 * N is (a policy that changes N has its ring rebuilt once). Refused runs
 * take no slot.
 *
 * Invariants: times in the future (the clock went back) do not count,
 * so a clock change can only loosen the guard for an hour, never lock an
 * agent out. A damaged file starts a new ring: like the audit log, the
 * guard is as strong as the protection of the state directory.
 */
#ifndef SR_RATELIMIT_H
#define SR_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SR_RATELIMIT_WINDOW 3600		/* seconds: the trailing hour */
#define SR_RATELIMIT_MAX 1000000	/* the largest N a policy may set */

/* The state file of agent (a valid agent name) beside audit_path. */
int sr_ratelimit_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err);

/*
 * Count a run at now against limit (1..SR_RATELIMIT_MAX) in the file at
 * path, created when missing: 0 allowed (and recorded unless dry), 1
 * refused, -1 on error.
 */
int sr_ratelimit_take(const char *path, int64_t limit, int64_t now, int dry,
    sr_err *err);

#endif
