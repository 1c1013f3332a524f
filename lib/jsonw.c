#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
sr_jsonw_raw(sr_jsonw *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (w->cap - w->len <= n) {
		size_t cap = w->cap ? w->cap : 512;
		char *p;
		while (cap - w->len <= n)
			cap *= 2;
		if ((p = realloc(w->p, cap)) == NULL) {
			w->failed = 1;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

/* Length of a valid UTF-8 sequence at s, else 0. */
static size_t
utf8_ok(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t k, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07u;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3fu);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return k;
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
		if (u[i] >= 0x80 && (k = utf8_ok(u + i, n - i)) != 0) {
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
	free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
}
