/*
 * toml.c - the TOML 1.0.0 grammar and the document tree.
 *
 * Invariants that keep hostile input harmless:
 * - the whole input is checked first for UTF-8 and control characters, so
 *   the grammar below only ever sees characters TOML allows somewhere;
 * - every table and array knows its depth, and nothing deeper than
 *   max_depth is built, so the (bounded) recursion in the value parser and
 *   in callers walking the tree cannot exhaust the stack;
 * - all nodes live in one arena owned by the document: an error anywhere
 *   frees everything with the document;
 * - tables with more than a few keys are indexed by SipHash with a random
 *   key, so many keys, or keys chosen to collide, stay linear.
 */
#include "toml_impl.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_THRESHOLD 8

struct toml_chunk {
	struct toml_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct keypart {
	const char *s;
	size_t len;
	size_t off;		/* where it starts, for messages */
	unsigned line, col;
};

struct parser {
	const char *buf;
	size_t len, pos;
	unsigned max_depth;
	sr_toml_doc *doc;
	sr_toml_value *cur;	/* the table keyvals go into */
	sr_toml_error *err;
	sr_buf scratch;
	/* Key parts of the keyvals being parsed, a stack: an inline table
	 * inside a value parses its own keys above its parent's. Each part
	 * is one level of depth, so 2 * max_depth parts always suffice. */
	struct keypart *keys;
	size_t nkeys, keys_cap;
	/* line tracking: offsets are asked for in rising order */
	size_t at_off;
	unsigned at_line, at_col;
};

/* ---- memory ------------------------------------------------------ */

void *
toml_alloc(sr_toml_doc *doc, size_t size)
{
	struct toml_chunk *c = doc->chunks;
	size_t need = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t);

	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > 512 ? need : 512;
		c = calloc(1, sizeof(*c) + cap * sizeof(max_align_t));
		if (c == NULL)
			return NULL;
		c->cap = cap;
		if (need > 512 && doc->chunks != NULL) {
			/* keep filling the current chunk after a big one */
			c->next = doc->chunks->next;
			doc->chunks->next = c;
		} else {
			c->next = doc->chunks;
			doc->chunks = c;
		}
	}
	c->used += need;
	return c->data + (c->used - need);
}

