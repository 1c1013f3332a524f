/*
 * term.h - user-controlled bytes, as they may reach a terminal.
 *
 * An agent name, a policy or vault path, an argv entry or a file name is
 * whatever bytes someone chose; printed raw, ESC ]0;... retitles the
 * reader's terminal and ESC [2J clears it. Everything scoperun prints
 * that it did not write itself goes through sr_term_escape, the one
 * function that decides what is shown as is.
 */
#ifndef SR_TERM_H
#define SR_TERM_H

#include <stddef.h>

/*
 * s[0..len) into out (size > 0, always NUL-terminated): printable ASCII
 * and valid UTF-8 pass; C0 controls (newline too: output stays one line
 * a record), DEL, C1 controls (U+0080..U+009F) and bytes that are not
 * UTF-8 become \xNN. Returns the length the whole escaped text needs (as
 * snprintf), so out was cut when the result >= size.
 */
size_t sr_term_escape(char *out, size_t size, const char *s, size_t len);

/* 1 when s[0..len) has nothing sr_term_escape would change. */
int sr_term_clean(const char *s, size_t len);

#endif
