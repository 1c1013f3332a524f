/*
 * identity.h - X25519 identities and recipients, and their text forms.
 *
 * Each person and each CI runner has its own identity (a secret key) and
 * gives out its recipient (the public key) so that others can add it to a
 * vault. The text forms are easy to paste and carry a checksum, so a
 * mangled copy is refused instead of locking a team out of a vault:
 *
 *     recipient   scoperun1<base64url(pk || check)>
 *     identity    SCOPERUN-SECRET-1<base64url(sk || check)>
 *
 * check = the first 4 bytes of BLAKE2b-256("scoperun-key-v1" || prefix ||
 * key), so neither form passes for the other.
 * The secret key lives only in sodium memory (secalloc.h) and is wiped by
 * sr_identity_free.
 */
#ifndef SR_IDENTITY_H
#define SR_IDENTITY_H

#include <stddef.h>

#include <sodium.h>

#include "err.h"

#define SR_RECIPIENT_PREFIX "scoperun1"
#define SR_IDENTITY_PREFIX "SCOPERUN-SECRET-1"
#define SR_RECIPIENT_TEXT_MAX 64	/* with the NUL */
#define SR_IDENTITY_MAX_BYTES 4096	/* an identity file's size limit */

typedef struct sr_identity {
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sk[crypto_box_SECRETKEYBYTES];
} sr_identity;

/* A fresh identity in sodium memory (secalloc.h). */
int sr_identity_generate(sr_identity **out, sr_err *err);
void sr_identity_free(sr_identity *id);

/*
 * Read an identity file: comment lines (#) and one SCOPERUN-SECRET-1 line.
 * Refused when the file or its directory is writable by group/others, or
 * the file readable by them (StrictModes), when it is a symlink or not a
 * regular file, over SR_IDENTITY_MAX_BYTES, or malformed. The public key
 * is derived from the secret key. The file's bytes are wiped after use.
 */
int sr_identity_load(sr_identity **out, const char *path, sr_err *err);

/*
 * The same from text already in memory (an identity handed over in an
 * environment variable or on a file descriptor): label names the source
 * in messages, which never quote the text.
 */
int sr_identity_parse(sr_identity **out, const char *text, size_t len,
    const char *label, sr_err *err);

/*
 * Write id to path, mode 0600, creating missing parent directories 0700.
 * Refuses to overwrite an existing file (O_EXCL). The file holds a comment
 * with the creation time and the public recipient, then the secret line.
 */
int sr_identity_save(const sr_identity *id, const char *path, sr_err *err);

/* The identity as text, as written to a file: comments, then the secret
 * line; in sodium memory (secalloc.h) (caller sr_secalloc_free's it). */
int sr_identity_text(char **out, size_t *len, const sr_identity *id,
    sr_err *err);

/* pk <-> scoperun1... text; parse refuses a bad prefix, length, base64 or
 * checksum, each with its own message. text is exactly the recipient:
 * callers strip whitespace. format leaves out empty only if libsodium
 * cannot initialise. */
void sr_recipient_format(char out[SR_RECIPIENT_TEXT_MAX],
    const unsigned char pk[crypto_box_PUBLICKEYBYTES]);
int sr_recipient_parse(unsigned char pk[crypto_box_PUBLICKEYBYTES],
    const char *text, sr_err *err);

#endif
