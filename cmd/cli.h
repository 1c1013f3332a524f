/*
 * cli.h - what the verbs of the scoperun command share (cli.c).
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

/* Read the environment the library honours, once (cmd/settings.c). */
void cli_settings_load(void);

int cmd_run(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_sandbox_hold(int argc, char **argv);
void cli_usage(FILE *f);

/*
 * Each verb's usage, defined beside the code that parses its options
 * (help.c prints them): the first line is the synopsis a usage error
 * quotes, the rest the sub-verbs and options.
 */
extern const char cli_usage_run[], cli_usage_init[], cli_usage_keygen[],
    cli_usage_secret[], cli_usage_recipient[], cli_usage_policy[],
    cli_usage_audit[], cli_usage_check[], cli_usage_hook[];
/* 1 when -h or --help comes before any `--` in argv[1..]. */
int cli_help_wanted(int argc, char **argv);
/* VERB's usage text, NULL for no verb. */
const char *cli_usage_of(const char *verb);
/* VERB's usage on stdout: an exit status. */
int cli_help_verb(const char *verb);
/* `scoperun: WHO: usage: SYNOPSIS (more: scoperun help WHO)` on stderr. */
void cli_usage_error(const char *who, const char *usage);
/* The verb name is probably a typo of (edit distance at most 2, or a
 * prefix of at least 3 letters), else NULL. */
const char *cli_verb_near(const char *name);
/* How many edits (a swap of neighbours is one) make a into b; 99 past 64
 * bytes. For "did you mean". */
size_t cli_distance(const char *a, const char *b);
/* policy check's look at the vault and the file's text (policy_lint.c):
 * what the loader cannot see. Adds to the counts. */
struct sr_policy;
/* One line of policy check: scoperun: AGENT: error|warning: MSG (FILE:LINE),
 * every byte escaped. */
void cli_policy_say(const char *agent, const char *path, unsigned line,
    int error, const char *msg);
void cli_policy_lint(const char *agent, const struct sr_policy *p,
    size_t *nerr, size_t *nwarn);
/* err says no policy for agent: name the verb agent is close to, or,
 * when there is no policy at all yet, how to make one. */
void cli_no_policy_hint(const char *agent, sr_err *err);
/* The i-th verb that has help, NULL past the last. */
const char *cli_verb_at(size_t i);

#endif
