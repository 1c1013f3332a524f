/*
 * scan.h - finding known secret values in bytes (SPEC §6, issue 6).
 *
 * Leak scanners guess with regexes and entropy; scoperun holds the exact
 * values, so it looks for them, and for the forms a value takes when it
 * is pasted into code or config: every form of forms.h (raw, CRLF, hex,
 * base64 and base64url at each alignment, JSON, percent, form encoding),
 * the same ones masking looks for. A match is the exact bytes of a form,
 * so there are no false positives to tune; a value split across lines or
 * wrapped base64 is not found.
 *
 * Values shorter than SR_SCAN_VALUE_MIN bytes are refused by
 * sr_scan_add (the caller warns): they match by chance. Every form is
 * then at least 8 bytes long, which the matcher relies on: each pattern
 * is keyed on its last 8 bytes, and one pass over the text tests each
 * 8-byte window against a bit filter and a hash table of all keys, so the
 * cost is one multiply and one bit test per byte, whatever the number of
 * patterns. (An Aho-Corasick automaton over the same ~10,000 patterns
 * would take megabytes of locked memory and longer to build than to run.)
 *
 * Every pattern byte is secret, so the patterns, their keys and the
 * table live in sodium memory (secalloc.h) and are wiped by sr_scan_free.
 * Hits name the secret and the form, never the bytes.
 */
#ifndef SR_SCAN_H
#define SR_SCAN_H

#include <stddef.h>

#include "err.h"
#include "forms.h"

#define SR_SCAN_VALUE_MIN 8

typedef struct sr_scan sr_scan;

typedef struct sr_scan_hit {
	size_t secret;		/* index, in the order of sr_scan_add */
	sr_form form;		/* the first of the value's forms to match */
	size_t offset;		/* where the form starts in the text */
	size_t line, column;	/* 1-based; the column counts bytes */
} sr_scan_hit;

/* Return 0 to go on, anything else to stop the scan with that value. */
typedef int (*sr_scan_cb)(void *arg, const sr_scan_hit *hit);

int sr_scan_new(sr_scan **out, sr_err *err);
/*
 * Add the value's forms under name. 0 added, 1 too short (nothing
 * added), -1 error. The value is copied into locked memory; the caller
 * wipes its own copy.
 */
int sr_scan_add(sr_scan *s, const char *name, const unsigned char *value,
    size_t len, sr_err *err);
/* Make the table; after the last add, before the first scan. */
int sr_scan_build(sr_scan *s, sr_err *err);
/* Every match in buf, in order of where it ends; fn's non-zero result
 * stops the scan and is returned. */
int sr_scan_buf(const sr_scan *s, const void *text, size_t len,
    sr_scan_cb fn, void *arg);
size_t sr_scan_count(const sr_scan *s);		/* secrets added */
size_t sr_scan_patterns(const sr_scan *s);	/* forms, duplicates out */
const char *sr_scan_name(const sr_scan *s, size_t secret);
/* The names sr_scan_add refused as too short, in order. */
size_t sr_scan_nskipped(const sr_scan *s);
const char *sr_scan_skipped(const sr_scan *s, size_t i);
/* Wipe and free every form, keeping the names for the report: scanning
 * is over once this is called (STYLE: wiped before anything is said). */
void sr_scan_forget(sr_scan *s);
void sr_scan_free(sr_scan *s);

#endif
