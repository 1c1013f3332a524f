/*
 * repo_impl.h - what the parts of the repository guard share.
 *
 *   repo.c        the guard's steps, the patterns, the findings
 *   repo_index.c  reading the index file (git's own format, no libgit2)
 *   repo_git.c    libgit2, loaded with dlopen: discovery and HEAD's tree
 *   repo_cache.c  finding the git dir by hand, the cache key and file
 *
 * The index is read here rather than through libgit2 for speed: in a
 * 100,000-file repository libgit2's reader (per-entry allocation, path
 * validation, a hash map) takes about 100 ms where `git ls-files` takes
 * 30; a plain scan of the names takes a few. Like git outside fsck, the
 * reader does not verify the trailing checksum; it checks the structure.
 */
#ifndef SR_REPO_IMPL_H
#define SR_REPO_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "repo.h"

#define REPO_OID_RAW 20		/* SHA-1; libgit2 1.5 reads nothing else */
#define REPO_KEY_BYTES 32
#define REPO_SUBS_MAX 2048	/* gitlink paths a cache entry holds */
#define REPO_GITLINK 0160000

/* ---- patterns and findings (repo.c) ------------------------------ */

typedef struct repo_lit {
	const char *p;
	size_t len;
} repo_lit;

typedef struct repo_match {
	const char *const *pat;
	size_t n;
	repo_lit *lit;		/* one required substring per pattern that
				   can match: a name holding none of them
				   matches nothing, and fnmatch is skipped */
	size_t nlit;
	int no_filter;		/* some pattern has no literal part */
} repo_match;

int repo_match_init(repo_match *m, const char *const *pat, size_t n);
int repo_match_name(const repo_match *m, const char *name);
void repo_match_free(repo_match *m);

typedef struct repo_git repo_git;	/* repo_git.c */

/* A list or set of object ids (repo_keys.c). */
typedef struct repo_oids {
	unsigned char (*v)[REPO_OID_RAW];
	size_t n, cap;		/* a set: cap a power of two, zero id empty */
} repo_oids;

/* What a check collects, from the index and the HEAD tree alike. */
typedef struct repo_scan {
	const repo_match *m;
	const char *id_dir;	/* the identity's directory in the work
				   tree, "" or ending in '/'; NULL: none */
	size_t id_dirlen;
	const char *id_name;
	int identity_tracked;
	char **paths;		/* every matching path, duplicates kept */
	size_t n, cap;
	char *subs;		/* gitlink paths, each NUL-ended */
	size_t subslen, subscap;
	repo_oids cand;		/* blobs that may hold identity material */
	const unsigned char *find;	/* a blob whose path is wanted ... */
	char *found;		/* ... found here (malloc'd), or NULL */
	int oom;
} repo_scan;

/* One tracked file: dir is "" or ends in '/'; name has no '/'. */
void repo_scan_add(repo_scan *s, const char *dir, size_t dirlen,
    const char *name);
/* A gitlink (a submodule's commit) at path: a submodule may be checked
 * out there (issue 11: the guard looks inside). */
void repo_scan_sub(repo_scan *s, const char *path, size_t len);
/* 1 when a submodule is checked out at root/path (a real directory
 * holding a .git), its full path then in dir (PATH_MAX bytes). */
int repo_sub_dir(char *dir, const char *root, const char *path);
#define REPO_SUB_DEPTH_MAX 16	/* submodules within submodules */

void repo_hex(char *out, const unsigned char *raw, size_t n);
int repo_wrap_error(sr_err *err, const char *root, sr_err_kind kind);
int repo_unhex(unsigned char *out, const char *hex, size_t n);

/* ---- identity material (repo_keys.c) ----------------------------- */

/*
 * A tracked regular file the guard reads for a secret key line: one the
 * index says is between SR_KEYMAT_LEN and SR_IDENTITY_MAX_BYTES bytes
 * (the sizes an identity file scoperun can load has), or whose size it
 * does not know (0 for a non-empty blob, a file only HEAD holds). path
 * and len name it for s->find.
 */
void repo_scan_cand(repo_scan *s, const unsigned char oid[REPO_OID_RAW],
    uint64_t size, int size_known, const char *path, size_t len);

/*
 * The candidates' verdict. Blobs already found clean (the cache's set,
 * when cache is not NULL) are not read again; the others are read
 * through git, or, git NULL, the answer is 2 (cannot tell). 0 clean,
 * 1 identity material (the blob in hit), -1 error.
 */
int repo_keys_check(repo_scan *s, repo_git *git, const char *cache,
    const char *gitdir, unsigned char hit[REPO_OID_RAW], sr_err *err);
void repo_oids_free(repo_oids *o);

/* ---- the index file (repo_index.c) ------------------------------- */

typedef struct repo_tree_ref {
	char *path;		/* "" for the root, else "a/b" */
	unsigned char oid[REPO_OID_RAW];
} repo_tree_ref;

typedef struct repo_index {
	repo_tree_ref *trees;	/* valid cache-tree nodes, sorted */
	size_t ntrees, captrees;
	repo_tree_ref *sparse;	/* sparse-directory entries: whole trees
				   the index names by id, not by path */
	size_t nsparse, capsparse;
	size_t entries;
} repo_index;

/*
 * Scan every path of the index file at path into s (a missing file is
 * an empty index). gitdir is where a split index keeps its shared part.
 * A damaged file is an error naming the file and the fault.
 */
