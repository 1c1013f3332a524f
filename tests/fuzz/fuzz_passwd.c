/*
 * fuzz_passwd.c - libFuzzer target for the /etc/passwd reader
 * (lib/core/user.c), which names the user in every audit record.
 *
 * The first four bytes are the uid asked for, the rest the file's text.
 * What must stay true, and traps when it does not:
 * - a name is found only as the first field of a line of the text,
 *   whole, with the uid asked for, in decimal, as the third field;
 * - it fits the buffer with its NUL, and is never empty;
 * - the answer is 1, 0 or -1, and reading never leaves the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does the line at l (up to end) read NAME:x:UID: with uid's value? */
static int
is_entry(const char *l, const char *end, const char *name, uint32_t uid)
{
	size_t nlen = strlen(name);
	const char *u, *e;
	unsigned long long v = 0;

	if ((size_t)(end - l) <= nlen || memcmp(l, name, nlen) != 0 ||
	    l[nlen] != ':')
		return 0;
	u = memchr(l + nlen + 1, ':', (size_t)(end - (l + nlen + 1)));
	if (u == NULL)
		return 0;
	for (e = ++u; e < end && *e >= '0' && *e <= '9'; e++)
		v = v * 10 + (unsigned long long)(*e - '0');
	return e > u && e - u <= 10 && e < end && *e == ':' && v == uid;
}

static void
check_found(const char *text, size_t len, uint32_t uid, const char *name)
{
	const char *l, *end = text + len;
	size_t nlen = strlen(name);

	if (nlen == 0 || nlen >= 32 || memchr(name, ':', nlen) ||
	    memchr(name, '\n', nlen))
		abort();
	for (l = text; l < end; l++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		if ((l == text || l[-1] == '\n') && is_entry(l, nl ? nl : end,
		    name, uid))
			return;
	}
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[32];
	uint32_t uid;
	int r;

	if (size < 4)
		return 0;
	memcpy(&uid, data, 4);
	r = sr_user_name_parse((const char *)data + 4, size - 4, (uid_t)uid,
	    name, sizeof(name));
	if (r == 1)
		check_found((const char *)data + 4, size - 4, uid, name);
	else if (r != 0 && r != -1)
		abort();
	return 0;
}
