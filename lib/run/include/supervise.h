/*
 * supervise.h - run the command as a child and stay as its parent
 * (SPEC §7): signals, exit status, a time limit, masked output.
 *
 * The child gets its own process group, so that a time limit or a
 * forwarded signal reaches whatever it started. Signals:
 * - INT, TERM, HUP, QUIT, USR1, USR2, WINCH, TSTP and CONT sent to
 *   scoperun go to the child's group, from the handler itself (kill(2) is
 *   async-signal-safe), so forwarding works even while scoperun is
 *   blocked writing output. A signal ignored when scoperun started (INT
 *   and QUIT under `cmd &`, HUP under nohup) stays ignored and is not
 *   forwarded, as a shell does.
 * - Terminal job control: when scoperun is in the foreground of its
 *   controlling terminal, the child's group is made the foreground group,
 *   so Ctrl-C, Ctrl-\ and Ctrl-Z reach the child once, from the terminal,
 *   and never through scoperun a second time. When the child stops
 *   (Ctrl-Z, or reading the terminal from the background) scoperun takes
 *   the terminal back and stops its own job, so the shell sees the job
 *   stopped; on SIGCONT it hands the terminal on again (if the shell gave
 *   it back) and continues the child.
 * - max_runtime: SIGALRM's handler sends TERM to the group, and KILL
 *   kill_grace seconds later; the loop sends the same to every other
 *   descendant (one that left the group with setsid included), found
 *   through /proc (proctree.h). scoperun is a child subreaper, so the
 *   child's orphans come back to it and are reaped by it.
 * - No descendant outlives the run: once the child has ended (timeout or
 *   not), whatever it left gets TERM, and KILL when kill_grace ends, and
 *   scoperun waits for them. Nothing is left means one waitid, no scan.
 * - The child gets KILL from the kernel when scoperun dies, however
 *   (PR_SET_PDEATHSIG). Known limit: then nothing sweeps the child's own
 *   children; they go to init or the nearest subreaper.
 *
 * Exit status: the child's own, or 128+N when signal N killed it. An exec
 * failure in the child comes back through a close-on-exec pipe as the
 * same SR_ERR_NOTFOUND / SR_ERR_NOEXEC a direct exec gives (127/126).
 *
 * Masking (mask != NULL): the child's stdout and stderr are pipes to
 * scoperun, or a pty when they are a terminal, so that colours, isatty()
 * and the window size stay what the program expects (the pty's output
 * processing is off: the real terminal does it, once). stdin is never
 * touched. When stdout and stderr are the same file (2>&1, a terminal)
 * they share one pipe, so their order is kept. The window size follows
 * the real terminal on SIGWINCH, and every 250 ms while the child holds
 * the foreground (the terminal then signals only the child's group).
 * Known limit: what the child writes to /dev/tty is not masked.
 *
 * Secrets: the caller frees the environment right after
 * sr_supervise_start (the child has its own copy); only the mask stays.
 * One supervisor per process: signal handlers are process-wide.
 */
#ifndef SR_SUPERVISE_H
#define SR_SUPERVISE_H

#include <stdint.h>

#include "err.h"
#include "mask.h"
#include "sandbox.h"

#define SR_SUPERVISE_KILL_GRACE 5	/* seconds, the default */

typedef struct sr_supervise_opts {
	const char *path;		/* the resolved command */
	char *const *argv;
	char *const *envp;
	int64_t max_runtime;		/* seconds; 0: no limit */
	int64_t kill_grace;		/* seconds from TERM to KILL */
	const sr_mask *mask;		/* NULL: output goes straight out */
	const sr_sandbox *sandbox;	/* applied in the child; NULL: none */
} sr_supervise_opts;

typedef struct sr_supervise_result {
	int status;			/* the exit code, or 128+N */
	int signal;			/* N when signal N killed it, else 0 */
	int64_t duration_ms;		/* from fork to the child's end */
	int timed_out;			/* max_runtime fired */
} sr_supervise_result;

typedef struct sr_supervisor sr_supervisor;

/* Fork the child. Returns in the parent as soon as the child exists. */
int sr_supervise_start(sr_supervisor **out, const sr_supervise_opts *o,
    sr_err *err);

/*
 * Wait for the exec, relay output, forward signals until the child ends;
 * then free sv. 0 with *res filled when the command ran; -1 when it could
 * not be executed (err as sr_exec_run sets it) or supervision failed.
 */
int sr_supervise_wait(sr_supervisor *sv, sr_supervise_result *res,
    sr_err *err);

#endif
