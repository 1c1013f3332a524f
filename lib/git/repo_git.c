/*
 * repo_git.c - libgit2 for the guard, loaded at run time (gitrepo.h).
 *
 * Linking libgit2 maps 18 shared libraries (TLS, SSH, Kerberos, PCRE)
 * into every scoperun process, and git_libgit2_init parses the system CA
 * bundle: milliseconds a run cannot afford when the cache or the absence
 * of a repository already answers. So scoperun is not linked against it:
 * the library is opened with dlopen by the SONAME the build was made
 * against (SR_LIBGIT2_SONAME, from CMake), only the functions below are
 * looked up, and its version must match the headers' major.minor (the
 * struct layouts used here are theirs). init and shutdown bracket each
 * use, so no pack file or descriptor outlives the check.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "gitindex.h"
#include "gitrepo.h"
#include "settings.h"

#ifndef SR_LIBGIT2_SONAME
#define SR_LIBGIT2_SONAME "libgit2.so"
#endif

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "dlsym results are stored as function pointers");

static struct git_api {
	int (*libgit2_init)(void);
	int (*libgit2_shutdown)(void);
	int (*libgit2_version)(int *, int *, int *);
	int (*libgit2_opts)(int, ...);
	const git_error *(*error_last)(void);
	int (*repository_open_ext)(git_repository **, const char *,
	    unsigned int, const char *);
	void (*repository_free)(git_repository *);
	const char *(*repository_workdir)(const git_repository *);
	const char *(*repository_path)(const git_repository *);
	int (*reference_name_to_id)(git_oid *, git_repository *,
	    const char *);
	int (*commit_lookup)(git_commit **, git_repository *,
	    const git_oid *);
	const git_oid *(*commit_tree_id)(const git_commit *);
	void (*commit_free)(git_commit *);
	int (*tree_lookup)(git_tree **, git_repository *, const git_oid *);
	void (*tree_free)(git_tree *);
	int (*tree_walk)(const git_tree *, git_treewalk_mode,
	    git_treewalk_cb, void *);
	const char *(*tree_entry_name)(const git_tree_entry *);
	git_object_t (*tree_entry_type)(const git_tree_entry *);
	const git_oid *(*tree_entry_id)(const git_tree_entry *);
	/* the leak check: the index, blobs, history, hooks */
	git_filemode_t (*tree_entry_filemode)(const git_tree_entry *);
	int (*index_open)(git_index **, const char *);
	size_t (*index_entrycount)(const git_index *);
	const git_index_entry *(*index_get_byindex)(git_index *, size_t);
	void (*index_free)(git_index *);
	int (*blob_lookup)(git_blob **, git_repository *, const git_oid *);
	const void *(*blob_rawcontent)(const git_blob *);
	git_object_size_t (*blob_rawsize)(const git_blob *);
	void (*blob_free)(git_blob *);
	int (*revwalk_new)(git_revwalk **, git_repository *);
	int (*revwalk_sorting)(git_revwalk *, unsigned int);
	int (*revwalk_push_head)(git_revwalk *);
	int (*revwalk_next)(git_oid *, git_revwalk *);
	void (*revwalk_free)(git_revwalk *);
	const char *(*repository_commondir)(const git_repository *);
	int (*repository_config_snapshot)(git_config **, git_repository *);
	int (*config_get_string)(const char **, const git_config *,
	    const char *);
	void (*config_free)(git_config *);
} api;

#define SYM(f) { "git_" #f, offsetof(struct git_api, f) }
static const struct {
	const char *name;
	size_t off;
} syms[] = {
	SYM(libgit2_init), SYM(libgit2_shutdown), SYM(libgit2_version),
	SYM(libgit2_opts), SYM(error_last), SYM(repository_open_ext),
	SYM(repository_free), SYM(repository_workdir), SYM(repository_path),
	SYM(reference_name_to_id), SYM(commit_lookup), SYM(commit_tree_id),
	SYM(commit_free), SYM(tree_lookup), SYM(tree_free), SYM(tree_walk),
	SYM(tree_entry_name), SYM(tree_entry_type), SYM(tree_entry_id),
	SYM(tree_entry_filemode), SYM(index_open), SYM(index_entrycount),
	SYM(index_get_byindex), SYM(index_free), SYM(blob_lookup),
	SYM(blob_rawcontent), SYM(blob_rawsize), SYM(blob_free),
	SYM(revwalk_new), SYM(revwalk_sorting), SYM(revwalk_push_head),
	SYM(revwalk_next), SYM(revwalk_free), SYM(repository_commondir),
	SYM(repository_config_snapshot), SYM(config_get_string),
	SYM(config_free),
};

