/*
 * utf8.h - UTF-8 validity, shared by the TOML reader and the JSON writer.
 */
#ifndef SR_UTF8_H
#define SR_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s (n > 0 bytes available),
 * or 0 when it is invalid: overlong, a surrogate, above U+10FFFF, cut. */
size_t sr_utf8_len(const unsigned char *s, size_t n);

#endif
