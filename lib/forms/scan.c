/*
 * scan.c - one pass that finds every form (forms.h) of every secret value
 * (scan.h).
 *
 * Each pattern (one form of one value) is keyed on its last 8 bytes. The
 * table groups patterns by key: order[] holds pattern indices, a key's
 * slot names its run in order[]. A bit filter of 64 bits per pattern in
 * front of the table rejects almost every 8-byte window of the text with
 * one multiply and one bit test, so the table and the byte comparison of
 * the rest of a pattern are reached only where a form may end.
 */
#define _GNU_SOURCE	/* memrchr */
#include "scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "forms.h"
#include "secalloc.h"

#define KEY_LEN 8		/* = SR_SCAN_VALUE_MIN: every form has it */
#define HASH_FILTER 0x9e3779b97f4a7c15ULL
#define HASH_TABLE 0xc2b2ae3d27d4eb4fULL
#define FILTER_BITS_MIN 12
#define FILTER_BITS_MAX 24	/* 2 MB of filter at most */

_Static_assert(KEY_LEN == SR_SCAN_VALUE_MIN, "a raw value holds a key");

typedef struct scan_pat {
	uint64_t key;		/* the last KEY_LEN bytes, as loaded */
	size_t off, len;	/* the form's bytes in the arena */
	size_t secret;
	sr_form form;
} scan_pat;

typedef struct scan_slot {
	uint64_t key;
	uint32_t first, count;	/* a run of order[]; count 0: empty */
} scan_slot;

/* Every block but names is sr_secalloc_alloc'd: it holds value bytes. */
struct sr_scan {
	unsigned char *arena;	/* every form, back to back */
	size_t alen, acap;
	scan_pat *pats;
	size_t npats, patcap;	/* patcap in bytes */
	char **names;
	size_t nnames, namecap;
	char **skipped;		/* names of values too short to search */
	size_t nskipped, skipcap;
	uint32_t *order;
	scan_slot *slots;
	unsigned tbits, fbits;
	unsigned char *filter;
	int built;
};

typedef struct line_cursor {
	size_t pos, line;	/* byte pos is on line */
} line_cursor;

/* Grow a sodium block to need bytes at least; the old one is wiped. */
static int
sgrow(void *pp, size_t *cap, size_t need)
{
	void **p = pp, *grown;
	size_t ncap = *cap ? *cap : 4096;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if ((grown = sr_secalloc_alloc(ncap)) == NULL)
		return -1;
	if (*p != NULL) {
		memcpy(grown, *p, *cap);
		sr_secalloc_free(*p);
	}
	*p = grown;
	*cap = ncap;
	return 0;
}

/* ---- forms ------------------------------------------------------- */

/*
 * Keep the len bytes just written at the arena's end as a pattern,
 * unless an earlier form of the same secret (from first on) is the same
 * bytes: the first form named keeps the match.
 */
static int
keep(sr_scan *s, size_t secret, sr_form form, size_t len, size_t first)
{
	const unsigned char *p = s->arena + s->alen;
	scan_pat *t;
	size_t i;

	for (i = first; i < s->npats; i++)
		if (s->pats[i].len == len &&
		    memcmp(s->arena + s->pats[i].off, p, len) == 0)
			return 0;
	if (s->npats >= UINT32_MAX ||
	    sgrow(&s->pats, &s->patcap, (s->npats + 1) * sizeof(*t)) != 0)
		return -1;
	t = &s->pats[s->npats++];
	memcpy(&t->key, p + len - KEY_LEN, KEY_LEN);
	t->off = s->alen;
	t->len = len;
	t->secret = secret;
	t->form = form;
	s->alen += len;
	return 0;
}

