/*
 * audit_report.h - `scoperun audit report`: per agent, what the log says
 * it used and what its policy grants that it no longer uses.
 */
#ifndef SR_AUDIT_REPORT_H
#define SR_AUDIT_REPORT_H

/* file: the log (NULL: the default); json: one JSON document. Returns an
 * exit status (cli.h). */
int audit_report(const char *file, int json);

/*
 * The same, with --format text|json|markdown (NULL: text) and --since
 * DURATION|DATE (NULL: the whole log): records before it are left out
 * (what the policies and the vault say now is always shown).
 */
int audit_report_with(const char *file, const char *format,
    const char *since);

/* The report document (as --format json prints it) as Markdown, for a
 * chat or a mail: the daily summary of SPEC §11. */
#include <jansson.h>
void audit_report_markdown(json_t *doc);

#endif
