/*
 * check_vaults.c - the scoperun vaults a repository tracks
 * (check_vaults.h).
 *
 * Whether a blob is a vault depends on its bytes alone, and a blob's id
 * is the hash of its bytes: so the ids of blobs found not to be vaults
 * are kept in a cache file per repository (beside the guard's cache,
 * StrictModes-checked), and only blobs never seen before are read. A
 * check in an unchanged 20,000-file repository then reads one small file
 * instead of 20,000 blobs. The cache only ever says "not a vault" for an
 * id: it cannot be stale, and a vault's own blob is read every time.
 */
#include "check_vaults.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "file.h"
#include "gitcache.h"
#include "gitrepo.h"
#include "repo.h"
#include "repo_impl.h"

#define CACHE_MAX (64u << 20)

typedef unsigned char oid_t[REPO_OID_RAW];

typedef struct oids {
	oid_t *v;
	size_t n, cap;
} oids;

typedef struct lister {
	repo_git *git;
	const oid_t *known;	/* the cache: sorted ids of non-vaults */
	size_t nknown;
	oids keep;		/* known ids still in the index, and new ones */
	oids todo;		/* ids to read, with their paths */
	char **paths;
	int fresh;		/* something new to write back */
	sr_err *err;
	sr_check_vault_fn fn;
	void *arg;
	size_t at;		/* the todo entry being read */
} lister;

static int
oid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, REPO_OID_RAW);
}

static int
oids_add(oids *s, const unsigned char *oid)
{
	oid_t *grown;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		if ((grown = realloc(s->v, s->cap * sizeof(*s->v))) == NULL)
			return -1;
		s->v = grown;
	}
	memcpy(s->v[s->n++], oid, REPO_OID_RAW);
	return 0;
}

static int
oom(lister *l)
{
	return sr_err_set(l->err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
}

static int
on_entry(void *arg, const char *path, size_t len, unsigned mode,
    const unsigned char oid[REPO_OID_RAW])
{
	lister *l = arg;
	char **grown;

	(void)len;
	if ((mode & 0170000) != 0100000)	/* regular files only */
		return 0;
	if (l->nknown && bsearch(oid, l->known, l->nknown, REPO_OID_RAW,
	    oid_cmp) != NULL)
		return oids_add(&l->keep, oid) == 0 ? 0 : oom(l);
	if (l->todo.n == l->todo.cap && (grown = realloc(l->paths,
	    (l->todo.cap ? 2 * l->todo.cap : 64) * sizeof(*l->paths))) == NULL)
		return oom(l);
	if (l->todo.n == l->todo.cap)
		l->paths = grown;
	if ((l->paths[l->todo.n] = strdup(path)) == NULL)
		return oom(l);
	return oids_add(&l->todo, oid) == 0 ? 0 : oom(l);
}

static int
on_blob(void *arg, const unsigned char *data, size_t len)
{
	lister *l = arg;

	if (len < sizeof(SR_VAULT_HEADER) - 1 || memcmp(data, SR_VAULT_HEADER,
	    sizeof(SR_VAULT_HEADER) - 1) != 0) {
		l->fresh = 1;
		return oids_add(&l->keep, l->todo.v[l->at]) == 0 ? 0 : oom(l);
	}
	if (l->fn(l->arg, repo_git_root(l->git), l->paths[l->at],
	    (const char *)data, len) != 0)
		return sr_err_set(l->err, SR_ERR_SYSTEM, NULL, 0, "stopped");
	return 0;
}

/* The cache file's path for this repository; -1 when there is none. */
static int
cache_path(char *buf, size_t size, const lister *l)
{
	const char *gitdir = repo_git_gitdir(l->git);
	unsigned char h[16];
	char dir[SR_ERR_PATH_MAX], hex[33];
	int n;

	if (repo_cache_dir(dir, sizeof(dir), NULL) != 0)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)gitdir,
	    strlen(gitdir), NULL, 0);
	repo_hex(hex, h, sizeof(h));
	n = snprintf(buf, size, "%s/vaults-%s", dir, hex);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The cache, when it is there, safe and well formed (sorted ids). */
static char *
cache_load(lister *l, const char *path)
{
	sr_err ignored = SR_ERR_INIT;
	char *buf = NULL;
	size_t len = 0, i;

	if (sr_file_read_strict(&buf, &len, path, CACHE_MAX, 0,
	    &ignored) != 0)
		return NULL;
	for (i = REPO_OID_RAW; len % REPO_OID_RAW == 0 && i < len;
	    i += REPO_OID_RAW)
		if (memcmp(buf + i - REPO_OID_RAW, buf + i, REPO_OID_RAW) >= 0)
			break;
	if (len % REPO_OID_RAW != 0 || i < len) {
		free(buf);
		return NULL;
	}
	l->known = (const oid_t *)(void *)buf;
	l->nknown = len / REPO_OID_RAW;
	return buf;
}

/* The ids known now, sorted, once each; best effort. */
static void
cache_store(lister *l, const char *path)
{
	sr_err ignored = SR_ERR_INIT;
	size_t i, n = 0;

	if (!l->fresh && l->keep.n == l->nknown)
		return;
	qsort(l->keep.v, l->keep.n, REPO_OID_RAW, oid_cmp);
	for (i = 0; i < l->keep.n; i++)
		if (n == 0 || memcmp(l->keep.v[n - 1], l->keep.v[i],
		    REPO_OID_RAW) != 0)
			memmove(l->keep.v[n++], l->keep.v[i], REPO_OID_RAW);
	if (sr_file_mkdirs_parent(path, &ignored) == 0)
		sr_file_replace(path, l->keep.v, n * REPO_OID_RAW, 0600,
		    SR_FILE_NO_SYNC, &ignored);
}

int
sr_check_vaults_each(const char *dir, sr_check_vault_fn fn, void *arg,
    sr_err *err)
{
	char path[SR_ERR_PATH_MAX], *cache = NULL;
	lister l;
	int rc, have_path;

	memset(&l, 0, sizeof(l));
	l.err = err;
	l.fn = fn;
	l.arg = arg;
	if ((rc = repo_git_open(&l.git, dir ? dir : ".", err)) <= 0)
		return rc;
	rc = -1;
	if ((have_path = cache_path(path, sizeof(path), &l) == 0))
		cache = cache_load(&l, path);
	if (repo_git_index_each(l.git, on_entry, &l, err) != 0)
		goto done;
	for (l.at = 0; l.at < l.todo.n; l.at++)
		if (repo_git_blob(l.git, l.todo.v[l.at], on_blob, &l, err) != 0)
			goto done;
	if (have_path)
		cache_store(&l, path);
	rc = 0;
done:
	while (l.todo.n > 0)
		free(l.paths[--l.todo.n]);
	free(l.paths);
	free(l.todo.v);
	free(l.keep.v);
	free(cache);
	repo_git_close(l.git);
	return rc;
}