struct repo_git {
	git_repository *repo;
	char gitdir[PATH_MAX];
	char root[PATH_MAX];
	char index[PATH_MAX];
};

static int
api_load(sr_err *err)
{
	static int loaded;
	void *h, *sym;
	int maj, min, rev;
	size_t i;

	if (loaded)
		return 0;
	if ((h = dlopen(SR_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the repository "
		    "guard needs libgit2 (%s): %.200s; install it, or set "
		    "[repo] refuse_committed_env = false", SR_LIBGIT2_SONAME,
		    dlerror());
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((sym = dlsym(h, syms[i].name)) == NULL) {
			dlclose(h);
			return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s "
			    "has no %s", SR_LIBGIT2_SONAME, syms[i].name);
		}
		memcpy((char *)&api + syms[i].off, &sym, sizeof(sym));
	}
	if (api.libgit2_version(&maj, &min, &rev) != 0 ||
	    maj != LIBGIT2_VER_MAJOR || min != LIBGIT2_VER_MINOR) {
		dlclose(h);
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s is libgit2 "
		    "%d.%d; scoperun was built for %d.%d", SR_LIBGIT2_SONAME,
		    maj, min, LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);
	}
	loaded = 1;
	return 0;
}

static int
git_fail(sr_err *err, const char *what)
{
	const git_error *e = api.error_last();

	return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s: %.300s", what,
	    e && e->message ? e->message : "unknown libgit2 error");
}

/* A git variable as cmd/ read it (settings.h); empty is unset, as git
 * has it. libgit2's FROM_ENV mode, chosen below when one is set, reads
 * the same variables from the environment itself. */
static const char *
env(sr_git_var v)
{
	const char *s = sr_settings_get()->git[v];

	return s != NULL && s[0] != '\0' ? s : NULL;
}

const char *
repo_env_var(void)
{
	sr_git_var v;

	for (v = 0; v < SR_GIT_VARS; v++)
		if (env(v) != NULL)
			return sr_settings_git_name(v);
	return NULL;
}

/* The real path of p into out, without a trailing '/'. */
static void
real_dir(char *out, const char *p)
{
	size_t n;

	if (realpath(p, out) != NULL)
		return;
	snprintf(out, PATH_MAX, "%s", p);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

/*
 * How git would find the repository. With GIT_DIR and friends set,
 * libgit2's FROM_ENV mode honours them (GIT_DIR needs a NULL path) --
 * except GIT_WORK_TREE, which it refuses: then the git dir is opened as
 * git would and the work tree taken from the variable.
 */
static int
open_repo(repo_git *g, const char *cwd, sr_err *err)
{
	const char *dir = env(SR_GIT_DIR), *wt = env(SR_GIT_WORK_TREE);
	const char *path = cwd, *ceiling = NULL;
	unsigned flags = 0;
	int rc;

	if (env(SR_GIT_COMMON_DIR) != NULL)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "GIT_COMMON_DIR "
		    "is set, which the repository guard cannot honour");
	if (wt != NULL) {
		path = dir ? dir : cwd;
		flags = dir ? GIT_REPOSITORY_OPEN_NO_SEARCH |
		    GIT_REPOSITORY_OPEN_NO_DOTGIT : 0;
		ceiling = env(SR_GIT_CEILING_DIRECTORIES);
	} else if (repo_env_var() != NULL) {
		path = dir ? NULL : cwd;
		flags = GIT_REPOSITORY_OPEN_FROM_ENV;
	}
	rc = api.repository_open_ext(&g->repo, path, flags, ceiling);
	if (rc == GIT_ENOTFOUND && dir == NULL)
		return 0;
	if (rc < 0)
		return git_fail(err, "cannot open it");
	real_dir(g->gitdir, api.repository_path(g->repo));
	if (wt != NULL)
		real_dir(g->root, wt);
	else if (api.repository_workdir(g->repo) != NULL)
		real_dir(g->root, api.repository_workdir(g->repo));
	else
		memcpy(g->root, g->gitdir, sizeof(g->root));
	if (repo_env_var() != NULL && env(SR_GIT_INDEX_FILE) != NULL)
		snprintf(g->index, sizeof(g->index), "%s",
		    env(SR_GIT_INDEX_FILE));
	else if ((size_t)snprintf(g->index, sizeof(g->index), "%s/index",
	    g->gitdir) >= sizeof(g->index))
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 1;
}

