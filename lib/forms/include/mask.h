/*
 * mask.h - replace granted secret values in a byte stream, as it streams.
 *
 * With [exec] mask_output the child's stdout and stderr pass through
 * scoperun, which writes every occurrence of a granted value as
 * [REDACTED:NAME]. Agents print values whole, a byte at a time, inside
 * JSON, base64'd, hex'd or in a URL, so each value is looked for in every
 * form of forms.h, the ones the leak check looks for: raw; a multi-line
 * value also with every `\n` as `\r\n` (a terminal's ONLCR on the
 * supervised pty path, and CRLF output); hex; base64, standard and
 * URL-safe alphabets, at each of the three alignments a value can have
 * inside a longer encoded run (a stream is one long run: an agent that
 * base64s a JSON blob puts the value at any alignment); JSON string
 * escaping; percent- and form-encoding.
 *
 * Invariants:
 * - One Aho-Corasick automaton over every form of every value: each input
 *   byte costs O(1) amortised, whatever the number of values, and a
 *   Wu-Manber skip over the window of the shortest form lets the scan
 *   jump over bytes that cannot start a match (most of them).
 * - Streaming: a stream holds back only the bytes that could still be the
 *   start of a match (the automaton's depth), never whole lines; a value
 *   split across any number of reads is still found.
 * - Every byte covered by some match is hidden. Overlapping matches are
 *   written as consecutive markers; a match inside a longer one (a value
 *   that is a prefix of another) gives way to the longer one.
 * - Values shorter than SR_MASK_MIN_LEN bytes are not masked: too many
 *   false hits (sr_mask_add says so; the caller warns).
 * - The automaton, the skip table and every held-back byte live in
 *   sodium memory (secalloc.h), wiped when freed: they spell the values.
 * - Bytes that are not part of a match pass through unchanged, binary
 *   included.
 *
 * Known limits: base64 wrapped into lines inside the value (MIME, PEM
 * bodies re-encoded at 76 columns) and encodings not in forms.h (\u
 * escapes of non-ASCII) are not recognised.
 */
#ifndef SR_MASK_H
#define SR_MASK_H

#include <stddef.h>

#include "err.h"

#define SR_MASK_MIN_LEN 6

typedef struct sr_mask sr_mask;
typedef struct sr_mask_stream sr_mask_stream;

/* Where a stream's output goes: 0, or -1 to stop the stream. */
typedef int (*sr_mask_write_fn)(void *arg, const void *p, size_t n);

int sr_mask_new(sr_mask **out, sr_err *err);
/* Wipe and free; NULL is fine. Streams must be freed first. */
void sr_mask_free(sr_mask *m);

/*
 * Look for value[0..len) and its encoded forms, to be written
 * [REDACTED:name]. Returns 0 when added, 1 when the value is too short to
 * be masked (nothing added), -1 on error. Not after sr_mask_build.
 */
int sr_mask_add(sr_mask *m, const char *name, size_t namelen,
    const unsigned char *value, size_t len, sr_err *err);

/* Build the automaton; the mask is read-only from then on. */
int sr_mask_build(sr_mask *m, sr_err *err);

/* The number of values added: 0 means there is nothing to mask. */
size_t sr_mask_count(const sr_mask *m);

/* A stream over a built mask (one per output: stdout, stderr). */
int sr_mask_stream_new(sr_mask_stream **out, const sr_mask *m,
    sr_err *err);
void sr_mask_stream_free(sr_mask_stream *s);

/*
 * Feed the next n bytes of the stream; whatever is decided is written
 * through fn at once, the rest held back. -1 when fn failed (the stream
 * then drops what it still holds).
 */
int sr_mask_feed(sr_mask_stream *s, const void *p, size_t n,
    sr_mask_write_fn fn, void *arg);

/* End of stream: write what was held back, and start over. */
int sr_mask_flush(sr_mask_stream *s, sr_mask_write_fn fn, void *arg);

#endif
