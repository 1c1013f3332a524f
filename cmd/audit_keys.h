/*
 * audit_keys.h - where `audit verify` gets the initial key from, and
 * `audit key --seal-to` (audit_keys.c).
 */
#ifndef SR_AUDIT_KEYS_H
#define SR_AUDIT_KEYS_H

#include "err.h"

/*
 * K_1 from file: the 64 hex digits `audit key --export` printed, or the
 * line `audit key --seal-to` wrote, opened with the identity at
 * identity (NULL: the default identity). file NULL: the sealed key
 * beside the log at path.
 */
int audit_key_from_file(unsigned char key[32], const char *file,
    const char *identity, const char *path, sr_err *err);

/* `scoperun audit key --seal-to RECIPIENT`: exit status. */
int audit_key_seal(const char *path, const char *recipient);

#endif
