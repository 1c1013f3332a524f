/*
 * provider.h - run a credential provider and read what it minted
 * (SPEC §10).
 *
 * A provider is a command (1Password `op`, `vault`, `aws`, a GitHub App
 * helper) that holds a root credential and prints a short-lived one. It
 * runs before the agent, in a session and process group of its own, with
 * stdin on /dev/null, no descriptor of ours but its three, and the
 * environment the caller built (never scoperun's own). Its stdout is read
 * into sodium memory and never lands anywhere else; of its stderr only
 * the first line is kept, for the refusal message, and that is escaped
 * before it reaches a terminal. Past the timeout, or past
 * SR_PROVIDER_OUTPUT_MAX bytes of output, its whole process group is
 * killed and the run refused.
 *
 * The output is text (the value, one trailing newline dropped) or a JSON
 * object whose top-level string fields are the values; the expiry is
 * read from `expires`, `expires_at`, `expiration` or `Expiration` (RFC
 * 3339). Duplicate keys, NUL bytes and anything but an object are
 * refused: a credential must not be ambiguous.
 */
#ifndef SR_PROVIDER_H
#define SR_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SR_PROVIDER_OUTPUT_MAX 65536
#define SR_PROVIDER_ERRLINE_MAX 200	/* bytes of stderr kept */

typedef struct sr_provider_result {
	unsigned char *out;		/* stdout, sodium memory, NUL-ended */
	size_t len;
	int64_t duration_ms;
	int timed_out, too_big;		/* why it was refused, if so */
} sr_provider_result;

/*
 * Run path with argv and envp (the provider's own environment) for at
 * most timeout_ms. 0 when it exited 0 with at most
 * SR_PROVIDER_OUTPUT_MAX bytes on stdout; else -1 and err says why,
 * naming the provider (name) and, for a failure, its first stderr line
 * escaped. r->out is the caller's to free (sr_provider_result_free).
 */
int sr_provider_exec(sr_provider_result *r, const char *name,
    const char *path, char *const argv[], char *const envp[],
    int64_t timeout_ms, sr_err *err);
void sr_provider_result_free(sr_provider_result *r);

/* Called once per field asked for, with its value (sodium memory that
 * lives only during the call). */
typedef int (*sr_provider_value_fn)(void *ctx, size_t i,
    const unsigned char *value, size_t len, sr_err *err);

/*
 * The values in a provider's output. text: the output without one
 * trailing newline, given as field 0 (fields and nfields are ignored);
 * json: each fields[i], a top-level string of the object. *expires is the
 * stated expiry (unix seconds), 0 when none. A missing field, a value
 * that is empty or not a string, malformed JSON or a bad expiry: -1.
 */
int sr_provider_values(const unsigned char *out, size_t len, int json,
    const char *const *fields, size_t nfields, sr_provider_value_fn fn,
    void *ctx, int64_t *expires, sr_err *err);

#endif