int
repo_git_open(repo_git **out, const char *cwd, sr_err *err)
{
	repo_git *g;
	int rc;

	*out = NULL;
	if (api_load(err) != 0)
		return -1;
	if (api.libgit2_init() < 0)
		return git_fail(err, "cannot start libgit2");
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		api.libgit2_shutdown();
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	/* The guard only reads, and must see a repository whoever owns
	 * it: git's safe.directory protects against running its hooks and
	 * config, which libgit2 never does here. */
	api.libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	/* Nor does it re-hash every object it reads, as git itself does not
	 * on a read: a damaged object store can cost a finding, not let a
	 * process be fooled into anything, and the hash doubles the cost of
	 * reading a commit's blobs. */
	api.libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if ((rc = open_repo(g, cwd, err)) <= 0) {
		repo_git_close(g);
		return rc;
	}
	*out = g;
	return 1;
}

const char *
repo_git_gitdir(const repo_git *g)
{
	return g->gitdir;
}

const char *
repo_git_root(const repo_git *g)
{
	return g->root;
}

const char *
repo_git_index_path(const repo_git *g)
{
	return g->index;
}

int
repo_git_bare(const repo_git *g)
{
	return strcmp(g->root, g->gitdir) == 0;
}

int
repo_git_head(repo_git *g, unsigned char commit[REPO_OID_RAW],
    unsigned char tree[REPO_OID_RAW], sr_err *err)
{
	git_commit *c;
	git_oid oid;
	int rc;

	rc = api.reference_name_to_id(&oid, g->repo, "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		return 0;
	if (rc < 0)
		return git_fail(err, "cannot resolve HEAD");
	if (api.commit_lookup(&c, g->repo, &oid) < 0)
		return git_fail(err, "cannot read HEAD's commit");
	memcpy(commit, oid.id, REPO_OID_RAW);
	memcpy(tree, api.commit_tree_id(c)->id, REPO_OID_RAW);
	api.commit_free(c);
	return 1;
}

typedef struct walk_ctx {
	const repo_index *ix;
	const repo_sink *sink;
	const char *prefix;
	size_t plen;
	char *buf;
	size_t cap;
	int oom;
} walk_ctx;

/* buf = prefix root name (name may be ""); NULL when out of memory. */
static const char *
join(walk_ctx *w, const char *root, const char *name, size_t *len)
{
	size_t rlen = strlen(root), nlen = strlen(name), need;
	char *grown;

	need = w->plen + rlen + nlen + 1;
	if (need > w->cap) {
		if ((grown = realloc(w->buf, 2 * need)) == NULL)
			return NULL;
		w->buf = grown;
		w->cap = 2 * need;
	}
	memcpy(w->buf, w->prefix, w->plen);
	memcpy(w->buf + w->plen, root, rlen);
	memcpy(w->buf + w->plen + rlen, name, nlen + 1);
	*len = w->plen + rlen + nlen;
	return w->buf;
}

static int
walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	walk_ctx *w = payload;
	const char *name = api.tree_entry_name(e), *path = root;
	const unsigned char *cached;
	size_t len = strlen(root);
	int bad;

	if (api.tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (w->ix == NULL)
			return 0;
		if ((path = join(w, root, name, &len)) == NULL)
			goto oom;
		cached = repo_index_tree(w->ix, path, len);
		return cached != NULL && memcmp(cached,
		    api.tree_entry_id(e)->id, REPO_OID_RAW) == 0 ? 1 : 0;
	}
	if (w->plen > 0 && (path = join(w, root, "", &len)) == NULL)
		goto oom;
	bad = w->sink->file(w->sink->arg, path, len, name) != 0;
	if (api.tree_entry_type(e) == GIT_OBJECT_COMMIT ||
	    api.tree_entry_filemode(e) == GIT_FILEMODE_BLOB ||
	    api.tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE) {
		if ((path = join(w, root, name, &len)) == NULL)
			goto oom;
		if (api.tree_entry_type(e) == GIT_OBJECT_COMMIT)
			bad |= w->sink->gitlink(w->sink->arg, path, len) != 0;
		else	/* a tree holds no sizes */
			bad |= w->sink->blob(w->sink->arg,
			    api.tree_entry_id(e)->id, 0, 0, path, len) != 0;
	}
	if (!bad)
		return 0;
oom:
	w->oom = 1;
	return -1;
}

