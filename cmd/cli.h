/*
 * cli.h - what the verbs of the scoperun command share.
 *
 * Only cmd/ prints and exits. Exit statuses live here, in one place:
 * a run returns the command's own status, or SR_EXIT_* when scoperun
 * refused or could not run it (the env(1) convention); every other verb
 * returns 0 ok, 1 findings, 2 usage or error.
 */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <stdio.h>

#include "err.h"

#define SR_EXIT_OK 0
#define SR_EXIT_FINDINGS 1
#define SR_EXIT_USAGE 2
#define SR_EXIT_REFUSED 125
#define SR_EXIT_NOEXEC 126
#define SR_EXIT_NOTFOUND 127

/* Options that come before AGENT in a run. */
typedef struct sr_run_opts {
	int dry_run;
	const char *task;
	const char *vault;
	const char *identity;
	const char *identity_fd;	/* --identity-fd N */
} sr_run_opts;

/* `scoperun: WHO: message (file:line)` on stderr, escaped as a whole
 * (term.h): a message quotes paths, names and commands. */
void cli_error(const char *who, const sr_err *err);
void cli_errorf(const char *who, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s as it may reach a terminal (sr_term_escape): s itself when clean,
 * else an escaped copy that stays valid for the next 16 calls. Every
 * user-controlled string a verb prints goes through it. */
const char *cli_esc(const char *s);
/* The exit status a failed run reports for err. */
int cli_run_status(const sr_err *err);

int cmd_run(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_hook(int argc, char **argv);
void cli_usage(FILE *f);

#endif
