#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The capacity for need bytes (the NUL included): doubled from cap, 0
 * when that would overflow, as the other growing buffers check. */
static size_t
grown(size_t cap, size_t need)
{
	cap = cap ? cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return 0;
		cap *= 2;
	}
	return cap;
}

int
sr_buf_put(sr_buf *b, const void *p, size_t n)
{
	if (b->failed)
		return -1;
	if (b->cap - b->len <= n) {
		size_t cap = n < SIZE_MAX - b->len ? grown(b->cap, b->len + n +
		    1) : 0;
		char *q;

		if (cap == 0 || (q = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return -1;
		}
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void
sr_buf_free(sr_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
