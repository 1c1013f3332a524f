/*
 * repo_keys.c - identity material in the run guard (repo_impl.h; issue
 * 11, SPEC §6).
 *
 * `scoperun check` reads every blob for a secret key line; the guard
 * cannot (SPEC §8: in a 100,000-file repository it costs no more than
 * `git ls-files`, which reads no blob). So it reads only the files that
 * could be an identity scoperun loads: the index's stat data gives each
 * file's size for free, and an identity file is SR_KEYMAT_LEN to
 * SR_IDENTITY_MAX_BYTES bytes. A size the index does not know (0 for a
 * non-empty blob: racily clean entries, update-index --index-info; a
 * file only HEAD's tree holds) counts as a candidate too.
 *
 * A blob's bytes never change, so a blob found clean stays clean: the
 * ids of the clean candidates are kept in the cache directory, one file
 * per git dir, and only new candidates are read on the next check. A
 * lost or damaged list costs reading the candidates again, never a
 * finding (the list holds clean ids only; an id it should not hold
 * could only be written by the user, who owns the private directory).
 */
#include <stdlib.h>
#include <string.h>

#include "keymat.h"
#include "repo_impl.h"

/* git's empty blob: a file of size 0 that is really empty */
static const unsigned char empty_blob[REPO_OID_RAW] = {
	0xe6, 0x9d, 0xe2, 0x9b, 0xb2, 0xd1, 0xd6, 0x43, 0x4b, 0x8b,
	0x29, 0xae, 0x77, 0x5a, 0xd8, 0xc2, 0xe4, 0x8c, 0x53, 0x91
};

/* ---- lists of ids (sets: oidset.c) ------------------------------- */

static int
list_push(repo_oids *o, const unsigned char *oid)
{
	unsigned char (*grown)[REPO_OID_RAW];
	size_t cap;

	if (o->n == o->cap) {
		cap = o->cap ? 2 * o->cap : 64;
		if ((grown = realloc(o->v, cap * sizeof(*grown))) == NULL)
			return -1;
		o->v = grown;
		o->cap = cap;
	}
	memcpy(o->v[o->n++], oid, REPO_OID_RAW);
	return 0;
}

/* ---- candidates -------------------------------------------------- */

void
repo_scan_cand(repo_scan *s, const unsigned char oid[REPO_OID_RAW],
    uint64_t size, int size_known, const char *path, size_t len)
{
	if (s->find != NULL) {
		if (s->found == NULL &&
		    memcmp(oid, s->find, REPO_OID_RAW) == 0 &&
		    (s->found = strndup(path, len)) == NULL)
			s->oom = 1;
		return;
	}
	if (size_known && size != 0 && (size < SR_KEYMAT_LEN ||
	    size > SR_IDENTITY_MAX_BYTES))
		return;
	if (memcmp(oid, empty_blob, REPO_OID_RAW) == 0)
		return;
	/* the same blob many times in a row (generated trees): once */
	if (s->cand.n > 0 &&
	    memcmp(s->cand.v[s->cand.n - 1], oid, REPO_OID_RAW) == 0)
		return;
	if (list_push(&s->cand, oid) != 0)
		s->oom = 1;
}

/* ---- the verdict ------------------------------------------------- */

/* The same rule whether the index knew the size or not: a blob larger
 * than an identity file is left to `scoperun check`, so the verdict
 * never depends on git's stat data. */
static int
on_blob(void *arg, const unsigned char *data, size_t len)
{
	*(int *)arg = len <= SR_IDENTITY_MAX_BYTES &&
	    sr_keymat_find(data, len, 0) < len;
	return 0;
}

/* The known list as a set, sized once: made only when a candidate is
 * not where the list has it. */
static int
known_set(repo_oids *set, const repo_oids *list)
{
	size_t i, cap = 1024;

	while (cap < 2 * list->n + 2)
		cap *= 2;
	if ((set->v = calloc(cap, sizeof(*set->v))) == NULL)
		return -1;
	set->cap = cap;
	for (i = 0; i < list->n; i++)
		if (repo_oidset_add(set, list->v[i]) < 0)
			return -1;
	return 0;
}

/*
 * The list is kept in the order the candidates come in (the index's,
 * sorted by path, then HEAD's), so an unchanged repository is checked
 * by one comparison per candidate, in step with the list; a set is made
 * only for candidates out of step. The list is rewritten only when it
 * differs from the candidates, and only once every candidate is clean.
 */
repo_verdict
repo_keys_check(repo_scan *s, repo_git *git, const char *cache,
    const char *gitdir, unsigned char hit[REPO_OID_RAW], sr_err *err)
{
	repo_oids list = { 0 }, known = { 0 };
	size_t i, j = 0, off = 0;
	repo_verdict v = REPO_CLEAN;
	int oom = s->oom, found, use = cache != NULL && cache[0] != '\0';

	if (oom || s->cand.n == 0)
		return oom ? (repo_verdict)sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "out of memory") : REPO_CLEAN;
	if (use)
		repo_cache_load_keys(&list, cache, gitdir);
	for (i = 0; i < s->cand.n && v == REPO_CLEAN && !oom; i++) {
		if (j < list.n &&
		    memcmp(s->cand.v[i], list.v[j], REPO_OID_RAW) == 0) {
			j++;
			continue;
		}
		off++;
		if (known.cap == 0 && known_set(&known, &list) != 0) {
			oom = 1;
			break;
		}
		if (repo_oidset_has(&known, s->cand.v[i]))
			continue;
		if (git == NULL) {
			v = REPO_UNSURE;
			break;
		}
		found = 0;
		if (repo_git_blob(git, s->cand.v[i], on_blob, &found, err) != 0)
			v = REPO_ERROR;		/* err set */
		else if (found) {
			memcpy(hit, s->cand.v[i], REPO_OID_RAW);
			v = REPO_FOUND;
		} else
			oom = repo_oidset_add(&known, s->cand.v[i]) < 0;
	}
	if (v == REPO_CLEAN && !oom && use && (off > 0 || j != list.n))
		repo_cache_store_keys(&s->cand, cache, gitdir);
	repo_oids_free(&list);
	repo_oids_free(&known);
	if (oom)
		return (repo_verdict)sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
		    "out of memory");
	return v;
}
