/*
 * repo_impl.h - what the parts of the repository guard share.
 *
 *   repo.c        the guard's steps, the patterns, the findings
 *   repo_keys.c   identity material in the candidates' blobs
 *   check.c       the leak check (`scoperun check`), which shares the
 *                 patterns and the scan
 *
 * Git itself (libgit2, the index file, the cache) is lib/git's: the guard
 * and the check use it through its public headers (gitrepo.h,
 * gitindex.h, gitcache.h) and nothing else.
 */
#ifndef SR_REPO_IMPL_H
#define SR_REPO_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "gitcache.h"
#include "gitrepo.h"
#include "repo.h"

_Static_assert(REPO_OID_HEX == SR_REPO_OID_HEX, "a commit id in hex");

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

/* The scan as the git readers' sink: each path to the calls below. */
void repo_scan_sink(repo_sink *out, repo_scan *s);
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

int repo_wrap_error(sr_err *err, const char *root, sr_err_kind kind);

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

/* What a look at the repository says, where it may not be able to tell
 * (lib/README.md: a third answer is an enum, not a 2). */
typedef enum repo_verdict {
	REPO_ERROR = -1,	/* err set */
	REPO_CLEAN = 0,
	REPO_FOUND = 1,		/* something to refuse */
	REPO_UNSURE = 2		/* not without libgit2: the full check says */
} repo_verdict;

/*
 * The candidates' verdict. Blobs already found clean (the cache's set,
 * when cache is not NULL) are not read again; the others are read
 * through git, or, git NULL, the answer is REPO_UNSURE. REPO_FOUND:
 * identity material, the blob in hit.
 */
repo_verdict repo_keys_check(repo_scan *s, repo_git *git, const char *cache,
    const char *gitdir, unsigned char hit[REPO_OID_RAW], sr_err *err);

/*
 * A set of object ids (repo_oids as a set, oidset.c): open addressing
 * on the id's first bytes (a hash already), the all-zero id an empty slot
 * and never added; cap a power of two, or 0 for the empty set.
 * repo_oidset_add: 1 added, 0 already there (or the zero id), -1 out of
 * memory. repo_oidset_has: 1 yes, 0 no.
 */
int repo_oidset_add(repo_oids *s, const unsigned char oid[REPO_OID_RAW]);
int repo_oidset_has(const repo_oids *s,
    const unsigned char oid[REPO_OID_RAW]);

#endif
