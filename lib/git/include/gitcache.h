/*
 * gitcache.h - the repository guard's cache of clean verdicts
 * (repo_cache.c): the nearest .git found by hand with a few stat calls,
 * the key (what git itself uses to notice a change), and the files, one
 * verdict and one list of clean blobs per git dir.
 */
#ifndef SR_GITCACHE_H
#define SR_GITCACHE_H

#include <stddef.h>

#include "err.h"
#include "gitrepo.h"

#define REPO_KEY_BYTES 32
#define REPO_SUBS_MAX 2048	/* gitlink paths a cache entry holds */

/* A list or set of object ids (the set is the guard's: repo_keys.c). */
typedef struct repo_oids {
	unsigned char (*v)[REPO_OID_RAW];
	size_t n, cap;		/* a set: cap a power of two, zero id empty */
} repo_oids;

void repo_oids_free(repo_oids *o);

/* Where the nearest .git is, found with a few stat calls. */
typedef struct repo_layout {
	int found;		/* some .git or git dir above cwd */
	int simple;		/* a layout the cache understands */
	char workdir[SR_ERR_PATH_MAX];
	char gitdir[SR_ERR_PATH_MAX];
	char commondir[SR_ERR_PATH_MAX];	/* = gitdir but in a worktree */
} repo_layout;

void repo_layout_find(repo_layout *l, const char *cwd);

typedef struct repo_key {
	int ok;			/* 0: unsure of something; no cache */
	int racy;		/* a file keyed by stat changed too late */
	unsigned char repo[REPO_KEY_BYTES];	/* layout, config, options */
	unsigned char state[REPO_KEY_BYTES];	/* index, HEAD, its ref */
	char ref[256];		/* refs/heads/... when HEAD is symbolic */
	int loose;		/* the ref's loose file exists */
	char head[REPO_OID_HEX + 1];	/* the commit, when known */
} repo_key;

/* The key of the repository at l for the guard's npat patterns and the
 * identity's real path ("" when none): a change of either is a miss. */
void repo_key_make(repo_key *k, const repo_layout *l,
    const char *const *pat, size_t npat, const char *identity);
/* HEAD's commit by hand (loose ref, else packed-refs): 1 known. */
int repo_key_head(repo_key *k, const repo_layout *l);

/* A cache file: one clean verdict for one git dir. */
typedef struct repo_entry {
	unsigned char repo[REPO_KEY_BYTES];
	unsigned char state[REPO_KEY_BYTES];
	char root[SR_ERR_PATH_MAX];
	char head[REPO_OID_HEX + 1];	/* "" when unborn */
	char tree[REPO_OID_HEX + 1];	/* HEAD's tree; "" when unborn */
	char subs[REPO_SUBS_MAX];	/* gitlink paths, each NUL-ended */
	size_t subslen;
} repo_entry;

/* The cache directory: dir when not NULL, else the user's; -1 when
 * there is none to use. */
int repo_cache_dir(char *buf, size_t size, const char *dir);
int repo_cache_load(repo_entry *e, const char *dir, const char *gitdir);
int repo_cache_store(const repo_entry *e, const char *dir,
    const char *gitdir);
/* The blobs found free of identity material, one file per git dir:
 * a list (duplicates possible) into o; 0, or -1 with o empty. */
int repo_cache_load_keys(repo_oids *o, const char *dir, const char *gitdir);
int repo_cache_store_keys(const repo_oids *o, const char *dir,
    const char *gitdir);

#endif
