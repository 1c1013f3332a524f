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

typedef struct sr_err {
	sr_err_kind kind;
	unsigned line;			/* 0: no place */
	char file[SR_ERR_PATH_MAX];
	char msg[SR_ERR_MSG_MAX];
} sr_err;

#define SR_ERR_INIT { SR_ERR_NONE, 0, "", "" }

/* Record an error; always returns -1 so callers can `return sr_err_set()`. */
int sr_err_set(sr_err *e, sr_err_kind kind, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void sr_err_clear(sr_err *e);
/* Copy at most SR_ERR_QUOTE_MAX bytes of s into buf (size >= 4*80+8) with
 * control and non-ASCII bytes escaped, "..." appended when cut. */
const char *sr_err_quote(char *buf, size_t size, const char *s, size_t len);

#endif
