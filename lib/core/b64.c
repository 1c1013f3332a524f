#include "b64.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

int
sr_b64_decode(unsigned char *out, size_t max, size_t *got, const char *s,
    size_t n)
{
	const char *end;
	char *again;
	size_t i, len;
	int rc;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-'))
			return -1;
	if (sodium_base642bin(out, max, s, n, NULL, &len, &end, VARIANT) != 0 ||
	    end != s + n)
		return -1;
	if ((again = malloc(sodium_base64_ENCODED_LEN(len, VARIANT))) == NULL)
		return -1;
	sodium_bin2base64(again, sodium_base64_ENCODED_LEN(len, VARIANT), out,
	    len, VARIANT);
	rc = strlen(again) == n && memcmp(again, s, n) == 0 ? 0 : -1;
	/* again is the text of what was decoded, which may be a secret key
	 * (an identity file): wipe it before the heap takes it back */
	sodium_memzero(again, sodium_base64_ENCODED_LEN(len, VARIANT));
	free(again);
	if (rc == 0)
		*got = len;
	return rc;
}
