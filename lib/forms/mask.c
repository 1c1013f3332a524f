/*
 * mask.c - the streaming matcher of mask.h.
 *
 * sr_mask_add writes each value's forms into a staging area; build turns
 * them into an Aho-Corasick trie (children as sibling lists, the root as
 * a 256-entry table, since most steps start there) with failure links,
 * and each node keeps the longest form that ends at it, so a step reports
 * at most one match: the shorter ones ending at the same byte lie inside
 * it. The staging area is wiped once the trie holds the forms.
 *
 * While no match is under way (the automaton at its root), the scan does
 * not step byte by byte: it looks at the last two bytes of a window as
 * long as the shortest form, and a table says how far no form can start
 * (Wu-Manber). On text and binary output alike most windows shift by
 * nearly their whole width.
 *
 * A stream tracks positions as offsets from its start. Everything before
 * pos - hold (hold: the longest suffix of what was fed that a form could
 * still go on from) is final and is written out; the rest, shorter than
 * the longest form, is copied into the stream's own buffer when the
 * caller's buffer goes away.
 */
#include "mask.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "forms.h"
#include "secalloc.h"

#define MARKER_PREFIX "[REDACTED:"
#define WINDOW_MAX 255			/* shifts fit a byte */

struct mnode {
	uint32_t child, next;		/* first child, next sibling; 0: none */
	uint32_t fail;
	uint32_t depth;
	uint32_t mlen, mname;		/* longest form ending here, 0: none */
	uint32_t hold;			/* longest suffix a form goes on from */
	unsigned char byte;
};

struct form {
	size_t off, len;		/* in the staging area */
	uint32_t name;
};

struct marker {
	char *text;			/* "[REDACTED:NAME]" */
	size_t len;
};

struct sr_mask {
	unsigned char *stage;		/* sodium: the forms, until build */
	size_t stage_len, stage_cap;
	struct form *forms;
	size_t nforms, forms_cap;
	struct marker *names;
	size_t nnames;
	struct mnode *nodes;		/* sodium */
	size_t nnodes;
	uint32_t *root;			/* sodium, 256: the root's children */
	unsigned char *shift;		/* sodium, 65536: by the last 2 bytes */
	size_t window, maxlen;
	int built;
};

struct cover {
	uint64_t start, end;
	uint32_t name;
};

struct sr_mask_stream {
	const sr_mask *m;
	uint32_t state;
	uint64_t pos;			/* bytes fed */
	uint64_t done;			/* output decided up to here */
	unsigned char *pend;		/* sodium: bytes [pend_base, base) */
	uint64_t pend_base;
	size_t pend_len;
	struct cover *cov;		/* pending matches, by position */
	size_t head, ncov, cov_cap;
	const unsigned char *buf;	/* the bytes being fed */
	uint64_t base;			/* their offset */
	sr_mask_write_fn fn;
	void *arg;
	int failed;
};

static int
oom(sr_err *err)
{
	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
}

/* ---- staging ------------------------------------------------------ */

static int
stage_grow(sr_mask *m, size_t need)
{
	unsigned char *p;
	size_t cap = m->stage_cap ? m->stage_cap : 1024;

	while (cap - m->stage_len < need)
		cap *= 2;
	if ((p = sr_secalloc_alloc(cap)) == NULL)
		return -1;
	if (m->stage_len)
		memcpy(p, m->stage, m->stage_len);
	sr_secalloc_free(m->stage);
	m->stage = p;
	m->stage_cap = cap;
	return 0;
}

/* Stage form f[0..len) unless this value (forms from first on) has it. */
static int
stage_form(sr_mask *m, size_t first, const unsigned char *f, size_t len)
{
	struct form *grown;
	size_t i;

	for (i = first; i < m->nforms; i++)
		if (m->forms[i].len == len &&
		    memcmp(m->stage + m->forms[i].off, f, len) == 0)
			return 0;
	if (m->stage_cap - m->stage_len < len && stage_grow(m, len) != 0)
		return -1;
	if (m->nforms == m->forms_cap) {
		size_t cap = m->forms_cap ? 2 * m->forms_cap : 16;
		if ((grown = realloc(m->forms, cap * sizeof(*grown))) == NULL)
			return -1;
		m->forms = grown;
		m->forms_cap = cap;
	}
	memcpy(m->stage + m->stage_len, f, len);
	m->forms[m->nforms++] = (struct form){ m->stage_len, len,
	    (uint32_t)m->nnames };
	m->stage_len += len;
	return 0;
}

/* Every form of v (forms.h) into the staging area; tmp holds
 * SR_FORMS_ONE_MAX(n) bytes. */
