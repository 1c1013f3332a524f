/*
 * gitrepo.h - git access, for the repository guard and the leak check
 * (lib/git): what the guard (lib/guard/repo.c) and `scoperun check`
 * (lib/guard/check.c) know of git, and all of it.
 *
 *   gitrepo.h   a repository through libgit2, loaded at run time
 *               (repo_git.c): discovery, HEAD, trees, blobs, history
 *   gitindex.h  git's index file, read without libgit2 (repo_index.c)
 *   gitcache.h  the nearest .git found by hand, the cache key, the
 *               cache files (repo_cache.c)
 *
 * git owns its types and knows nothing of what its callers look for: a
 * reader reports each path through a repo_sink, a walk through the
 * callbacks below, so git/ depends on core/ alone.
 */
#ifndef SR_GITREPO_H
#define SR_GITREPO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define REPO_OID_RAW 20		/* SHA-1; libgit2 1.5 reads nothing else */
#define REPO_OID_HEX (2 * REPO_OID_RAW)
#define REPO_GITLINK 0160000

/* raw as lower-case hex into out (2 n + 1 bytes). */
void repo_hex(char *out, const unsigned char *raw, size_t n);
/* 2 n lower-case hex digits, then the string's end, into out: 0, or -1. */
int repo_unhex(unsigned char *out, const char *hex, size_t n);

/*
 * What the index reader and the HEAD walk report of each tracked path.
 * Each returns 0, or -1 when out of memory: the reader then fails with
 * "out of memory".
 */
typedef struct repo_sink {
	/* every tracked file: dir is "" or ends in '/'; name has no '/' */
	int (*file)(void *arg, const char *dir, size_t dirlen,
	    const char *name);
	/* a gitlink (a submodule's commit) at path */
	int (*gitlink)(void *arg, const char *path, size_t len);
	/* a regular file's blob; size_known 0 when the reader has no size
	 * (a tree holds none) */
	int (*blob)(void *arg, const unsigned char oid[REPO_OID_RAW],
	    uint64_t size, int size_known, const char *path, size_t len);
	void *arg;
} repo_sink;

typedef struct repo_git repo_git;
typedef struct repo_index repo_index;	/* gitindex.h */

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
 * Report the tree's files to sink, their paths prefixed with prefix (""
 * or ending in '/'). Subtrees whose id the index's cache tree holds at
 * the same path are skipped: the index has exactly their paths.
 */
int repo_git_walk(repo_git *g, const unsigned char tree[REPO_OID_RAW],
    const char *prefix, const repo_index *ix, const repo_sink *sink,
    sr_err *err);
void repo_git_close(repo_git *g);

/*
 * For the leak check: the index with its blob ids, trees, blobs and
 * history. Callbacks return 0 to go on, -1 to stop (having set their
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

#endif
