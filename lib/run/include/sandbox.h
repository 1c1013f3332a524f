/*
 * sandbox.h - confine the agent with Linux Landlock ([sandbox], SPEC §9).
 *
 * Three steps, so that scoperun itself never runs confined and the child
 * does as little as possible between fork and exec:
 *  1. sr_sandbox_plan: resolve the policy's [sandbox] against the caller's
 *     HOME, working directory and scoperun's own files (cmd/ passes them;
 *     this module reads no environment), add the built-in hidden set,
 *     check it (roots exist, nothing hidden lies under a writable root)
 *     and decide what the kernel's Landlock ABI can enforce.
 *  2. sr_sandbox_build: in the parent, open every rule's directory and
 *     build the Landlock ruleset (a close-on-exec descriptor).
 *  3. sr_sandbox_apply: in the child, after fork and right before exec:
 *     PR_SET_NO_NEW_PRIVS and landlock_restrict_self. Nothing else.
 *
 * Hiding inside a readable tree: Landlock rules only grant, and a grant
 * on a directory covers everything beneath it. So "all of / but ~/.ssh"
 * is built by walking from each read root down to every hidden path and
 * granting each entry beside that path; the directories on the way to a
 * hidden path (/, /home, ~, ~/.config ...) get no rule of their own.
 * Consequences (stated in scoperun-policy(5)): the agent cannot list
 * those directories, and an entry created in one of them after the run
 * started is not readable to it. Symbolic links met on the walk get no
 * rule: what they point at is governed by its own place in the tree.
 * Hidden paths are resolved (realpath) before the walk, so a link to a
 * hidden directory reaches nothing.
 *
 * What a Landlock domain brings besides the file rules: no ptrace of, and
 * no /proc/PID/{environ,mem} of, processes outside the domain; with ABI 6
 * no signals to them and no connecting to their abstract UNIX sockets;
 * with ABI 4 TCP bind/connect only to the listed ports.
 */
#ifndef SR_SANDBOX_H
#define SR_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "err.h"
#include "sandbox_spec.h"

/* The ABI each feature needs. */
#define SR_SANDBOX_ABI_TRUNCATE 3
#define SR_SANDBOX_ABI_TCP 4
#define SR_SANDBOX_ABI_SCOPE 6

typedef struct sr_sandbox_ctx {
	const char *home;		/* for "~"; NULL: no home */
	const char *cwd;		/* for "." */
	const char *tmpdir;		/* the default writable temp; NULL: /tmp */
	/* scoperun's own files and directories, hidden; an entry may end
	 * in '*' (a log and its side files: audit.jsonl*) */
	const char *const *own;
	size_t nown;
	int abi;			/* sr_sandbox_abi(), or a test's value */
} sr_sandbox_ctx;

typedef struct sr_sandbox sr_sandbox;

/* The kernel's Landlock ABI version; 0 when it has none (or it is off). */
int sr_sandbox_abi(void);

/*
 * Resolve and check the [sandbox] s of the policy file at path
 * (s->present must be set). Errors carry path and the line. On -1, *out
 * may still hold the plan with its diagnostics (for `policy check`), or
 * NULL. Refuses (SR_ERR_DENIED) when required and the ABI falls short.
 */
int sr_sandbox_plan(sr_sandbox **out, const sr_sandbox_spec *s,
    const char *path, const sr_sandbox_ctx *ctx, sr_err *err);
/* Build the ruleset in the parent. A plan that enforces nothing (no
 * Landlock, required = false) builds nothing and succeeds. */
int sr_sandbox_build(sr_sandbox *sb, sr_err *err);
/*
 * In the child, right before exec: no new privileges, then the domain.
 * sb NULL: nothing. Only prctl and one syscall, then the error if any.
 */
int sr_sandbox_apply(const sr_sandbox *sb, sr_err *err);
void sr_sandbox_free(sr_sandbox *sb);

/* Warnings and errors of the plan, for `policy check`. */
size_t sr_sandbox_ndiags(const sr_sandbox *sb);
const sr_diag *sr_sandbox_diag(const sr_sandbox *sb, size_t i);

/*
 * What is enforced, as one JSON object for the run record:
 * {"mechanism":"landlock","abi":7,"write":[...],"read":[...]|"all",
 *  "hidden":[...],"tcp_connect":[...]|"any","tcp_bind":...,
 *  "scoped":["signal","abstract_unix_socket"],"degraded":[...]}.
 * malloc'd; NULL when out of memory.
 */
char *sr_sandbox_json(const sr_sandbox *sb);

/* The same in words, one "label value" line each, for `policy explain`
 * and the dry run; written through put (a printf-like sink). */
void sr_sandbox_describe(const sr_sandbox *sb,
    void (*put)(void *arg, const char *label, const char *text), void *arg);

/* Counts, for tests and the bench. */
size_t sr_sandbox_nrules(const sr_sandbox *sb);
int sr_sandbox_enforced(const sr_sandbox *sb);	/* a domain will apply */

#endif
