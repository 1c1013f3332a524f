/*
 * secalloc.h - sodium memory for secrets, without a mapping each.
 *
 * sodium_malloc gives every allocation pages of its own, guard pages
 * and a lock: five syscalls to allocate and four to free, about 17 us a
 * pair on a virtual machine, and a run made a dozen. Small allocations
 * come instead from one sodium_malloc'd arena (locked, guarded at both
 * ends, out of core dumps) and are wiped when freed; large ones, and
 * small ones once the arena is full, are sodium_malloc'd as before.
 * What is given up: a guard page between two small secrets, and
 * sodium_free's canary check for them.
 *
 * Blocks are aligned to 64 bytes, enough for libsodium's states.
 * sodium_init must have succeeded first, as for sodium_malloc. Memory
 * from here is freed with sr_secalloc_free only (NULL is a no-op).
 */
#ifndef SR_SECALLOC_H
#define SR_SECALLOC_H

#include <stddef.h>

void *sr_secalloc_alloc(size_t size);
/* n * size bytes, NULL when that overflows. */
void *sr_secalloc_allocarray(size_t n, size_t size);
/* Wipe and release p. */
void sr_secalloc_free(void *p);

#endif
