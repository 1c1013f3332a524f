/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * For text scoperun builds (decoded TOML strings, audit records, the
 * vault file). Not for secrets: it reallocates without wiping.
 */
#ifndef SR_BUF_H
#define SR_BUF_H

#include <stddef.h>

typedef struct sr_buf {
	char *p;
	size_t len, cap;
	int failed;		/* an allocation failed: the text is unusable */
} sr_buf;

#define SR_BUF_INIT { NULL, 0, 0, 0 }

/* Append n bytes; 0, or -1 (and failed set) when out of memory or when
 * the length would overflow. */
int sr_buf_put(sr_buf *b, const void *p, size_t n);
void sr_buf_free(sr_buf *b);

#endif
