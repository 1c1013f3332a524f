/*
 * diag.c - adding to a list of diagnostics (diag.h).
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>

void
sr_diag_vadd(sr_diag **diags, size_t *n, size_t *nerrors,
    sr_diag_level level, const char *reason, unsigned line, const char *fmt,
    va_list ap)
{
	sr_diag *d, *grown;

	if (level == SR_DIAG_ERROR)
		(*nerrors)++;	/* counted even when the text is lost */
	grown = realloc(*diags, (*n + 1) * sizeof(**diags));
	if (grown == NULL)
		return;
	*diags = grown;
	d = &grown[(*n)++];
	d->level = level;
	d->kind = reason != NULL ? SR_ERR_DENIED : SR_ERR_CONFIG;
	d->reason = reason;
	d->line = line;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}
