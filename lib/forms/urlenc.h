/*
 * urlenc.h - the URL encodings a secret value takes in config and code,
 * as pure byte functions (no allocation, no secret kept), for the one
 * generator of a value's forms (forms.h).
 *
 *   sr_urlenc_some   percent-encoding: letters, digits and the keep set
 *                    stay, the rest is %XX. RFC 3986 keeps its
 *                    unreserved "-._~"; Python's quote() also '/';
 *   sr_urlenc_all    every byte as %XX: what some encoders and hand-made
 *                    URLs do ("%67%68%70..."), in one hex case;
 *   sr_urlenc_form   application/x-www-form-urlencoded: a space is '+',
 *                    letters, digits and the keep set stay, the rest is
 *                    %XX. Encoders disagree on the keep set: RFC 3986's
 *                    unreserved "-._~" (Python quote_plus, Go
 *                    QueryEscape), the WHATWG URL standard's "*-._"
 *                    (browsers, URLSearchParams, Java URLEncoder), or
 *                    "-._" (PHP urlencode).
 *
 * out must hold 3 n bytes; each returns the length written.
 */
#ifndef SR_URLENC_H
#define SR_URLENC_H

#include <stddef.h>

#define SR_URLENC_KEEP_RFC3986 "-._~"
#define SR_URLENC_KEEP_PATH "-._~/"
#define SR_URLENC_KEEP_WHATWG "*-._"
#define SR_URLENC_KEEP_PHP "-._"

size_t sr_urlenc_some(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits, const char *keep);
size_t sr_urlenc_all(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits);
size_t sr_urlenc_form(unsigned char *out, const unsigned char *v, size_t n,
    const char *digits, const char *keep);

#endif