int
repo_git_walk(repo_git *g, const unsigned char tree[REPO_OID_RAW],
    const char *prefix, const repo_index *ix, const repo_sink *sink,
    sr_err *err)
{
	walk_ctx w = { ix, sink, prefix, strlen(prefix), NULL, 0, 0 };
	git_tree *t;
	git_oid oid;
	int rc = 0;

	memcpy(oid.id, tree, REPO_OID_RAW);
	if (api.tree_lookup(&t, g->repo, &oid) < 0)
		return git_fail(err, "cannot read HEAD's tree");
	if (api.tree_walk(t, GIT_TREEWALK_PRE, walk_cb, &w) < 0)
		rc = w.oom ? sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of "
		    "memory") : git_fail(err, "cannot walk HEAD's tree");
	api.tree_free(t);
	free(w.buf);
	return rc;
}

void
repo_git_close(repo_git *g)
{
	if (g == NULL)
		return;
	if (g->repo != NULL)
		api.repository_free(g->repo);
	api.libgit2_shutdown();
	free(g);
}

/* ---- the leak check: index, trees, blobs, history ---------------- */

int
repo_git_index_each(repo_git *g, repo_file_cb fn, void *arg, sr_err *err)
{
	const git_index_entry *e;
	git_index *ix;
	size_t i, n;
	int rc = 0;

	/* The file the guard reads (GIT_INDEX_FILE honoured): git points
	 * hooks at a temporary index for `git commit -a` and `commit PATH`. */
	if (api.index_open(&ix, g->index) < 0)
		return git_fail(err, "cannot read the index");
	n = api.index_entrycount(ix);
	for (i = 0; i < n && rc == 0; i++)
		if ((e = api.index_get_byindex(ix, i)) != NULL)
			rc = fn(arg, e->path, strlen(e->path), e->mode,
			    e->id.id);
	api.index_free(ix);
	return rc;
}

typedef struct each_ctx {
	repo_file_cb fn;
	repo_dir_cb dir;
	void *arg;
	const char *prefix;
	size_t plen;
	char *buf;
	size_t cap;
	int stopped;		/* a callback said -1: its error stands */
} each_ctx;

static int
each_cb(const char *root, const git_tree_entry *e, void *payload)
{
	each_ctx *c = payload;
	const char *name = api.tree_entry_name(e);
	size_t rlen = strlen(root), nlen = strlen(name), len;
	char *grown;
	int rc;

	if (api.tree_entry_type(e) == GIT_OBJECT_TREE) {
		rc = c->dir ? c->dir(c->arg, api.tree_entry_id(e)->id) : 0;
	} else {
		len = c->plen + rlen + nlen;
		if (len + 1 > c->cap) {
			if ((grown = realloc(c->buf, 2 * (len + 1))) == NULL) {
				c->stopped = -1;
				return -1;
			}
			c->buf = grown;
			c->cap = 2 * (len + 1);
		}
		memcpy(c->buf, c->prefix, c->plen);
		memcpy(c->buf + c->plen, root, rlen);
		memcpy(c->buf + c->plen + rlen, name, nlen + 1);
		rc = c->fn(c->arg, c->buf, len,
		    (unsigned)api.tree_entry_filemode(e),
		    api.tree_entry_id(e)->id);
	}
	if (rc < 0)
		c->stopped = 1;
	return rc;
}

