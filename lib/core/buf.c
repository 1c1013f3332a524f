#include "buf.h"

#include <stdlib.h>
#include <string.h>

int
sr_buf_put(sr_buf *b, const void *p, size_t n)
{
	if (b->failed)
		return -1;
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 64;
		char *q;
		while (cap - b->len <= n)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL) {
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
