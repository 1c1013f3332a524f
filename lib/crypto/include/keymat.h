/*
 * keymat.h - finding identity material (a scoperun secret key line) in
 * any bytes (SPEC §6: a finding wherever it appears, whatever the file's
 * name; issue 11).
 *
 * Key material is SR_IDENTITY_PREFIX followed by at least
 * SR_KEYMAT_B64_LEN base64url characters: every line sr_identity_load
 * accepts holds it, and so does a damaged or longer copy, which is still
 * mostly the key. Text about the format ("SCOPERUN-SECRET-1<base64url>",
 * "SCOPERUN-SECRET-1...") does not match: no false positive in docs.
 * Nothing here keeps, decodes or verifies the key: a match is an offset.
 */
#ifndef SR_KEYMAT_H
#define SR_KEYMAT_H

#include <stddef.h>

#include "identity.h"

#define SR_KEYMAT_B64_LEN 48	/* base64url of the 32-byte key || check */
#define SR_KEYMAT_LEN (sizeof(SR_IDENTITY_PREFIX) - 1 + SR_KEYMAT_B64_LEN)

/* The offset of the first key material in buf at or after from, or len
 * when there is none. */
size_t sr_keymat_find(const void *buf, size_t len, size_t from);

#endif
