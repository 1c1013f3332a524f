#include "term.h"

#include <stdio.h>

#include "utf8.h"

/* The length of the run at s that passes as is (0: escape s[0]). */
static size_t
pass_len(const unsigned char *s, size_t n)
{
	size_t k;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0x80 || (k = sr_utf8_len(s, n)) == 0)
		return 0;
	/* U+0080..U+009F: C2 80..C2 9F, which some terminals obey as C1 */
	if (k == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return k;
}

size_t
sr_term_escape(char *out, size_t size, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n = 0, k, j;
	char hex[5];

	while (i < len) {
		k = pass_len(u + i, len - i);
		if (k > 0) {
			for (j = 0; j < k; j++, n++)
				if (n + 1 < size)
					out[n] = s[i + j];
			i += k;
			continue;
		}
		snprintf(hex, sizeof(hex), "\\x%02x", u[i++]);
		for (j = 0; j < 4; j++, n++)
			if (n + 1 < size)
				out[n] = hex[j];
	}
	if (size > 0)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

int
sr_term_clean(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if ((k = pass_len(u + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}
