/*
 * audit_report.h - `scoperun audit report`: per agent, what the log says
 * it used and what its policy grants that it no longer uses.
 */
#ifndef SR_AUDIT_REPORT_H
#define SR_AUDIT_REPORT_H

/* file: the log (NULL: the default); json: one JSON document. Returns an
 * exit status (cli.h). */
int audit_report(const char *file, int json);

#endif
