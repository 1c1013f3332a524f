#include "jsonw.h"
#include "utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sr_jsonw_raw(sr_jsonw *w, const char *s, size_t n)
{
	sr_buf_put(&w->b, s, n);
}

void
sr_jsonw_str(sr_jsonw *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run, k;
	char esc[8];

	sr_jsonw_raw(w, "\"", 1);
	while (i < n) {
		for (run = i; run < n && u[run] >= 0x20 && u[run] < 0x80 &&
		    u[run] != '"' && u[run] != '\\'; run++)
			;
		sr_jsonw_raw(w, s + i, run - i);
		if ((i = run) >= n)
			break;
		if (u[i] >= 0x80 && (k = sr_utf8_len(u + i, n - i)) != 0) {
			sr_jsonw_raw(w, s + i, k);
			i += k;
			continue;
		}
		if (u[i] == '"' || u[i] == '\\')
			snprintf(esc, sizeof(esc), "\\%c", u[i]);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", u[i]);
		sr_jsonw_raw(w, esc, strlen(esc));
		i++;
	}
	sr_jsonw_raw(w, "\"", 1);
}

void
sr_jsonw_begin(sr_jsonw *w, char open)
{
	sr_jsonw_raw(w, &open, 1);
	w->first = 1;
}

void
sr_jsonw_end(sr_jsonw *w, char close)
{
	sr_jsonw_raw(w, &close, 1);
	w->first = 0;
}

void
sr_jsonw_key(sr_jsonw *w, const char *key)
{
	if (!w->first)
		sr_jsonw_raw(w, ",", 1);
	w->first = 0;
	sr_jsonw_str(w, key, strlen(key));
	sr_jsonw_raw(w, ":", 1);
}

void
sr_jsonw_elem(sr_jsonw *w)
{
	if (!w->first)
		sr_jsonw_raw(w, ",", 1);
	w->first = 0;
}

void
sr_jsonw_kstr(sr_jsonw *w, const char *key, const char *s)
{
	if (s == NULL)
		return;
	sr_jsonw_key(w, key);
	sr_jsonw_str(w, s, strlen(s));
}

void
sr_jsonw_kint(sr_jsonw *w, const char *key, int64_t v)
{
	char buf[32];

	sr_jsonw_key(w, key);
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	sr_jsonw_raw(w, buf, strlen(buf));
}

void
sr_jsonw_khex(sr_jsonw *w, const char *key, const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * 64 + 3];
	size_t i;

	if (n > 64)
		n = 64;
	buf[0] = '"';
	for (i = 0; i < n; i++) {
		buf[1 + 2 * i] = hex[b[i] >> 4];
		buf[2 + 2 * i] = hex[b[i] & 15];
	}
	buf[1 + 2 * n] = '"';
	sr_jsonw_key(w, key);
	sr_jsonw_raw(w, buf, 2 * n + 2);
}

void
sr_jsonw_free(sr_jsonw *w)
{
	sr_buf_free(&w->b);
}
