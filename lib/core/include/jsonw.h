/*
 * jsonw.h - writing JSON text byte for byte the same every time.
 *
 * Audit records are hashed as written, so their bytes must not depend on
 * a library's formatting choices: keys in the caller's order, no spaces,
 * strings escaped one way only. Reading JSON is jansson's job.
 */
#ifndef SR_JSONW_H
#define SR_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct sr_jsonw {
	sr_buf b;		/* b.failed: out of memory, text unusable */
	int first;		/* no member written yet at this level */
} sr_jsonw;

#define SR_JSONW_INIT { SR_BUF_INIT, 1 }

void sr_jsonw_raw(sr_jsonw *w, const char *s, size_t n);
/* A JSON string: " \ and control bytes escaped, invalid UTF-8 bytes as
 * \u00XX. */
void sr_jsonw_str(sr_jsonw *w, const char *s, size_t n);
void sr_jsonw_begin(sr_jsonw *w, char open);	/* '{' or '[' */
void sr_jsonw_end(sr_jsonw *w, char close);
/* ,"key": (the comma only after the first member) */
void sr_jsonw_key(sr_jsonw *w, const char *key);
/* The separator before an array element. */
void sr_jsonw_elem(sr_jsonw *w);
void sr_jsonw_kstr(sr_jsonw *w, const char *key, const char *s);
void sr_jsonw_kint(sr_jsonw *w, const char *key, int64_t v);
void sr_jsonw_khex(sr_jsonw *w, const char *key, const unsigned char *b,
    size_t n);
void sr_jsonw_free(sr_jsonw *w);

#endif
