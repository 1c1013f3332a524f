/*
 * secalloc.c - the arena behind sr_secalloc_alloc (see secalloc.h).
 *
 * Blocks are handed out from the bottom up, each after a header that
 * gives its size and where the block below it starts. A freed block is
 * wiped at once; its room comes back when every block above it is free
 * too, which is how the allocations of one verb nest (read a file,
 * parse it, free the text). A lock keeps the second thread of
 * `audit verify` out of the way.
 */
#include "secalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define ARENA_BYTES (16 * 1024)	/* locked once; a run needs under 8K */
#define BLOCK_MAX 4096		/* larger ones get their own mapping */
/* libsodium's hash states ask for 64 (crypto_generichash_state) */
#define ALIGN 64
#define NONE UINT32_MAX

#define CANARY 16

struct block {
	uint32_t size;		/* bytes after the header, a multiple of ALIGN */
	uint32_t below;		/* offset of the header below, or NONE */
	uint32_t freed;
	/* what the block below would overwrite first, checked on free, as
	 * sodium_free checks its canary */
	unsigned char canary[CANARY];
	unsigned char pad[ALIGN - 12 - CANARY];	/* the data stays aligned */
};
_Static_assert(sizeof(struct block) == ALIGN, "a header keeps alignment");

static unsigned char *arena;
static unsigned char canary[CANARY];
static size_t top;			/* bytes in use from the bottom */
static uint32_t last = NONE;		/* offset of the top header */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *
arena_alloc(size_t size)
{
	size_t need = sizeof(struct block) + (size + ALIGN - 1) / ALIGN *
	    ALIGN;
	struct block *b;

	/* sodium_malloc aligns the end of a region, so its size keeps the
	 * start aligned too */
	if (arena == NULL) {
		if ((arena = sodium_malloc(ARENA_BYTES)) == NULL)
			return NULL;
		randombytes_buf(canary, sizeof(canary));
	}
	if (ARENA_BYTES - top < need)
		return NULL;
	b = (struct block *)(void *)(arena + top);
	b->size = (uint32_t)(need - sizeof(*b));
	b->below = last;
	b->freed = 0;
	memcpy(b->canary, canary, sizeof(canary));
	last = (uint32_t)top;
	top += need;
	return b + 1;
}

static int
in_arena(const void *p)
{
	const unsigned char *c = p;

	return arena != NULL && c >= arena && c < arena + ARENA_BYTES;
}

/*
 * A header that is not one arena_alloc wrote: the block below ran over
 * it, or p was never a block, or it was freed twice. Like sodium_free,
 * stop rather than go on with memory that is not what it seems.
 */
static void
check_block(const struct block *b)
{
	size_t at = (size_t)((const unsigned char *)b - arena);

	if (at % ALIGN != 0 || at >= top || b->freed != 0 ||
	    sodium_memcmp(b->canary, canary, sizeof(canary)) != 0 ||
	    b->size > top - at - sizeof(*b) ||
	    (b->below != NONE && b->below >= at) ||
	    (b->below == NONE && at != 0))
		abort();
}

static void
arena_free(struct block *b)
{
	struct block *t;

	check_block(b);
	sodium_memzero(b + 1, b->size);
	b->freed = 1;
	while (last != NONE && (t = (struct block *)(void *)(arena +
	    last))->freed) {
		top = last;
		last = t->below;
	}
}

void *
sr_secalloc_alloc(size_t size)
{
	void *p = NULL;

	if (size <= BLOCK_MAX) {
		pthread_mutex_lock(&lock);
		p = arena_alloc(size);
		pthread_mutex_unlock(&lock);
	}
	return p != NULL ? p : sodium_malloc(size);
}

void *
sr_secalloc_allocarray(size_t n, size_t size)
{
	if (n != 0 && size > SIZE_MAX / n)
		return NULL;
	return sr_secalloc_alloc(n * size);
}

void
sr_secalloc_free(void *p)
{
	int mine;

	if (p == NULL)
		return;
	pthread_mutex_lock(&lock);
	if ((mine = in_arena(p)))
		arena_free((struct block *)p - 1);
	pthread_mutex_unlock(&lock);
	if (!mine)
		sodium_free(p);
}