int repo_index_read(repo_index *ix, repo_scan *s, const char *path,
    const char *gitdir, sr_err *err);
/* The tree id the index's cache tree holds for dir ("" = the root, else
 * no trailing '/'), or NULL when it has none that is valid. */
const unsigned char *repo_index_tree(const repo_index *ix, const char *dir,
    size_t len);
void repo_index_free(repo_index *ix);

/* ---- libgit2 (repo_git.c) ---------------------------------------- */

typedef struct repo_git repo_git;

/* The first variable set that changes how git finds a repository, or
 * NULL. With one set, discovery is libgit2's alone, and no cache. */
const char *repo_env_var(void);

/* Open the repository holding cwd: 1 found, 0 none, -1 error. */
int repo_git_open(repo_git **out, const char *cwd, sr_err *err);
const char *repo_git_gitdir(const repo_git *g);	/* real path, no '/' */
const char *repo_git_root(const repo_git *g);	/* real path, no '/' */
const char *repo_git_index_path(const repo_git *g);
int repo_git_bare(const repo_git *g);	/* 1: no work tree */
/* HEAD's commit and tree: 1, 0 when unborn, -1 error. */
int repo_git_head(repo_git *g, unsigned char commit[REPO_OID_RAW],
    unsigned char tree[REPO_OID_RAW], sr_err *err);
/*
 * Scan the tree's files into s, their paths prefixed with prefix ("" or
 * ending in '/'). Subtrees whose id the index's cache tree holds at the
 * same path are skipped: the index has exactly their paths.
 */
int repo_git_walk(repo_git *g, const unsigned char tree[REPO_OID_RAW],
    const char *prefix, const repo_index *ix, repo_scan *s, sr_err *err);
void repo_git_close(repo_git *g);

/*
 * For the leak check (check.c): the index with its blob ids, trees, blobs
 * and history. Callbacks return 0 to go on, -1 to stop (having set their
 * own error); the function then returns -1 and leaves err alone.
 */
typedef int (*repo_file_cb)(void *arg, const char *path, size_t len,
    unsigned mode, const unsigned char oid[REPO_OID_RAW]);
/* A subtree met in a tree walk: 1 skips it, 0 walks it, -1 stops. */
typedef int (*repo_dir_cb)(void *arg, const unsigned char oid[REPO_OID_RAW]);
typedef int (*repo_blob_cb)(void *arg, const unsigned char *data,
    size_t len);
typedef int (*repo_commit_cb)(void *arg,
    const unsigned char commit[REPO_OID_RAW],
    const unsigned char tree[REPO_OID_RAW]);

/* Every entry of the index file (all stages, in index order). */
int repo_git_index_each(repo_git *g, repo_file_cb fn, void *arg,
    sr_err *err);
/* Every file of the tree (blobs, symlinks, gitlinks; the mode tells),
 * paths prefixed with prefix ("" or ending in '/'); dir may be NULL. */
int repo_git_tree_each(repo_git *g, const unsigned char tree[REPO_OID_RAW],
    const char *prefix, repo_file_cb fn, repo_dir_cb dir, void *arg,
    sr_err *err);
/* The blob's bytes, valid during fn only. */
int repo_git_blob(repo_git *g, const unsigned char oid[REPO_OID_RAW],
    repo_blob_cb fn, void *arg, sr_err *err);
/* Every commit reachable from HEAD, newest first; none when unborn. */
int repo_git_history(repo_git *g, repo_commit_cb fn, void *arg,
    sr_err *err);
/* Where git runs hooks from: core.hooksPath, else the common dir's
 * hooks (no trailing '/'). */
int repo_git_hooks_dir(repo_git *g, char *buf, size_t size, sr_err *err);

/* ---- the cache (repo_cache.c) ------------------------------------ */

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
	char head[SR_REPO_OID_HEX + 1];	/* the commit, when known */
} repo_key;

void repo_key_make(repo_key *k, const repo_layout *l, const repo_match *m,
    const char *identity);
/* HEAD's commit by hand (loose ref, else packed-refs): 1 known. */
int repo_key_head(repo_key *k, const repo_layout *l);

/* A cache file: one clean verdict for one git dir. */
typedef struct repo_entry {
	unsigned char repo[REPO_KEY_BYTES];
	unsigned char state[REPO_KEY_BYTES];
	char root[SR_ERR_PATH_MAX];
	char head[SR_REPO_OID_HEX + 1];	/* "" when unborn */
	char tree[SR_REPO_OID_HEX + 1];	/* HEAD's tree; "" when unborn */
	char subs[REPO_SUBS_MAX];	/* gitlink paths, each NUL-ended */
	size_t subslen;
} repo_entry;

/* The cache directory for o; -1 when there is none to use. */
int repo_cache_dir(char *buf, size_t size, const sr_repo_opts *o);
int repo_cache_load(repo_entry *e, const char *dir, const char *gitdir);
int repo_cache_store(const repo_entry *e, const char *dir,
    const char *gitdir);
/* The blobs found free of identity material, one file per git dir:
 * a list (duplicates possible) into o; 0, or -1 with o empty. */
int repo_cache_load_keys(repo_oids *o, const char *dir, const char *gitdir);
int repo_cache_store_keys(const repo_oids *o, const char *dir,
    const char *gitdir);

#endif