static int
stage_forms(sr_mask *m, const unsigned char *v, size_t n, unsigned char *tmp)
{
	size_t first = m->nforms, len;
	sr_forms it;
	sr_form kind;
	int rc = 0;

	sr_forms_start(&it, v, n);
	while (rc == 0 && sr_forms_next(&it, tmp, &len, &kind))
		rc = stage_form(m, first, tmp, len);
	return rc;
}

static int
add_name(sr_mask *m, const char *name, size_t namelen)
{
	struct marker *grown;
	size_t len = sizeof(MARKER_PREFIX) - 1 + namelen + 1;
	char *text;

	if ((grown = realloc(m->names, (m->nnames + 1) *
	    sizeof(*grown))) == NULL)
		return -1;
	m->names = grown;
	if ((text = malloc(len + 1)) == NULL)
		return -1;
	memcpy(text, MARKER_PREFIX, sizeof(MARKER_PREFIX) - 1);
	memcpy(text + sizeof(MARKER_PREFIX) - 1, name, namelen);
	text[len - 1] = ']';
	text[len] = '\0';
	m->names[m->nnames++] = (struct marker){ text, len };
	return 0;
}

int
sr_mask_new(sr_mask **out, sr_err *err)
{
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "libsodium");
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return oom(err);
	return 0;
}

int
sr_mask_add(sr_mask *m, const char *name, size_t namelen,
    const unsigned char *value, size_t len, sr_err *err)
{
	unsigned char *tmp;
	int rc;

	if (m->built)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "mask: add "
		    "after build");
	if (len < SR_MASK_MIN_LEN)
		return 1;
	if (len > SIZE_MAX / 8 ||
	    (tmp = sr_secalloc_alloc(SR_FORMS_ONE_MAX(len))) == NULL)
		return oom(err);
	rc = stage_forms(m, value, len, tmp);
	sr_secalloc_free(tmp);
	if (rc != 0 || add_name(m, name, namelen) != 0)
		return oom(err);
	return 0;
}

size_t
sr_mask_count(const sr_mask *m)
{
	return m->nnames;
}

/* ---- the automaton ------------------------------------------------ */

static uint32_t
child_of(const sr_mask *m, uint32_t node, unsigned char b)
{
	uint32_t c;

	if (node == 0)
		return m->root[b];
	for (c = m->nodes[node].child; c != 0; c = m->nodes[c].next)
		if (m->nodes[c].byte == b)
			return c;
	return 0;
}

/* The state after byte b: the longest suffix that begins a form. */
static inline uint32_t
step(const sr_mask *m, uint32_t st, unsigned char b)
{
	const struct mnode *nd = m->nodes;
	uint32_t c;

	for (;;) {
		if (st == 0)
			return m->root[b];
		for (c = nd[st].child; c != 0; c = nd[c].next)
			if (nd[c].byte == b)
				return c;
		st = nd[st].fail;
	}
}

static void
insert(sr_mask *m, const struct form *f)
{
	const unsigned char *p = m->stage + f->off;
	uint32_t node = 0, c;
	size_t i;

	for (i = 0; i < f->len; i++, node = c) {
		if ((c = child_of(m, node, p[i])) != 0)
			continue;
		c = (uint32_t)m->nnodes++;
		memset(&m->nodes[c], 0, sizeof(m->nodes[c]));
		m->nodes[c].byte = p[i];
		m->nodes[c].depth = (uint32_t)i + 1;
		if (node == 0) {
			m->root[p[i]] = c;
		} else {
			m->nodes[c].next = m->nodes[node].child;
			m->nodes[node].child = c;
		}
	}
	if (m->nodes[node].mlen == 0) {	/* a repeated value: first name */
		m->nodes[node].mlen = (uint32_t)f->len;
		m->nodes[node].mname = f->name;
	}
}

/* Failure links breadth first, so a node's fail is done before it. */
static int
link_failures(sr_mask *m)
{
	uint32_t *queue = malloc(m->nnodes * sizeof(*queue));
	size_t qh = 0, qt = 0, b;

	if (queue == NULL)
		return -1;
	for (b = 0; b < 256; b++) {
		uint32_t c = m->root[b];
		if (c == 0)
			continue;
		m->nodes[c].hold = m->nodes[c].child != 0 ? 1 : 0;
		queue[qt++] = c;
	}
	while (qh < qt) {
		uint32_t u = queue[qh++], v;
		for (v = m->nodes[u].child; v != 0; v = m->nodes[v].next) {
			struct mnode *n = &m->nodes[v];
			n->fail = step(m, m->nodes[u].fail, n->byte);
			if (n->mlen == 0) {
				n->mlen = m->nodes[n->fail].mlen;
				n->mname = m->nodes[n->fail].mname;
			}
			n->hold = n->child != 0 ? n->depth :
			    m->nodes[n->fail].hold;
			queue[qt++] = v;
		}
	}
	free(queue);
	return 0;
}

