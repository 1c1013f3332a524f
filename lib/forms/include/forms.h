/*
 * forms.h - the encoded forms of a secret value, made in one place.
 *
 * A value leaks in the shapes programs give it, not only as its raw
 * bytes. Masking (mask.h, a stream) and the leak check (scan.h, files in
 * git) look for the same forms, made here, so a form added for one is
 * there for the other:
 *
 *   raw        the bytes themselves
 *   crlf       a multi-line value with every \n as \r\n: a terminal's
 *              ONLCR on the supervised pty path, a CRLF checkout
 *   hex        lower and upper case
 *   base64     standard alphabet, at each of the three alignments a value
 *   base64url  can have inside a longer encoded run (a JSON blob, a
 *              credentials file, an Authorization header): only the
 *              characters that depend on the value alone, the edge ones
 *              shared with the neighbours left out (at most 10 bits)
 *   json       string escaping as encoders write it, also with \/
 *   percent    RFC 3986 unreserved bytes kept (also with '/' kept, as
 *              Python's quote() does), or every byte %XX; either case
 *   form       application/x-www-form-urlencoded: a space as '+', with
 *              the keep sets of urlenc.h (Python, WHATWG, PHP); either case
 *
 * Both users take every form: no measurement gave a reason to leave one
 * out of either (tests/bench/mask.sh and scan.sh, README). Forms come in
 * the order above, variants in the order listed; the same bytes may come
 * more than once (the percent form of "abc" is "abc"): callers keep the
 * first, which names the match. Not recognised: base64 wrapped into lines
 * inside the value, \u escapes of non-ASCII bytes.
 */
#ifndef SR_FORMS_H
#define SR_FORMS_H

#include <stddef.h>

/* The kinds of form, as reports name them (sr_form_name). */
typedef enum sr_form {
	SR_FORM_RAW = 0,
	SR_FORM_HEX,
	SR_FORM_BASE64,
	SR_FORM_BASE64URL,
	SR_FORM_PERCENT,
	SR_FORM_URLFORM,	/* application/x-www-form-urlencoded: "form" */
	SR_FORM_JSON,
	SR_FORM_CRLF,
	SR_FORM_KINDS
} sr_form;

/* The longest single form of an n-byte value (JSON's \u00XX: 6 n), and
 * the bytes every form together takes: for buffers sized up front. */
#define SR_FORMS_ONE_MAX(n) (6 * (n) + 8)
#define SR_FORMS_ALL_MAX(n) (64 * (n) + 64)

/* Where an iteration over a value's forms stands. The value is read, not
 * copied: it must stay put until the last sr_forms_next. */
typedef struct sr_forms {
	const unsigned char *v;
	size_t n;
	unsigned step;
} sr_forms;

void sr_forms_start(sr_forms *it, const unsigned char *v, size_t n);
/*
 * The next form into out (SR_FORMS_ONE_MAX(n) bytes): 1 with its length
 * and kind, 0 when every form has been made. out is the caller's, so a
 * form can be written straight where it is kept, and may be secret
 * memory (secalloc.h): the forms spell the value.
 */
int sr_forms_next(sr_forms *it, unsigned char *out, size_t *len,
    sr_form *kind);

/* "raw", "hex", "base64", "base64url", "percent", "form", "json",
 * "crlf"; "?" for anything else. */
const char *sr_form_name(sr_form f);

#endif
