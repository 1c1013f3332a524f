/*
 * check_report.h - how `scoperun check` says what it found: text for
 * people (findings on stdout, a summary and the fix on stderr), one JSON
 * object, or SARIF 2.1.0 for GitHub code scanning. Paths, lines, secret
 * names and forms only: the report never holds a value, nor anything
 * computed from one.
 */
#ifndef SR_CHECK_REPORT_H
#define SR_CHECK_REPORT_H

#include <stdio.h>

#include "check.h"
#include "scan.h"

typedef enum check_format {
	CHECK_TEXT = 0,
	CHECK_JSON,
	CHECK_SARIF
} check_format;

/* names: the matcher (its names), or NULL when no value was searched.
 * 0, or -1 with the error printed. */
int check_report(FILE *f, check_format format, sr_check_mode mode,
    const sr_check_result *r, const sr_scan *names);

#endif