/*
 * shift[b1 << 8 | b2]: how far the window [i, i + window) can move when
 * its last two bytes are b1 b2 and no form starts before i: window - 1 - q
 * when b1 b2 ends at q in the first window bytes of some form (the
 * smallest such distance), window - 1 when it ends nowhere. A full table:
 * a smaller, hashed one shares slots and shifts less on text.
 */
static void
build_shift(sr_mask *m)
{
	size_t i, q, w = m->window;

	memset(m->shift, (int)(w - 1), 65536);
	for (i = 0; i < m->nforms; i++) {
		const unsigned char *p = m->stage + m->forms[i].off;
		for (q = 1; q < w; q++) {
			unsigned char *s = &m->shift[p[q - 1] << 8 | p[q]];
			if (*s > w - 1 - q)
				*s = (unsigned char)(w - 1 - q);
		}
	}
}

int
sr_mask_build(sr_mask *m, sr_err *err)
{
	size_t i, total = 0;

	m->window = WINDOW_MAX;
	for (i = 0; i < m->nforms; i++) {
		total += m->forms[i].len;
		if (m->forms[i].len < m->window)
			m->window = m->forms[i].len;
		if (m->forms[i].len > m->maxlen)
			m->maxlen = m->forms[i].len;
	}
	if (total >= UINT32_MAX ||
	    (m->nodes = sr_secalloc_allocarray(total + 1,
	    sizeof(*m->nodes))) == NULL ||
	    (m->root = sr_secalloc_allocarray(256, sizeof(*m->root))) == NULL ||
	    (m->shift = sr_secalloc_alloc(65536)) == NULL)
		return oom(err);
	memset(m->nodes, 0, sizeof(*m->nodes));
	memset(m->root, 0, 256 * sizeof(*m->root));
	m->nnodes = 1;
	for (i = 0; i < m->nforms; i++)
		insert(m, &m->forms[i]);
	if (link_failures(m) != 0)
		return oom(err);
	build_shift(m);
	sr_secalloc_free(m->stage);
	m->stage = NULL;
	m->stage_len = m->stage_cap = 0;
	m->built = 1;
	return 0;
}

void
sr_mask_free(sr_mask *m)
{
	size_t i;

	if (m == NULL)
		return;
	sr_secalloc_free(m->stage);
	sr_secalloc_free(m->nodes);
	sr_secalloc_free(m->root);
	sr_secalloc_free(m->shift);
	for (i = 0; i < m->nnames; i++)
		free(m->names[i].text);
	free(m->names);
	free(m->forms);
	free(m);
}

/* ---- streams ------------------------------------------------------ */

int
sr_mask_stream_new(sr_mask_stream **out, const sr_mask *m, sr_err *err)
{
	sr_mask_stream *s;

	if (!m->built)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "mask: stream "
		    "before build");
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->pend = sr_secalloc_alloc(m->maxlen + 1)) == NULL) {
		free(s);
		return oom(err);
	}
	s->m = m;
	*out = s;
	return 0;
}

void
sr_mask_stream_free(sr_mask_stream *s)
{
	if (s == NULL)
		return;
	sr_secalloc_free(s->pend);
	free(s->cov);
	free(s);
}

static void
out(sr_mask_stream *s, const void *p, size_t n)
{
	if (n > 0 && !s->failed && s->fn(s->arg, p, n) != 0)
		s->failed = 1;
}

/* Bytes [a, b) as they were fed: held back ones first, then the new. */
static void
emit_bytes(sr_mask_stream *s, uint64_t a, uint64_t b)
{
	if (a < s->base) {
		uint64_t e = b < s->base ? b : s->base;
		out(s, s->pend + (a - s->pend_base), (size_t)(e - a));
		a = e;
	}
	if (a < b)
		out(s, s->buf + (a - s->base), (size_t)(b - a));
}

/* Write out everything before f: no match can start there any more. */
static void
finalize(sr_mask_stream *s, uint64_t f)
{
	while (s->done < f) {
		const struct cover *c = s->head < s->ncov ? &s->cov[s->head] :
		    NULL;
		if (c == NULL || c->start >= f) {
			emit_bytes(s, s->done, f);
			s->done = f;
			break;
		}
		emit_bytes(s, s->done, c->start);
		out(s, s->m->names[c->name].text, s->m->names[c->name].len);
		s->done = c->end;
		if (++s->head == s->ncov)
			s->head = s->ncov = 0;
	}
}

