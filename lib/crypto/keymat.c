/*
 * keymat.c - key material in bytes (keymat.h).
 *
 * memmem on the prefix (glibc's is vectorised: the cost is a pass over
 * the bytes at memory speed), then the characters after it.
 */
#define _GNU_SOURCE	/* memmem */
#include "keymat.h"

#include <string.h>

_Static_assert(SR_KEYMAT_B64_LEN == sodium_base64_ENCODED_LEN(
    crypto_box_SECRETKEYBYTES + 4,
    sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1,
    "a key line's base64url length (identity.c: key || 4-byte check)");

static int
b64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

size_t
sr_keymat_find(const void *buf, size_t len, size_t from)
{
	const size_t plen = sizeof(SR_IDENTITY_PREFIX) - 1;
	const unsigned char *b = buf, *p;
	size_t at, i;

	while (from < len && len - from >= SR_KEYMAT_LEN) {
		p = memmem(b + from, len - from, SR_IDENTITY_PREFIX, plen);
		if (p == NULL)
			break;
		at = (size_t)(p - b);
		if (len - at < SR_KEYMAT_LEN)
			break;
		for (i = 0; i < SR_KEYMAT_B64_LEN && b64url(p[plen + i]); i++)
			;
		if (i == SR_KEYMAT_B64_LEN)
			return at;
		from = at + 1;
	}
	return len;
}
