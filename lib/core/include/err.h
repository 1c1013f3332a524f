/*
 * err.h - the one error a library call reports.
 *
 * The library never prints and never exits. A failing call records one
 * message, and where the fault has a place in a file, that place; the CLI
 * prints it once as `scoperun: AGENT: message (file:line)`. Messages never
 * hold secret values, and quote at most SR_ERR_QUOTE_MAX bytes of input.
 */
#ifndef SR_ERR_H
#define SR_ERR_H

#include <stddef.h>

#define SR_ERR_MSG_MAX 512
#define SR_ERR_PATH_MAX 4096
#define SR_ERR_QUOTE_MAX 80

/* Why a call failed, so the CLI can pick the exit status. */
typedef enum sr_err_kind {
	SR_ERR_NONE = 0,
	SR_ERR_USAGE,		/* bad command line */
	SR_ERR_CONFIG,		/* bad or unsafe policy, identity, vault */
	SR_ERR_DENIED,		/* the policy says no */
	SR_ERR_SYSTEM,		/* an OS call failed */
	SR_ERR_NOTFOUND,	/* the command to run does not exist */
	SR_ERR_NOEXEC		/* the command exists but cannot be run */
} sr_err_kind;

/*
 * What a caller decides on is in kind and reason, never in msg: the
 * message is for people and may be reworded at will. reason is a stable
 * code ("grant.expired", the audit record's vocabulary) naming which
 * refusal of its kind it is, where a caller needs to tell them apart;
 * NULL when the kind says enough. It points at a string constant.
 */
typedef struct sr_err {
	sr_err_kind kind;
	const char *reason;
	unsigned line;			/* 0: no place */
	char file[SR_ERR_PATH_MAX];
	char msg[SR_ERR_MSG_MAX];
} sr_err;

#define SR_ERR_INIT { SR_ERR_NONE, NULL, 0, "", "" }

/* Record an error (its reason NULL); always returns -1 so callers can
 * `return sr_err_set()`. */
int sr_err_set(sr_err *e, sr_err_kind kind, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Give the error just set its reason (a string constant, or NULL);
 * returns -1 like sr_err_set. */
int sr_err_set_reason(sr_err *e, const char *reason);
void sr_err_clear(sr_err *e);
/* Copy at most SR_ERR_QUOTE_MAX bytes of s into buf (size >= 4*80+8) with
 * control and non-ASCII bytes escaped, "..." appended when cut. */
const char *sr_err_quote(char *buf, size_t size, const char *s, size_t len);

#endif
