/*
 * dotenv.h - the KEY=VALUE lines of a .env file, for `secret import`.
 *
 * The syntax the common dotenv readers share: empty lines and `#`
 * comments; an optional `export ` before KEY; KEY of letters, digits,
 * '_', '.' and '-' (not starting with a digit, '.' or '-'); spaces
 * around '='. A value is unquoted (to the end of the line, trailing
 * blanks dropped; a '#' after a blank starts a comment), single-quoted
 * (taken literally, newlines too), or double-quoted (\n \r \t \" \\ \$
 * \' are escapes, any other backslash is kept; newlines too). Nothing is
 * expanded: ${VAR} stays as written. A value may not hold a NUL byte.
 *
 * Values are decoded into sodium memory (secalloc.h), wiped before the
 * parser returns; errors name the line, never a value.
 */
#ifndef SR_DOTENV_H
#define SR_DOTENV_H

#include <stddef.h>

#include "err.h"

#define SR_DOTENV_KEY_MAX 128

/* One KEY=VALUE: key is NUL-terminated; val (vlen bytes, NUL after
 * them) lives only during the call. line is where KEY is. Return
 * nonzero, with err set, to stop the parse. */
typedef int (*sr_dotenv_fn)(void *ctx, const char *key,
    const unsigned char *val, size_t vlen, unsigned line, sr_err *err);

/* Parse text (len bytes) and call fn for each KEY=VALUE in order: 0, or
 * -1 with err set (file:line) on the first syntax error or when fn
 * stopped it. file names text in messages. */
int sr_dotenv_parse(const char *text, size_t len, const char *file,
    sr_dotenv_fn fn, void *ctx, sr_err *err);

#endif
