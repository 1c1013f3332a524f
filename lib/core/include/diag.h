/*
 * diag.h - what checking a file found, line by line: its warnings and
 * errors (sr_diag), and lists of strings with the line each came from
 * (sr_strlist). The policy loader (policy.h) and the sandbox plan
 * (sandbox.h) both report in these; diag.c adds to a list of them.
 */
#ifndef SR_DIAG_H
#define SR_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

typedef enum sr_diag_level { SR_DIAG_WARNING, SR_DIAG_ERROR } sr_diag_level;

/* A diagnostic; an error's kind is SR_ERR_CONFIG (the file is wrong)
 * or SR_ERR_DENIED (it is sound and says no), with the refusal's reason
 * code (err.h) then. The message is for people only. */
typedef struct sr_diag {
	sr_diag_level level;
	sr_err_kind kind;
	const char *reason;
	unsigned line;
	char msg[SR_ERR_MSG_MAX];
} sr_diag;

/*
 * Append a diagnostic to the list *diags of *n, its message printf'd
 * from fmt: an error (level SR_DIAG_ERROR) is SR_ERR_DENIED with reason,
 * or SR_ERR_CONFIG when reason is NULL, and counted in *nerrors even
 * when there is no memory left to keep its text.
 */
void sr_diag_vadd(sr_diag **diags, size_t *n, size_t *nerrors,
    sr_diag_level level, const char *reason, unsigned line, const char *fmt,
    va_list ap) __attribute__((format(printf, 7, 0)));

typedef struct sr_strlist {
	const char **v;
	unsigned *line;
	size_t n;
} sr_strlist;

#endif