static int
add_name(char ***v, size_t *n, size_t *cap, const char *name)
{
	char **grown;
	size_t c;

	if (*n == *cap) {
		c = *cap ? 2 * *cap : 16;
		if ((grown = realloc(*v, c * sizeof(*grown))) == NULL)
			return -1;
		*v = grown;
		*cap = c;
	}
	if (((*v)[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Every form of v (forms.h), each written straight at the arena's end,
 * where keep keeps it or the next one overwrites it. */
static int
add_forms(sr_scan *s, size_t secret, const unsigned char *v, size_t n)
{
	size_t first = s->npats, len;
	sr_forms it;
	sr_form kind;
	int rc = 0;

	sr_forms_start(&it, v, n);
	while (rc == 0 && sr_forms_next(&it, s->arena + s->alen, &len, &kind))
		rc = keep(s, secret, kind, len, first);
	return rc;
}

/* ---- the table --------------------------------------------------- */

int
sr_scan_new(sr_scan **out, sr_err *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	return 0;
}

int
sr_scan_add(sr_scan *s, const char *name, const unsigned char *value,
    size_t len, sr_err *err)
{
	size_t need = SR_FORMS_ALL_MAX(len);

	if (len < SR_SCAN_VALUE_MIN)
		return add_name(&s->skipped, &s->nskipped, &s->skipcap,
		    name) == 0 ? 1 : sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "out of memory");
	if (s->built)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "a value was "
		    "added after the scan table was built");
	if (len > (SIZE_MAX - 64) / 64 - s->alen ||
	    sgrow(&s->arena, &s->acap, s->alen + need) != 0 ||
	    add_name(&s->names, &s->nnames, &s->namecap, name) != 0 ||
	    add_forms(s, s->nnames - 1, value, len) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory "
		    "for the values' forms");
	return 0;
}

/* The slot holding key, or the empty one where it goes. */
static scan_slot *
slot_for(const sr_scan *s, uint64_t key)
{
	size_t mask = ((size_t)1 << s->tbits) - 1;
	size_t i = (size_t)((key * HASH_TABLE) >> (64 - s->tbits));

	while (s->slots[i].count != 0 && s->slots[i].key != key)
		i = (i + 1) & mask;
	return &s->slots[i];
}

static void
filter_set(sr_scan *s, uint64_t key)
{
	uint64_t h = (key * HASH_FILTER) >> (64 - s->fbits);

	s->filter[h >> 3] |= (unsigned char)(1u << (h & 7));
}

static unsigned
bits_for(size_t n)
{
	unsigned b = 0;

	while (((size_t)1 << b) < n)
		b++;
	return b;
}

int
sr_scan_build(sr_scan *s, sr_err *err)
{
	size_t i, nslots;
	uint32_t run = 0;
	scan_slot *sl;

	if (s->built || s->npats == 0) {
		s->built = 1;
		return 0;
	}
	s->tbits = bits_for(2 * s->npats);
	s->fbits = bits_for(64 * s->npats);
	if (s->fbits < FILTER_BITS_MIN)
		s->fbits = FILTER_BITS_MIN;
	if (s->fbits > FILTER_BITS_MAX)
		s->fbits = FILTER_BITS_MAX;
	nslots = (size_t)1 << s->tbits;
	if ((s->slots = sr_secalloc_allocarray(nslots, sizeof(*sl))) == NULL ||
	    (s->filter = sr_secalloc_alloc((size_t)1 << (s->fbits - 3))) == NULL ||
	    (s->order = sr_secalloc_allocarray(s->npats, sizeof(*s->order))) ==
	    NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory "
		    "for the scan table");
	memset(s->slots, 0, nslots * sizeof(*sl));
	memset(s->filter, 0, (size_t)1 << (s->fbits - 3));
	for (i = 0; i < s->npats; i++) {	/* count per key */
		sl = slot_for(s, s->pats[i].key);
		sl->key = s->pats[i].key;
		sl->count++;
		filter_set(s, sl->key);
	}
	/* Each run's end, then filled from the back (counts stay, so the
	 * probing still works): a run holds its patterns in index order. */
	for (i = 0; i < nslots; i++) {
		run += s->slots[i].count;
		s->slots[i].first = run;
	}
	for (i = s->npats; i-- > 0;) {
		sl = slot_for(s, s->pats[i].key);
		s->order[--sl->first] = (uint32_t)i;
	}
	s->built = 1;
	return 0;
}

/* ---- scanning ---------------------------------------------------- */

static size_t
newlines(const unsigned char *p, const unsigned char *end)
{
	size_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Line and column of off; hits come in order of their end, so a start
 * can lie before the last one asked for. */
static void
position(line_cursor *c, const unsigned char *buf, size_t off,
    sr_scan_hit *h)
{
	const unsigned char *nl;

	if (off >= c->pos)
		c->line += newlines(buf + c->pos, buf + off);
	else
		c->line -= newlines(buf + off, buf + c->pos);
	c->pos = off;
	nl = off > 0 ? memrchr(buf, '\n', off) : NULL;
	h->line = c->line;
	h->column = nl ? off - (size_t)(nl - buf) : off + 1;
}

/* Every pattern whose key is the window ending at end. */
static int
verify(const sr_scan *s, const unsigned char *buf, size_t end, uint64_t key,
    line_cursor *c, sr_scan_cb fn, void *arg)
{
	const scan_slot *sl = slot_for(s, key);
	const scan_pat *p;
	sr_scan_hit hit;
	uint32_t j;
	int rc;

	for (j = 0; j < sl->count; j++) {
		p = &s->pats[s->order[sl->first + j]];
		if (p->len > end || memcmp(buf + end - p->len,
		    s->arena + p->off, p->len - KEY_LEN) != 0)
			continue;
		hit.secret = p->secret;
		hit.form = p->form;
		hit.offset = end - p->len;
		position(c, buf, hit.offset, &hit);
		if ((rc = fn(arg, &hit)) != 0)
			return rc;
	}
	return 0;
}

int
sr_scan_buf(const sr_scan *s, const void *text, size_t len, sr_scan_cb fn,
    void *arg)
{
	const unsigned char *buf = text, *p, *last, *filter = s->filter;
	line_cursor c = { 0, 1 };
	unsigned shift;
	uint64_t w, h;
	int rc;

	if (!s->built || s->npats == 0 || len < KEY_LEN)
		return 0;
	/* the hot loop: one load, one multiply, one bit test a byte */
	shift = 64 - s->fbits;
	last = buf + len - KEY_LEN;
	for (p = buf; p <= last; p++) {
		memcpy(&w, p, KEY_LEN);
		h = (w * HASH_FILTER) >> shift;
		if (!((filter[h >> 3] >> (h & 7)) & 1))
			continue;
		rc = verify(s, buf, (size_t)(p - buf) + KEY_LEN, w, &c, fn,
		    arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

size_t
sr_scan_count(const sr_scan *s)
{
	return s->nnames;
}

size_t
sr_scan_patterns(const sr_scan *s)
{
	return s->npats;
}

const char *
sr_scan_name(const sr_scan *s, size_t secret)
{
	return secret < s->nnames ? s->names[secret] : "?";
}

size_t
sr_scan_nskipped(const sr_scan *s)
{
	return s->nskipped;
}

const char *
sr_scan_skipped(const sr_scan *s, size_t i)
{
	return i < s->nskipped ? s->skipped[i] : "?";
}

void
sr_scan_forget(sr_scan *s)
{
	if (s == NULL)
		return;
	/* sr_secalloc_free wipes before it lets go */
	sr_secalloc_free(s->arena);
	sr_secalloc_free(s->pats);
	sr_secalloc_free(s->order);
	sr_secalloc_free(s->slots);
	sr_secalloc_free(s->filter);
	s->arena = NULL;
	s->pats = NULL;
	s->order = NULL;
	s->slots = NULL;
	s->filter = NULL;
	s->alen = s->acap = s->npats = s->patcap = 0;
	s->built = 0;
}

void
sr_scan_free(sr_scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	sr_scan_forget(s);
	for (i = 0; i < s->nnames; i++)
		free(s->names[i]);
	for (i = 0; i < s->nskipped; i++)
		free(s->skipped[i]);
	free(s->names);
	free(s->skipped);
	free(s);
}
