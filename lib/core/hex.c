#include "hex.h"

/* Each digit's value plus one; 0 for anything else. Built by the
 * compiler, so two threads (audit verify's) never race to fill it. */
#define D(c, v) [c] = (v) + 1
static const unsigned char digit[256] = {
	D('0', 0), D('1', 1), D('2', 2), D('3', 3), D('4', 4), D('5', 5),
	D('6', 6), D('7', 7), D('8', 8), D('9', 9), D('a', 10), D('b', 11),
	D('c', 12), D('d', 13), D('e', 14), D('f', 15),
};
#undef D

int
sr_hex_decode(unsigned char *out, size_t n, const char *hex)
{
	size_t i;

	/* one digit at a time: a string that ends early is never read
	 * past its NUL */
	for (i = 0; i < n; i++) {
		unsigned hi = digit[(unsigned char)hex[2 * i]], lo;

		if (hi == 0 || (lo = digit[(unsigned char)hex[2 * i + 1]]) == 0)
			return -1;
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}
