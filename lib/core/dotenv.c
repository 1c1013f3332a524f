/*
 * dotenv.c - the KEY=VALUE lines of a .env file (dotenv.h).
 *
 * One pass over the text with a cursor; each value is decoded into one
 * sodium buffer as long as the text, reused for every value and wiped at
 * the end. Errors carry the line and what was expected, never a byte of
 * a value.
 */
#include "dotenv.h"

#include <string.h>

#include <sodium.h>

#include "secalloc.h"

typedef struct cur {
	const char *p, *end;
	unsigned line;
	const char *file;
} cur;

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
key_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '.' || c == '-');
}

static void
skip_blanks(cur *c)
{
	while (c->p < c->end && blank(*c->p))
		c->p++;
}

/* To the end of the line (the '\n' is left for the caller). */
static void
skip_line(cur *c)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

	c->p = nl ? nl : c->end;
}

static int
fail(cur *c, unsigned line, const char *what, sr_err *err)
{
	return sr_err_set(err, SR_ERR_USAGE, c->file, line, "%s", what);
}

/* [export] KEY = : the key into key; the cursor after '=' and blanks. */
static int
read_key(cur *c, char *key, sr_err *err)
{
	size_t n = 0;

	if ((size_t)(c->end - c->p) > 7 && memcmp(c->p, "export", 6) == 0 &&
	    blank(c->p[6])) {
		c->p += 6;
		skip_blanks(c);
	}
	while (c->p < c->end && key_char(*c->p, n == 0)) {
		if (n == SR_DOTENV_KEY_MAX)
			return fail(c, c->line, "a KEY longer than 128 bytes",
			    err);
		key[n++] = *c->p++;
	}
	key[n] = '\0';
	skip_blanks(c);
	if (n == 0 || c->p >= c->end || *c->p != '=')
		return fail(c, c->line, n == 0 ? "expected KEY=VALUE (KEY: "
		    "letters, digits, _ . -)" : "expected '=' after the KEY",
		    err);
	c->p++;
	skip_blanks(c);
	return 0;
}

/* The escape after a backslash in double quotes; 0: not one. */
static char
unescape(char e)
{
	switch (e) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '"': case '\\': case '$': case '\'': return e;
	default: return 0;
	}
}

/* A quoted value, the cursor on its opening quote; newlines allowed. */
static int
read_quoted(cur *c, unsigned char *val, size_t *vlen, sr_err *err)
{
	char q = *c->p++, e;
	unsigned start = c->line;
	size_t n = 0;

	while (c->p < c->end && *c->p != q) {
		if (q == '"' && *c->p == '\\' && c->p + 1 < c->end &&
		    (e = unescape(c->p[1])) != 0) {
			val[n++] = (unsigned char)e;
			c->p += 2;
			continue;
		}
		c->line += *c->p == '\n';
		val[n++] = (unsigned char)*c->p++;
	}
	if (c->p >= c->end)
		return fail(c, start, q == '"' ? "a double quote that is never "
		    "closed" : "a single quote that is never closed", err);
	c->p++;
	*vlen = n;
	/* after the closing quote: blanks, a comment, the end of the line */
	skip_blanks(c);
	if (c->p < c->end && *c->p == '#')
		skip_line(c);
	if (c->p < c->end && *c->p != '\n')
		return fail(c, c->line, "text after the closing quote (quote "
		    "the whole value)", err);
	return 0;
}

/* An unquoted value: to the end of the line or a '#' after a blank. */
static void
read_bare(cur *c, unsigned char *val, size_t *vlen)
{
	size_t n = 0;

	while (c->p < c->end && *c->p != '\n') {
		if (*c->p == '#' && blank(c->p[-1]))
			break;
		val[n++] = (unsigned char)*c->p++;
	}
	skip_line(c);
	while (n > 0 && blank((char)val[n - 1]))
		n--;
	*vlen = n;
}

static int
read_pair(cur *c, unsigned char *val, sr_dotenv_fn fn, void *ctx,
    sr_err *err)
{
	char key[SR_DOTENV_KEY_MAX + 1];
	unsigned line = c->line;
	size_t vlen = 0;
	int rc;

	if (read_key(c, key, err) != 0)
		return -1;
	if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
		if (read_quoted(c, val, &vlen, err) != 0)
			return -1;
	} else {
		read_bare(c, val, &vlen);
	}
	val[vlen] = '\0';
	rc = fn(ctx, key, val, vlen, line, err);
	sodium_memzero(val, vlen);
	return rc != 0 ? -1 : 0;
}

int
sr_dotenv_parse(const char *text, size_t len, const char *file,
    sr_dotenv_fn fn, void *ctx, sr_err *err)
{
	cur c = { text, text + len, 1, file };
	unsigned char *val;
	const char *nul = memchr(text, '\0', len);
	int rc = 0;

	if (nul != NULL) {
		for (c.p = text; c.p < nul; c.p++)
			c.line += *c.p == '\n';
		return fail(&c, c.line, "a NUL byte", err);
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c.p += 3;	/* a UTF-8 byte order mark */
	if ((val = sr_secalloc_alloc(len + 1)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	while (rc == 0 && c.p < c.end) {
		skip_blanks(&c);
		if (c.p < c.end && *c.p == '#')
			skip_line(&c);
		if (c.p < c.end && *c.p == '\n') {
			c.p++;
			c.line++;
			continue;
		}
		if (c.p < c.end)
			rc = read_pair(&c, val, fn, ctx, err);
	}
	sr_secalloc_free(val);
	return rc;
}
