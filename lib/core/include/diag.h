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

typedef struct sr_diag {
	sr_diag_level level;
	unsigned line;
	char msg[SR_ERR_MSG_MAX];
} sr_diag;

typedef struct sr_strlist {
	const char **v;
	unsigned *line;
	size_t n;
} sr_strlist;

#endif
