/*
 * fuzz_dotenv.c - libFuzzer target for the .env reader (lib/core/dotenv.c)
 * behind `secret import`.
 *
 * What must stay true, and traps when it does not:
 * - the answer is 0 or -1, and -1 comes with a message and a line no
 *   later than the text's last;
 * - each KEY is 1 to 128 bytes of letters, digits, _ . - and does not
 *   start with a digit, '.' or '-'; each value is NUL-terminated, holds
 *   no NUL, is no longer than the text, and the lines given never go
 *   down;
 * - every pair, written back as KEY="VALUE" with \\ \" \$ escaped, reads
 *   back as the same key and bytes (the encoding `secret import` users
 *   are told to use for values that need quoting).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	size_t len;
	unsigned last_line, max_line;
	/* the round trip: the pair read first, then the one read back */
	char key[SR_DOTENV_KEY_MAX + 1];
	unsigned char *val;
	size_t vlen;
	int again;
};

static void
check_key(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > SR_DOTENV_KEY_MAX || (k[0] >= '0' && k[0] <= '9') ||
	    k[0] == '.' || k[0] == '-')
		abort();
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' &&
		    k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') ||
		    k[i] == '_' || k[i] == '.' || k[i] == '-'))
			abort();
}

static int
reread(void *ctx, const char *key, const unsigned char *val, size_t vlen,
    unsigned line, sr_err *err)
{
	struct state *s = ctx;

	(void)line;
	(void)err;
	if (s->again++ || strcmp(key, s->key) != 0 || vlen != s->vlen ||
	    memcmp(val, s->val, vlen) != 0)
		abort();
	return 0;
}

static void
round_trip(const char *key, const unsigned char *val, size_t vlen)
{
	struct state s = { 0 };
	char *text = malloc(strlen(key) + 2 * vlen + 4), *p = text;
	sr_err err = SR_ERR_INIT;
	size_t i;

	if (text == NULL)
		abort();
	p += strlen(strcpy(p, key));
	*p++ = '=';
	*p++ = '"';
	for (i = 0; i < vlen; i++) {
		if (val[i] == '\\' || val[i] == '"' || val[i] == '$')
			*p++ = '\\';
		*p++ = (char)val[i];
	}
	*p++ = '"';
	snprintf(s.key, sizeof(s.key), "%s", key);
	s.val = (unsigned char *)val;
	s.vlen = vlen;
	if (sr_dotenv_parse(text, (size_t)(p - text), "t", reread, &s,
	    &err) != 0 || s.again != 1)
		abort();
	free(text);
}

static int
pair(void *ctx, const char *key, const unsigned char *val, size_t vlen,
    unsigned line, sr_err *err)
{
	struct state *s = ctx;

	(void)err;
	check_key(key);
	if (vlen > s->len || val[vlen] != '\0' || memchr(val, '\0', vlen) ||
	    line < s->last_line || line > s->max_line)
		abort();
	s->last_line = line;
	round_trip(key, val, vlen);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct state s = { 0 };
	sr_err err = SR_ERR_INIT;
	size_t i;
	int r;

	if (!ready && sodium_init() < 0)
		abort();
	ready = 1;
	s.len = size;
	s.max_line = 1;
	for (i = 0; i < size; i++)
		s.max_line += data[i] == '\n';
	r = sr_dotenv_parse((const char *)data, size, "f", pair, &s, &err);
	if (r != 0 && (r != -1 || err.msg[0] == '\0' ||
	    err.line > s.max_line || err.line == 0))
		abort();
	return 0;
}
