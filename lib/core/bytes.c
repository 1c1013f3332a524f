/*
 * bytes.c - big-endian integers (bytes.h).
 */
#include "bytes.h"

void
sr_bytes_put64(unsigned char p[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

uint64_t
sr_bytes_get64(const unsigned char p[8])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}
