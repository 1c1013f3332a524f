/*
 * fuzz_keymat.c - libFuzzer target for the identity-material finder
 * (lib/crypto/keymat.c), which `scoperun check` and the run guard run over
 * every byte of files anyone with write access to a repository shapes.
 *
 * What must stay true, and traps when it does not: every offset returned
 * is key material (the prefix, then SR_KEYMAT_B64_LEN base64url
 * characters), and no key material lies between two offsets returned,
 * checked against a plain search written here.
 */
#include <stdint.h>
#include <string.h>

#include "keymat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
b64url(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
is_key(const uint8_t *p, size_t left)
{
	const size_t plen = sizeof(SR_IDENTITY_PREFIX) - 1;
	size_t i;

	if (left < SR_KEYMAT_LEN || memcmp(p, SR_IDENTITY_PREFIX, plen) != 0)
		return 0;
	for (i = 0; i < SR_KEYMAT_B64_LEN; i++)
		if (!b64url(p[plen + i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t from = 0, at, i;

	while (from <= size) {
		at = sr_keymat_find(data, size, from);
		if (at > size || (at < size && !is_key(data + at, size - at)))
			__builtin_trap();
		for (i = from; i < at && i < size; i++)
			if (is_key(data + i, size - i))
				__builtin_trap();
		if (at >= size)
			break;
		from = at + 1;
	}
	return 0;
}