int
repo_git_tree_each(repo_git *g, const unsigned char tree[REPO_OID_RAW],
    const char *prefix, repo_file_cb fn, repo_dir_cb dir, void *arg,
    sr_err *err)
{
	each_ctx c = { fn, dir, arg, prefix, strlen(prefix), NULL, 0, 0 };
	git_tree *t;
	git_oid oid;
	int rc = 0;

	memcpy(oid.id, tree, REPO_OID_RAW);
	if (api.tree_lookup(&t, g->repo, &oid) < 0)
		return git_fail(err, "cannot read a tree");
	if (api.tree_walk(t, GIT_TREEWALK_PRE, each_cb, &c) < 0)
		rc = c.stopped > 0 ? -1 : c.stopped < 0 ? sr_err_set(err,
		    SR_ERR_SYSTEM, NULL, 0, "out of memory") :
		    git_fail(err, "cannot walk a tree");
	api.tree_free(t);
	free(c.buf);
	return rc;
}

int
repo_git_blob(repo_git *g, const unsigned char oid[REPO_OID_RAW],
    repo_blob_cb fn, void *arg, sr_err *err)
{
	git_blob *b;
	git_oid id;
	git_object_size_t size;
	int rc;

	memcpy(id.id, oid, REPO_OID_RAW);
	if (api.blob_lookup(&b, g->repo, &id) < 0)
		return git_fail(err, "cannot read a file's blob");
	size = api.blob_rawsize(b);
	if (size > SIZE_MAX) {
		api.blob_free(b);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "a blob is "
		    "too large for memory");
	}
	rc = fn(arg, api.blob_rawcontent(b), (size_t)size);
	api.blob_free(b);
	return rc;
}

int
repo_git_history(repo_git *g, repo_commit_cb fn, void *arg, sr_err *err)
{
	unsigned char tree[REPO_OID_RAW];
	git_revwalk *w;
	git_commit *c;
	git_oid oid;
	int rc;

	if (api.revwalk_new(&w, g->repo) < 0)
		return git_fail(err, "cannot walk the history");
	/* Children before parents: what is reported for a blob or a path
	 * met in many commits is the newest of them. */
	rc = api.revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (rc == 0)
		rc = api.revwalk_push_head(w);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		rc = 0;		/* unborn: no history */
		goto done;
	}
	if (rc < 0) {
		rc = git_fail(err, "cannot walk the history from HEAD");
		goto done;
	}
	while ((rc = api.revwalk_next(&oid, w)) == 0) {
		if (api.commit_lookup(&c, g->repo, &oid) < 0) {
			rc = git_fail(err, "cannot read a commit");
			goto done;
		}
		memcpy(tree, api.commit_tree_id(c)->id, REPO_OID_RAW);
		api.commit_free(c);
		if ((rc = fn(arg, oid.id, tree)) != 0)
			goto done;
	}
	rc = rc == GIT_ITEROVER ? 0 : git_fail(err, "cannot walk the history");
done:
	api.revwalk_free(w);
	return rc;
}

int
repo_git_hooks_dir(repo_git *g, char *buf, size_t size, sr_err *err)
{
	const char *hp = NULL, *home = sr_settings_get()->home;
	const char *common = api.repository_commondir(g->repo);
	git_config *cfg;
	size_t n;
	int w;

	if (api.repository_config_snapshot(&cfg, g->repo) < 0)
		return git_fail(err, "cannot read the git config");
	if (api.config_get_string(&hp, cfg, "core.hooksPath") < 0)
		hp = NULL;
	/* git's rules: absolute, ~/ for HOME, else relative to where hooks
	 * run (the work tree, or the git dir when bare). */
	if (hp == NULL || hp[0] == '\0')
		w = snprintf(buf, size, "%s%shooks", common, common[0] != '\0'
		    && common[strlen(common) - 1] == '/' ? "" : "/");
	else if (hp[0] == '/')
		w = snprintf(buf, size, "%s", hp);
	else if (hp[0] == '~' && hp[1] == '/' && home != NULL &&
	    home[0] != '\0')
		w = snprintf(buf, size, "%s%s", home, hp + 1);
	else
		w = snprintf(buf, size, "%s/%s", g->root, hp);
	api.config_free(cfg);
	if (w < 0 || (size_t)w >= size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the hooks "
		    "directory's path is too long");
	n = (size_t)w;
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}