void
sr_toml_free(sr_toml_doc *doc)
{
	struct toml_chunk *c, *next;

	if (doc == NULL)
		return;
	for (c = doc->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(doc);
}

/* ---- positions and errors ---------------------------------------- */

/*
 * Line and column (in characters) of off. Values are located in rising
 * order, so this walks the input once overall; only an error message may
 * ask for an earlier place, and then it starts over.
 */
static void
locate(struct parser *p, size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	if (off < p->at_off) {
		p->at_off = 0;
		p->at_line = p->at_col = 1;
	}
	for (i = p->at_off; i < off && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			p->at_line++;
			p->at_col = 1;
		} else if (((unsigned char)p->buf[i] & 0xc0) != 0x80) {
			p->at_col++;
		}
	}
	p->at_off = off;
	*line = p->at_line;
	*col = p->at_col;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	locate(p, off, &p->err->line, &p->err->col);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
nomem(struct parser *p)
{
	return fail(p, p->pos, "out of memory");
}

/* ---- the input check --------------------------------------------- */

/*
 * No control character but tab and newline is valid anywhere in TOML
 * (strings and comments forbid them too), and CR only before LF.
 */
static int
check_input(struct parser *p)
{
	const unsigned char *s = (const unsigned char *)p->buf;
	size_t i = 0, k;

	while (i < p->len) {
		unsigned char c = s[i];
		if (c == '\r') {
			if (i + 1 >= p->len || s[i + 1] != '\n')
				return fail(p, i, "carriage return not "
				    "followed by a line feed");
			i += 2;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return fail(p, i, "control character U+%04X is not "
			    "allowed", c);
		if ((k = sr_utf8_len(s + i, p->len - i)) == 0)
			return fail(p, i, "invalid UTF-8");
		i += k;
	}
	return 0;
}

/* ---- tables and arrays ------------------------------------------- */

static sr_toml_value *
new_value(struct parser *p, sr_toml_type type, enum toml_origin origin,
    size_t off)
{
	sr_toml_value *v = toml_alloc(p->doc, sizeof(*v));

	if (v == NULL)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->origin = origin;
	locate(p, off, &v->line, &v->col);
	return v;
}

static size_t
key_hash(const sr_toml_doc *doc, const char *key, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t x = 0;
	size_t i;

	crypto_shorthash(h, (const unsigned char *)key, len, doc->hashkey);
	for (i = 0; i < sizeof(x); i++)
		x = (x << 8) | h[i];
	return (size_t)x;
}

static sr_toml_value *
table_find(const sr_toml_doc *doc, const sr_toml_value *t, const char *key,
    size_t len)
{
	size_t i, mask, e;

	if (t->u.tab.index == NULL) {
		for (i = 0; i < t->u.tab.n; i++) {
			const struct toml_entry *en = &t->u.tab.ents[i];
			if (en->keylen == len && memcmp(en->key, key, len) == 0)
				return en->val;
		}
		return NULL;
	}
	mask = t->u.tab.index_cap - 1;
	for (i = key_hash(doc, key, len) & mask;
	    (e = t->u.tab.index[i]) != 0; i = (i + 1) & mask) {
		const struct toml_entry *en = &t->u.tab.ents[e - 1];
		if (en->keylen == len && memcmp(en->key, key, len) == 0)
			return en->val;
	}
	return NULL;
}

static void
index_insert(const sr_toml_doc *doc, sr_toml_value *t, size_t entry)
{
	const struct toml_entry *en = &t->u.tab.ents[entry];
	size_t mask = t->u.tab.index_cap - 1;
	size_t i = key_hash(doc, en->key, en->keylen) & mask;

	while (t->u.tab.index[i] != 0)
		i = (i + 1) & mask;
	t->u.tab.index[i] = entry + 1;
}

static int
index_rebuild(struct parser *p, sr_toml_value *t)
{
	size_t cap = 16, i;

	while (cap < t->u.tab.cap * 2)
		cap *= 2;
	t->u.tab.index = toml_alloc(p->doc, cap * sizeof(size_t));
	if (t->u.tab.index == NULL)
		return -1;
	memset(t->u.tab.index, 0, cap * sizeof(size_t));
	t->u.tab.index_cap = cap;
	for (i = 0; i < t->u.tab.n; i++)
		index_insert(p->doc, t, i);
	return 0;
}

/* Add key (not yet present) to table t. */
static int
table_add(struct parser *p, sr_toml_value *t, const struct keypart *k,
    sr_toml_value *v)
{
	struct toml_entry *en;

	if (t->u.tab.n == t->u.tab.cap) {
		size_t cap = t->u.tab.cap ? t->u.tab.cap * 2 : 4;
		en = toml_alloc(p->doc, cap * sizeof(*en));
		if (en == NULL)
			return nomem(p);
		if (t->u.tab.n)
			memcpy(en, t->u.tab.ents, t->u.tab.n * sizeof(*en));
		t->u.tab.ents = en;
		t->u.tab.cap = cap;
		if (cap > INDEX_THRESHOLD && index_rebuild(p, t) != 0)
			return nomem(p);
	}
	en = &t->u.tab.ents[t->u.tab.n];
	en->key = k->s;
	en->keylen = k->len;
	en->val = v;
	if (t->u.tab.index != NULL)
		index_insert(p->doc, t, t->u.tab.n);
	t->u.tab.n++;
	return 0;
}

static int
array_push(struct parser *p, sr_toml_value *a, sr_toml_value *v)
{
	if (a->u.arr.n == a->u.arr.cap) {
		size_t cap = a->u.arr.cap ? a->u.arr.cap * 2 : 4;
		sr_toml_value **items = toml_alloc(p->doc,
		    cap * sizeof(*items));
		if (items == NULL)
			return nomem(p);
		if (a->u.arr.n)
			memcpy(items, a->u.arr.items,
			    a->u.arr.n * sizeof(*items));
		a->u.arr.items = items;
		a->u.arr.cap = cap;
	}
	a->u.arr.items[a->u.arr.n++] = v;
	return 0;
}

static sr_toml_value *
new_child(struct parser *p, sr_toml_value *parent, const struct keypart *k,
    sr_toml_type type, enum toml_origin origin)
{
	sr_toml_value *v;

	if (parent->depth + 1 > p->max_depth) {
		fail(p, k->off, "tables nested deeper than %u", p->max_depth);
		return NULL;
	}
	if ((v = new_value(p, type, origin, p->pos)) == NULL) {
		nomem(p);
		return NULL;
	}
	v->line = k->line;
	v->col = k->col;
	v->depth = parent->depth + 1;
	if (table_add(p, parent, k, v) != 0)
		return NULL;
	return v;
}

static const char *
key_quote(const struct keypart *k, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < k->len && i < 80 && n + 5 < size; i++) {
		unsigned char c = (unsigned char)k->s[i];
		if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- lexing helpers ---------------------------------------------- */

static int
peek(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->len ?
	    (unsigned char)p->buf[p->pos + ahead] : -1;
}

static void
skip_ws(struct parser *p)
{
	while (p->pos < p->len &&
	    (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t'))
		p->pos++;
}

static void
skip_comment(struct parser *p)
{
	if (peek(p, 0) == '#')
		while (p->pos < p->len && p->buf[p->pos] != '\n' &&
		    p->buf[p->pos] != '\r')
			p->pos++;
}

/* Consume a newline; 1 when there was one. */
static int
eat_newline(struct parser *p)
{
	if (peek(p, 0) == '\n') {
		p->pos++;
		return 1;
	}
	if (peek(p, 0) == '\r' && peek(p, 1) == '\n') {
		p->pos += 2;
		return 1;
	}
	return 0;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static void
skip_ws_nl(struct parser *p)
{
	do {
		skip_ws(p);
		skip_comment(p);
	} while (eat_newline(p));
}

/* After a keyval or header: only a comment may follow on the line. */
static int
end_of_line(struct parser *p)
{
	skip_ws(p);
	skip_comment(p);
	if (p->pos >= p->len || eat_newline(p))
		return 0;
	return fail(p, p->pos, "expected a newline or a comment, found '%c'",
	    p->buf[p->pos]);
}

static int
is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* ---- strings ----------------------------------------------------- */

static char *
scratch_keep(struct parser *p, size_t *len)
{
	char *s = toml_alloc(p->doc, p->scratch.len + 1);

	if (s == NULL)
		return NULL;
	if (p->scratch.len)
		memcpy(s, p->scratch.p, p->scratch.len);
	s[p->scratch.len] = '\0';
	*len = p->scratch.len;
	return s;
}

/*
 * Lex a string of any of the four kinds starting at p->pos into scratch.
 * multiline: 1 for """ and '''. allow_ml: 0 for keys.
 */
static int
lex_string(struct parser *p, int allow_ml)
{
	int q = p->buf[p->pos];
	int ml = peek(p, 1) == q && peek(p, 2) == q;
	size_t start = p->pos;
	char msg[SR_TOML_ERRMSG_MAX];

	p->scratch.len = 0;
	if (ml && !allow_ml)
		return fail(p, p->pos, "a key cannot be a multi-line string");
	p->pos += ml ? 3 : 1;
	if (ml)
		eat_newline(p);	/* a newline right after """ is trimmed */
	for (;;) {
		int c = peek(p, 0);
		if (c < 0)
			return fail(p, start, "unterminated string");
		if (c == q) {
			if (!ml) {
				p->pos++;
				return 0;
			}
			if (peek(p, 1) == q && peek(p, 2) == q) {
				/* up to two quotes may end the content */
				size_t extra = 0;
				while (extra < 3 && peek(p, 3 + extra) == q)
					extra++;
				if (extra > 2)
					return fail(p, p->pos, "too many "
					    "quotes at the end of a string");
				if (sr_buf_put(&p->scratch, p->buf + p->pos,
				    extra) != 0)
					return nomem(p);
				p->pos += 3 + extra;
				return 0;
			}
		}
		if (c == '\n' || c == '\r') {
			if (!ml)
				return fail(p, p->pos, "newline in a "
				    "single-line string");
			if (c == '\r')
				p->pos++;
		} else if (c == '\\' && q == '"') {
			size_t used, save;
			if (ml) {
				/* line-ending backslash: trim to the next
				 * non-blank, across newlines */
				save = ++p->pos;
				skip_ws(p);
				if (eat_newline(p)) {
					skip_ws_nl_only:
					skip_ws(p);
					if (eat_newline(p))
						goto skip_ws_nl_only;
					continue;
				}
				p->pos = save - 1;
			}
			if (toml_lex_escape(&p->scratch, p->buf + p->pos + 1,
			    p->len - p->pos - 1, &used, msg) != 0)
				return fail(p, p->pos, "%s", msg);
			p->pos += 1 + used;
			continue;
		}
		if (sr_buf_put(&p->scratch, p->buf + p->pos, 1) != 0)
			return nomem(p);
		p->pos++;
	}
}

/* ---- keys -------------------------------------------------------- */

/* A dotted key pushed on p->keys; *first and *n tell where it is. */
static int
parse_key(struct parser *p, struct keypart **first, size_t *n)
{
	size_t base = p->nkeys;

	for (;;) {
		struct keypart *k;
		int c = peek(p, 0);
		if (p->nkeys == p->keys_cap)
			return fail(p, p->pos, "keys nested deeper than %u",
			    p->max_depth);
		k = &p->keys[p->nkeys++];
		k->off = p->pos;
		locate(p, k->off, &k->line, &k->col);
		if (c == '"' || c == '\'') {
			char *s;
			if (lex_string(p, 0) != 0)
				return -1;
			if ((s = scratch_keep(p, &k->len)) == NULL)
				return nomem(p);
			k->s = s;
		} else if (c >= 0 && is_bare(c)) {
			/* copied, so that every key is NUL-terminated */
			size_t start = p->pos;
			char *s;
			while (p->pos < p->len && is_bare(p->buf[p->pos]))
				p->pos++;
			k->len = p->pos - start;
			if ((s = toml_alloc(p->doc, k->len + 1)) == NULL)
				return nomem(p);
			memcpy(s, p->buf + start, k->len);
			s[k->len] = '\0';
			k->s = s;
		} else {
			return fail(p, p->pos, c < 0 || c == '\n' ||
			    c == '\r' ? "expected a key" :
			    "invalid character '%c' in a key", c);
		}
		skip_ws(p);
		if (peek(p, 0) != '.')
			break;
		p->pos++;
		skip_ws(p);
	}
	*first = &p->keys[base];
	*n = p->nkeys - base;
	return 0;
}

/* ---- values ------------------------------------------------------ */

static int parse_value(struct parser *, sr_toml_value **, unsigned);
static int parse_inline_table(struct parser *, sr_toml_value *);

static int
is_scalar_char(int c)
{
	return is_bare(c) || c == '+' || c == '.' || c == ':';
}

/* The end of a bare scalar: a delimiter must follow it. */
static int
is_delim(int c)
{
	return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '#' || c == ',' || c == ']' || c == '}';
}

static int
digits_at(const char *s, size_t n, size_t k)
{
	size_t i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
parse_scalar(struct parser *p, sr_toml_value *v)
{
	const char *s = p->buf + p->pos;
	size_t n = 0, at = 0;
	char msg[SR_TOML_ERRMSG_MAX];
	int rc;

	while (p->pos + n < p->len && is_scalar_char(s[n]))
		n++;
	if (n == 10 && digits_at(s, n, 4) && s[4] == '-' &&
	    p->pos + 13 < p->len && s[10] == ' ' &&
	    digits_at(s + 11, 2, 2) && s[13] == ':') {
		/* a date, a space, a time: one value */
		n = 11;
		while (p->pos + n < p->len && is_scalar_char(s[n]))
			n++;
	}
	if (n == 0)
		return fail(p, p->pos, "expected a value");
	if (n == 4 && memcmp(s, "true", 4) == 0) {
		v->type = SR_TOML_BOOL;
		v->u.b = 1;
		rc = 0;
	} else if (n == 5 && memcmp(s, "false", 5) == 0) {
		v->type = SR_TOML_BOOL;
		rc = 0;
	} else if ((digits_at(s, n, 4) && n > 4 && s[4] == '-') ||
	    (digits_at(s, n, 2) && n > 2 && s[2] == ':')) {
		rc = toml_lex_datetime(v, s, n, msg, &at);
	} else {
		rc = toml_lex_number(v, s, n, msg, &at);
	}
	if (rc != 0)
		return fail(p, p->pos + at, "%s", msg);
	p->pos += n;
	if (!is_delim(peek(p, 0)))
		return fail(p, p->pos, "unexpected '%c' after a value",
		    peek(p, 0));
	return 0;
}

static int
parse_array(struct parser *p, sr_toml_value *a, unsigned depth)
{
	size_t open = p->pos++;

	for (;;) {
		sr_toml_value *v;
		skip_ws_nl(p);
		if (peek(p, 0) == ']')
			break;
		if (parse_value(p, &v, depth + 1) != 0 ||
		    array_push(p, a, v) != 0)
			return -1;
		skip_ws_nl(p);
		if (peek(p, 0) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p, 0) == ']')
			break;
		if (peek(p, 0) < 0)
			return fail(p, open, "unterminated array");
		return fail(p, p->pos, "expected ',' or ']' in an array");
	}
	p->pos++;	/* ] */
	return 0;
}

static int
parse_value(struct parser *p, sr_toml_value **out, unsigned depth)
{
	int c = peek(p, 0);
	sr_toml_value *v;

	if (depth > p->max_depth)
		return fail(p, p->pos, "values nested deeper than %u",
		    p->max_depth);
	if ((v = new_value(p, SR_TOML_STRING, ORIG_VALUE, p->pos)) == NULL)
		return nomem(p);
	v->depth = depth;
	*out = v;
	if (c == '"' || c == '\'') {
		if (lex_string(p, 1) != 0)
			return -1;
		if ((v->u.str.s = scratch_keep(p, &v->u.str.len)) == NULL)
			return nomem(p);
		return 0;
	}
	if (c == '[') {
		v->type = SR_TOML_ARRAY;
		v->origin = ORIG_INLINE;
		return parse_array(p, v, depth);
	}
	if (c == '{') {
		v->type = SR_TOML_TABLE;
		v->origin = ORIG_INLINE;
		return parse_inline_table(p, v);
	}
	return parse_scalar(p, v);
}

/* ---- putting keys into tables ------------------------------------ */

/*
 * Walk the dotted prefix of a key/value pair from t, creating tables as
 * needed. Only tables made by dotted keys in this same table may be
 * extended: a dotted key cannot reopen a table defined by a header, an
 * inline table or an array.
 */
static int
assign(struct parser *p, sr_toml_value *t, const struct keypart *keys,
    size_t nkeys, sr_toml_value *v)
{
	char q[400];
	size_t i;

	for (i = 0; i + 1 < nkeys; i++) {
		const struct keypart *k = &keys[i];
		sr_toml_value *next = table_find(p->doc, t, k->s, k->len);
		if (next == NULL) {
			next = new_child(p, t, k, SR_TOML_TABLE, ORIG_DOTTED);
			if (next == NULL)
				return -1;
		} else if (next->type != SR_TOML_TABLE) {
			return fail(p, k->off, "'%s' already holds %s %s "
			    "(line %u)", key_quote(k, q, sizeof(q)),
			    next->type == SR_TOML_ARRAY ? "an" : "a",
			    sr_toml_type_name(next->type), next->line);
		} else if (next->origin != ORIG_DOTTED) {
			return fail(p, k->off, "cannot add keys to table '%s' "
			    "(line %u) with a dotted key",
			    key_quote(k, q, sizeof(q)), next->line);
		}
		t = next;
	}
	if (table_find(p->doc, t, keys[i].s, keys[i].len) != NULL)
		return fail(p, keys[i].off, "duplicate key '%s'",
		    key_quote(&keys[i], q, sizeof(q)));
	if (t->depth + 1 > p->max_depth)
		return fail(p, keys[i].off, "tables nested deeper than %u",
		    p->max_depth);
	v->line = keys[i].line;
	v->col = keys[i].col;
	return table_add(p, t, &keys[i], v);
}

/* Keys inside an inline table are sealed with it once it is closed. */
static void
seal(sr_toml_value *t)
{
	size_t i;

	t->origin = ORIG_INLINE;
	for (i = 0; i < t->u.tab.n; i++) {
		sr_toml_value *v = t->u.tab.ents[i].val;
		if (v->type == SR_TOML_TABLE && v->origin == ORIG_DOTTED)
			seal(v);
	}
}

static int
parse_keyval(struct parser *p, sr_toml_value *t, unsigned depth)
{
	size_t nkeys, base = p->nkeys;
	struct keypart *keys;
	sr_toml_value *v;
	int rc = -1;

	if (parse_key(p, &keys, &nkeys) != 0)
		goto done;
	if (peek(p, 0) != '=') {
		fail(p, p->pos, "expected '=' after a key");
		goto done;
	}
	p->pos++;
	skip_ws(p);
	if (parse_value(p, &v, depth + (unsigned)nkeys) != 0)
		goto done;
	rc = assign(p, t, keys, nkeys, v);
done:
	p->nkeys = base;
	return rc;
}

static int
parse_inline_table(struct parser *p, sr_toml_value *t)
{
	size_t open = p->pos++;

	skip_ws(p);
	if (peek(p, 0) == '}') {
		p->pos++;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (peek(p, 0) == '}')
			return fail(p, p->pos, "trailing comma in an inline "
			    "table");
		if (parse_keyval(p, t, t->depth) != 0)
			return -1;
		skip_ws(p);
		if (peek(p, 0) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p, 0) == '}')
			break;
		if (peek(p, 0) < 0)
			return fail(p, open, "unterminated inline table");
		return fail(p, p->pos, peek(p, 0) == '\n' ||
		    peek(p, 0) == '\r' ? "newline in an inline table" :
		    "expected ',' or '}' in an inline table");
	}
	p->pos++;
	seal(t);
	return 0;
}

/* ---- headers ----------------------------------------------------- */

/* Follow the prefix of a [header] or [[header]] from the root. */
static int
walk_header(struct parser *p, const struct keypart *keys, size_t nkeys,
    sr_toml_value **out)
{
	sr_toml_value *t = p->doc->root;
	char q[400];
	size_t i;

	for (i = 0; i + 1 < nkeys; i++) {
		const struct keypart *k = &keys[i];
		sr_toml_value *next = table_find(p->doc, t, k->s, k->len);
		if (next == NULL) {
			next = new_child(p, t, k, SR_TOML_TABLE,
			    ORIG_IMPLICIT);
			if (next == NULL)
				return -1;
		} else if (next->type == SR_TOML_ARRAY &&
		    next->origin == ORIG_AOT) {
			next = next->u.arr.items[next->u.arr.n - 1];
		} else if (next->type != SR_TOML_TABLE ||
		    next->origin == ORIG_INLINE) {
			return fail(p, k->off, "'%s' (line %u) is not a table "
			    "that can be extended",
			    key_quote(k, q, sizeof(q)), next->line);
		}
		t = next;
	}
	*out = t;
	return 0;
}

static int
define_table(struct parser *p, sr_toml_value *parent,
    const struct keypart *k)
{
	sr_toml_value *t = table_find(p->doc, parent, k->s, k->len);
	char q[400];

	if (t == NULL) {
		t = new_child(p, parent, k, SR_TOML_TABLE, ORIG_HEADER);
		if (t == NULL)
			return -1;
	} else if (t->type == SR_TOML_TABLE && t->origin == ORIG_IMPLICIT) {
		t->origin = ORIG_HEADER;
		t->line = k->line;
		t->col = k->col;
	} else {
		return fail(p, k->off, "'%s' is already defined at line %u",
		    key_quote(k, q, sizeof(q)), t->line);
	}
	p->cur = t;
	return 0;
}

static int
define_array_table(struct parser *p, sr_toml_value *parent,
    const struct keypart *k)
{
	sr_toml_value *a = table_find(p->doc, parent, k->s, k->len);
	sr_toml_value *t;
	char q[400];

	if (a == NULL) {
		a = new_child(p, parent, k, SR_TOML_ARRAY, ORIG_AOT);
		if (a == NULL)
			return -1;
	} else if (a->type != SR_TOML_ARRAY || a->origin != ORIG_AOT) {
		return fail(p, k->off, "'%s' is already defined at line %u "
		    "and is not an array of tables",
		    key_quote(k, q, sizeof(q)), a->line);
	}
	if (a->depth + 1 > p->max_depth)
		return fail(p, k->off, "tables nested deeper than %u",
		    p->max_depth);
	if ((t = new_value(p, SR_TOML_TABLE, ORIG_HEADER, p->pos)) == NULL)
		return nomem(p);
	t->line = k->line;
	t->col = k->col;
	t->depth = a->depth + 1;
	if (array_push(p, a, t) != 0)
		return -1;
	p->cur = t;
	return 0;
}

static int
parse_header(struct parser *p)
{
	int aot = peek(p, 1) == '[';
	sr_toml_value *parent = NULL;
	struct keypart *keys;
	size_t nkeys;

	p->nkeys = 0;
	p->pos += aot ? 2 : 1;
	skip_ws(p);
	if (parse_key(p, &keys, &nkeys) != 0)
		return -1;
	if (peek(p, 0) != ']' || (aot && peek(p, 1) != ']'))
		return fail(p, p->pos, aot ? "expected ']]' to close the "
		    "array of tables header" : "expected ']' to close the "
		    "table header");
	p->pos += aot ? 2 : 1;
	if (walk_header(p, keys, nkeys, &parent) != 0)
		return -1;
	if (aot)
		return define_array_table(p, parent, &keys[nkeys - 1]);
	return define_table(p, parent, &keys[nkeys - 1]);
}

/* ---- the document ------------------------------------------------ */

static int
parse_document(struct parser *p)
{
	if (p->len >= 3 && memcmp(p->buf, "\xef\xbb\xbf", 3) == 0)
		p->pos = 3;
	while (p->pos < p->len) {
		int c;
		skip_ws(p);
		skip_comment(p);
		if (eat_newline(p) || p->pos >= p->len)
			continue;
		c = peek(p, 0);
		if (c == '[') {
			if (parse_header(p) != 0)
				return -1;
		} else if (parse_keyval(p, p->cur, p->cur->depth) != 0) {
			return -1;
		}
		if (end_of_line(p) != 0)
			return -1;
	}
	return 0;
}

int
sr_toml_parse(sr_toml_doc **out, const char *buf, size_t len,
    unsigned max_depth, sr_toml_error *err)
{
	struct parser p;
	int rc = -1;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.len = len;
	p.max_depth = max_depth ? max_depth : SR_TOML_MAX_DEPTH_DEFAULT;
	p.err = err;
	p.at_line = p.at_col = 1;
	p.keys_cap = 2 * (size_t)p.max_depth;
	if (sodium_init() < 0 || (p.doc = calloc(1, sizeof(*p.doc))) == NULL ||
	    (p.keys = calloc(2 * (size_t)p.max_depth, sizeof(*p.keys))) ==
	    NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto done;
	}
	crypto_shorthash_keygen(p.doc->hashkey);
	if ((p.doc->root = new_value(&p, SR_TOML_TABLE, ORIG_ROOT, 0)) == NULL) {
		nomem(&p);
		goto done;
	}
	p.cur = p.doc->root;
	if (check_input(&p) != 0 || parse_document(&p) != 0)
		goto done;
	*out = p.doc;
	p.doc = NULL;
	rc = 0;
done:
	sr_toml_free(p.doc);
	free(p.scratch.p);
	free(p.keys);
	return rc;
}
