#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
sr_err_set(sr_err *e, sr_err_kind kind, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->kind = kind;
	e->reason = NULL;
	e->line = line;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
sr_err_set_reason(sr_err *e, const char *reason)
{
	if (e != NULL)
		e->reason = reason;
	return -1;
}

void
sr_err_clear(sr_err *e)
{
	e->kind = SR_ERR_NONE;
	e->reason = NULL;
	e->line = 0;
	e->file[0] = '\0';
	e->msg[0] = '\0';
}

const char *
sr_err_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;
	size_t lim = len > SR_ERR_QUOTE_MAX ? SR_ERR_QUOTE_MAX : len;

	if (size == 0)
		return buf;
	for (i = 0; i < lim && n + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[n++] = (char)c;
		} else {
			snprintf(buf + n, size - n, "\\x%02x", c);
			n += 4;
		}
	}
	if (lim < len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}
