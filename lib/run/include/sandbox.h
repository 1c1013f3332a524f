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
 * on a directory covers everything beneath it. Two ways to build "all
 * of / but ~/.ssh", chosen by measurement (tests/bench/sandbox.sh):
 *
 * "mounts" (where user namespaces are allowed; lib/run/sandbox_ns.c): the
 * child enters a user and mount namespace of its own, with its ids
 * mapped to themselves, mounts an empty read-only directory over each
 * hidden directory and an empty file over each hidden file, and then
 * the Landlock domain grants read on each read root in one rule. Cost
 * grows with the number of hidden paths only. The agent can list ~ and
 * read entries created during the run; a hidden path that does not
 * exist when the run starts is not covered if it appears later.
 *
 * "rules" (sibling granting; the fallback): walk from each read root
 * down to every hidden path and grant each entry beside that path; the
 * directories on the way to a hidden path (/, /home, ~, ~/.config ...)
 * get no rule of their own. Consequences: the agent cannot list those
 * directories, and an entry created in one of them after the run
 * started is not readable to it. Symbolic links met on the walk get no
 * rule: what they point at is governed by its own place in the tree.
 *
 * Either way hidden paths are resolved (realpath) first, so a link to a
 * hidden directory reaches nothing; scoperun-policy(5) states the edges.
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

/* How hidden paths are hidden inside a readable tree (see above). */
typedef enum sr_sandbox_hiding {
	SR_SANDBOX_HIDE_AUTO = 0,	/* mounts unless ctx->userns is 0 */
	SR_SANDBOX_HIDE_RULES,		/* sibling granting, always */
	SR_SANDBOX_HIDE_MOUNTS		/* mounts, even where userns is 0 */
} sr_sandbox_hiding;

typedef struct sr_sandbox_ctx {
	const char *home;		/* for "~"; NULL: no home */
	const char *cwd;		/* for "." */
	const char *tmpdir;		/* the default writable temp; NULL: /tmp */
	/* scoperun's own files and directories, hidden; an entry may end
	 * in '*' (a log and its side files: audit.jsonl*) */
	const char *const *own;
	size_t nown;
	int abi;			/* sr_sandbox_abi(), or a test's value */
	sr_sandbox_hiding hiding;	/* the caller's choice; 0: auto */
	/* sr_sandbox_userns(), or a test's; -1: not asked yet, mounts
	 * planned, and sr_sandbox_settle asks when it joins no kept
	 * namespace (a run: /proc/sys costs more than the join) */
	int userns;
	const char *userns_why;		/* why not, for explain; may be NULL */
	/* a directory of scoperun's own (made when missing) that keeps
	 * the empty directory and file bound over hidden paths; NULL: a
	 * tmpfs in each run instead */
	const char *cover_dir;
} sr_sandbox_ctx;

typedef struct sr_sandbox sr_sandbox;

/*
 * Whether this process may make a user namespace, as far as can be told
 * without making one: the sysctls of Debian (unprivileged_userns_clone),
 * Ubuntu (apparmor_restrict_unprivileged_userns) and the kernel
 * (max_user_namespaces), and no seccomp filter. 1 or 0 with *why set.
 */
int sr_sandbox_userns(const char **why);

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
 * In the child, right before exec: the mount namespace (hiding with
 * mounts), no new privileges, then the domain. sb NULL: nothing. Only
 * system calls; the first error stops it.
 */
int sr_sandbox_apply(const sr_sandbox *sb, sr_err *err);

/*
 * Between plan and build, in the parent, with mounts: when keep, find
 * the mount namespace a holder keeps with exactly this run's covers;
 * apply then joins it instead of making one (lib/run/sandbox_keep.c).
 * Joining none, when the plan left user namespaces unasked (ctx->userns
 * -1), ask now: hide with rules where none may be made. Not found,
 * sr_sandbox_keep_spawn starts a holder for the next run (exe: the
 * scoperun binary, run as `exe __sandbox-hold`).
 */
void sr_sandbox_settle(sr_sandbox *sb, int keep);
void sr_sandbox_keep_spawn(const sr_sandbox *sb, const char *exe);

/*
 * The holder (`scoperun __sandbox-hold`): reads what to cover from in,
 * makes and registers the namespace, and keeps it until the mount table
 * it came from changes or its time is up. Returns when it is done; -1
 * when it could not start.
 */
int sr_sandbox_hold(int in, sr_err *err);
void sr_sandbox_free(sr_sandbox *sb);

/* Warnings and errors of the plan, for `policy check`. */
size_t sr_sandbox_ndiags(const sr_sandbox *sb);
const sr_diag *sr_sandbox_diag(const sr_sandbox *sb, size_t i);

/*
 * What is enforced, as one JSON object for the run record:
 * {"mechanism":"landlock+mountns","abi":7,"write":[...],"read":[...]|"all",
 *  "hidden":[...],"tcp_connect":[...]|"any","tcp_bind":...,
 *  "scoped":["signal","abstract_unix_socket"],"degraded":[...]}.
 * malloc'd; NULL when out of memory.
 */
char *sr_sandbox_json(const sr_sandbox *sb);

/* The same in words, one "label value" line each, for `policy explain`
 * and the dry run; written through put (a printf-like sink). */
void sr_sandbox_describe(const sr_sandbox *sb,
    void (*put)(void *arg, const char *label, const char *text), void *arg);

/* "landlock+mountns", "landlock" or "none": what the record says. */
const char *sr_sandbox_mechanism(const sr_sandbox *sb);

/* The rules the ruleset holds: for the tests, the one count no output
 * shows (whether a domain applies: sr_sandbox_mechanism). */
size_t sr_sandbox_nrules(const sr_sandbox *sb);

#endif
