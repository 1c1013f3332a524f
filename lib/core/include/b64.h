/*
 * b64.h - the one base64 scoperun writes: URL-safe alphabet, no padding.
 *
 * Decoding is strict: only [A-Za-z0-9_-], and only the canonical spelling
 * (libsodium alone would read bytes above 0x7f as '_' and ignore unused
 * low bits), so every stored byte string has exactly one text form and a
 * changed character is always a changed value.
 */
#ifndef SR_B64_H
#define SR_B64_H

#include <stddef.h>

/* Decode s[0..n) into out (max bytes); *got the length. 0, or -1. */
int sr_b64_decode(unsigned char *out, size_t max, size_t *got,
    const char *s, size_t n);

#endif
