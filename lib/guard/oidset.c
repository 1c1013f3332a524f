/*
 * oidset.c - the guard's sets of object ids (repo_impl.h): the blobs and
 * trees `scoperun check` has read, the identity candidates the run guard
 * found clean.
 */
#include <stdlib.h>
#include <string.h>

#include "repo_impl.h"

static const unsigned char zero_oid[REPO_OID_RAW];

static size_t
slot(const repo_oids *s, const unsigned char *oid)
{
	size_t h, mask = s->cap - 1;

	memcpy(&h, oid, sizeof(h));
	for (h &= mask; memcmp(s->v[h], zero_oid, REPO_OID_RAW) != 0 &&
	    memcmp(s->v[h], oid, REPO_OID_RAW) != 0; h = (h + 1) & mask)
		;
	return h;
}

static int
grow(repo_oids *s)
{
	repo_oids g = { NULL, s->n, s->cap ? 2 * s->cap : 1024 };
	size_t i;

	if ((g.v = calloc(g.cap, sizeof(*g.v))) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (memcmp(s->v[i], zero_oid, REPO_OID_RAW) != 0)
			memcpy(g.v[slot(&g, s->v[i])], s->v[i], REPO_OID_RAW);
	free(s->v);
	*s = g;
	return 0;
}

int
repo_oidset_add(repo_oids *s, const unsigned char oid[REPO_OID_RAW])
{
	size_t i;

	if (memcmp(oid, zero_oid, REPO_OID_RAW) == 0)
		return 0;
	if (2 * (s->n + 1) > s->cap && grow(s) != 0)
		return -1;
	i = slot(s, oid);
	if (memcmp(s->v[i], oid, REPO_OID_RAW) == 0)
		return 0;
	memcpy(s->v[i], oid, REPO_OID_RAW);
	s->n++;
	return 1;
}

int
repo_oidset_has(const repo_oids *s, const unsigned char oid[REPO_OID_RAW])
{
	return s->cap > 0 && memcmp(s->v[slot(s, oid)], oid,
	    REPO_OID_RAW) == 0;
}