/*
 * A form ends at end. Matches come in order of their end, so it swallows
 * the pending ones that start inside it, and starts where one that began
 * earlier stops. Then all before end - hold is final: nothing that could
 * still match starts there.
 */
static void
on_match(sr_mask_stream *s, uint64_t end, uint32_t hold, uint32_t len,
    uint32_t name)
{
	uint64_t start = end - len;
	struct cover *grown;

	if (start < s->done)
		start = s->done;
	while (s->ncov > s->head && s->cov[s->ncov - 1].start >= start)
		s->ncov--;
	if (s->ncov > s->head && s->cov[s->ncov - 1].end > start)
		start = s->cov[s->ncov - 1].end;
	if (start < end && s->ncov == s->cov_cap) {
		size_t cap = s->cov_cap ? 2 * s->cov_cap : 8;
		if ((grown = realloc(s->cov, cap * sizeof(*grown))) == NULL) {
			s->failed = 1;	/* never write what it cannot hide */
			return;
		}
		s->cov = grown;
		s->cov_cap = cap;
	}
	if (start < end)
		s->cov[s->ncov++] = (struct cover){ start, end, name };
	finalize(s, end - hold);
}

/* Keep [done, pos): the caller's buffer is about to go away. */
static void
hold_back(sr_mask_stream *s)
{
	size_t keep = (size_t)(s->pos - s->done), old = 0;

	if (s->done < s->base) {
		old = (size_t)(s->base - s->done);
		memmove(s->pend, s->pend + (s->done - s->pend_base), old);
	}
	memcpy(s->pend + old, s->buf + (s->done + old - s->base), keep - old);
	s->pend_base = s->done;
	s->pend_len = keep;
}

/* The shift for the window that ends at t[end]. */
static inline unsigned
window_shift(const unsigned char *shift, const unsigned char *t, size_t end)
{
	return shift[(unsigned)t[end - 1] << 8 | t[end]];
}

/*
 * Where the scan goes from i at the root: four windows at a time while
 * none of them can hold the start of a form (four independent loads, so
 * the CPU overlaps them: a chain of one load after another is half as
 * fast), then one window. Stops where a form may start, or where fewer
 * than window bytes are left.
 */
static size_t
skip(const sr_mask *m, const unsigned char *t, size_t i, size_t n)
{
	const unsigned char *shift = m->shift;
	size_t w = m->window, d = w - 1;
	unsigned k;

	for (;;) {
		while (n - i >= 3 * d + w &&
		    ((window_shift(shift, t, i + d) ^ d) |
		    (window_shift(shift, t, i + 2 * d) ^ d) |
		    (window_shift(shift, t, i + 3 * d) ^ d) |
		    (window_shift(shift, t, i + 4 * d) ^ d)) == 0)
			i += 4 * d;
		if (n - i < w || (k = window_shift(shift, t, i + d)) == 0)
			return i;
		i += k;
	}
}

/* The scan: skip while at the root, step the automaton otherwise. */
static uint32_t
scan(sr_mask_stream *s, const unsigned char *t, size_t n)
{
	const sr_mask *m = s->m;
	const struct mnode *nd = m->nodes;
	size_t i = 0;
	uint32_t st = s->state;

	while (i < n) {
		if (st == 0 && (i = skip(m, t, i, n)) >= n)
			break;
		st = step(m, st, t[i++]);
		if (nd[st].mlen != 0)
			on_match(s, s->base + i, nd[st].hold, nd[st].mlen,
			    nd[st].mname);
	}
	return st;
}

int
sr_mask_feed(sr_mask_stream *s, const void *p, size_t n, sr_mask_write_fn fn,
    void *arg)
{
	s->buf = p;
	s->base = s->pos;
	s->fn = fn;
	s->arg = arg;
	if (s->m->nforms == 0) {
		out(s, p, n);
		s->pos = s->done = s->pend_base = s->base + n;
		return s->failed ? -1 : 0;
	}
	s->state = scan(s, p, n);
	s->pos = s->base + n;
	finalize(s, s->pos - s->m->nodes[s->state].hold);
	hold_back(s);
	return s->failed ? -1 : 0;
}

int
sr_mask_flush(sr_mask_stream *s, sr_mask_write_fn fn, void *arg)
{
	int failed;

	s->buf = NULL;
	s->base = s->pos;
	s->fn = fn;
	s->arg = arg;
	finalize(s, s->pos);
	sodium_memzero(s->pend, s->pend_len);
	s->pend_base = s->done = s->pos;
	s->pend_len = 0;
	s->head = s->ncov = 0;
	s->state = 0;
	failed = s->failed;
	s->failed = 0;
	return failed ? -1 : 0;
}
