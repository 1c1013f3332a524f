/*
 * gitindex.h - git's index file, read without libgit2 (repo_index.c).
 *
 * The index is read here rather than through libgit2 for speed: in a
 * 100,000-file repository libgit2's reader (per-entry allocation, path
 * validation, a hash map) takes about 100 ms where `git ls-files` takes
 * 30; a plain scan of the names takes a few. Like git outside fsck, the
 * reader does not verify the trailing checksum; it checks the structure.
 */
#ifndef SR_GITINDEX_H
#define SR_GITINDEX_H

#include <stddef.h>

#include "err.h"
#include "gitrepo.h"

typedef struct repo_tree_ref {
	char *path;		/* "" for the root, else "a/b" */
	unsigned char oid[REPO_OID_RAW];
} repo_tree_ref;

struct repo_index {
	repo_tree_ref *trees;	/* valid cache-tree nodes, sorted */
	size_t ntrees, captrees;
	repo_tree_ref *sparse;	/* sparse-directory entries: whole trees
				   the index names by id, not by path */
	size_t nsparse, capsparse;
	size_t entries;
};

/*
 * Report every path of the index file at path to sink (a missing file
 * is an empty index). gitdir is where a split index keeps its shared
 * part. A damaged file is an error naming the file and the fault.
 */
int repo_index_read(repo_index *ix, const repo_sink *sink, const char *path,
    const char *gitdir, sr_err *err);
/* The tree id the index's cache tree holds for dir ("" = the root, else
 * no trailing '/'), or NULL when it has none that is valid. */
const unsigned char *repo_index_tree(const repo_index *ix, const char *dir,
    size_t len);
void repo_index_free(repo_index *ix);

#endif
