/*
 * diag.h - what checking a file found, line by line: its warnings and
 * errors (sr_diag), and lists of strings with the line each came from
 * (sr_strlist). The policy loader (policy.h) and the sandbox plan
 * (sandbox.h) both report in these.
 */
#ifndef SR_DIAG_H
#define SR_DIAG_H

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

typedef struct sr_strlist {
	const char **v;
	unsigned *line;
	size_t n;
} sr_strlist;

#endif
