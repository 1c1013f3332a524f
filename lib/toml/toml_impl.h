/*
 * toml_impl.h - internals shared by the TOML parser's files.
 *
 * toml.c holds the grammar and the tree, toml_scalar.c the scalar lexers
 * (numbers, dates, strings), toml_api.c the read-only lookup API. Nothing
 * here is for callers outside lib/toml*.c.
 */
#ifndef SR_TOML_IMPL_H
#define SR_TOML_IMPL_H

#include "buf.h"
#include "toml.h"

#include <sodium.h>

/* How a table or array came to be: decides what may extend it later. */
enum toml_origin {
	ORIG_VALUE,	/* scalar */
	ORIG_ROOT,
	ORIG_HEADER,	/* [a.b] or an element of [[a.b]] */
	ORIG_IMPLICIT,	/* a created as a prefix of [a.b]; may be defined once */
	ORIG_DOTTED,	/* a created by a dotted key a.b = 1 */
	ORIG_INLINE,	/* { } or [ ]: sealed */
	ORIG_AOT	/* the array of [[a]] */
};

struct toml_entry {
	const char *key;
	size_t keylen;
	sr_toml_value *val;
};

struct sr_toml_value {
	sr_toml_type type;
	enum toml_origin origin;
	unsigned line, col;
	unsigned depth;
	union {
		struct {
			struct toml_entry *ents;
			size_t n, cap;
			size_t *index;		/* entry number + 1; 0 empty */
			size_t index_cap;	/* power of two, or 0 */
		} tab;
		struct {
			sr_toml_value **items;
			size_t n, cap;
		} arr;
		struct {
			const char *s;
			size_t len;
		} str;
		int64_t i;
		double f;
		int b;
		sr_toml_datetime dt;
	} u;
};

struct toml_chunk;

struct sr_toml_doc {
	struct toml_chunk *chunks;
	sr_toml_value *root;
	unsigned char hashkey[crypto_shorthash_KEYBYTES];
};

void *toml_alloc(sr_toml_doc *doc, size_t size);

/*
 * Scalar lexers. Each gets the text of one token (s, n) and returns 0, or
 * -1 with a message in msg (at most SR_TOML_ERRMSG_MAX bytes) and the
 * offset within the token where the fault is in *at.
 */
int toml_lex_number(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at);
int toml_lex_datetime(sr_toml_value *v, const char *s, size_t n, char *msg,
    size_t *at);
/* Decode the escape at s (just after the backslash) into b; *used gets the
 * bytes consumed. */
int toml_lex_escape(sr_buf *b, const char *s, size_t n,
    size_t *used, char *msg);

#endif
