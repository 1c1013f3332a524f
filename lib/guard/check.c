/*
 * check.c - the leak check's walk over a repository (check.h).
 *
 * libgit2 (through lib/git's gitrepo.h, loaded with dlopen) lists the
 * index and the trees and reads the blobs; every path goes through the
 * guard's name rule (repo.c), every new blob through the matcher
 * (scan.c). Blob and tree ids already seen are skipped, so a history
 * scan reads each object once however many commits share it.
 */
#define _GNU_SOURCE	/* memrchr */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "gitrepo.h"
#include "keymat.h"
#include "repo_impl.h"

#define MODE_TYPE 0170000
#define MODE_FILE 0100000
#define MODE_LINK 0120000
#define MODE_DIR 0040000

typedef struct check_ctx {
	const sr_check_opts *o;
	sr_check_result *out;
	repo_git *git;
	repo_match m;
	char id_rel[PATH_MAX];	/* the identity in the work tree; "" */
	repo_oids blobs, trees;	/* sets (repo_oidset_add) */
	int names_only;		/* paths only: no blob is read */
	int names_only_index;	/* walking the index itself */
	int worktree;		/* head: scan tracked files' work tree copy */
	int rootfd;		/* the work tree (O_PATH), or -1 */
	unsigned char *wbuf;	/* a work tree file's bytes, reused */
	size_t wcap;
	repo_scan subs;		/* the index's gitlinks (subs only) */
	unsigned depth;		/* submodules above this repository */
	const sr_scan *scan;	/* NULL: nothing to search for */
	const char *path;	/* the blob being scanned */
	char commit[SR_REPO_OID_HEX + 1];
	size_t file_hits, file_first;
	sr_err *err;
} check_ctx;

/* ---- findings ---------------------------------------------------- */

static int
oom(check_ctx *c)
{
	return sr_err_set(c->err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
}

static sr_check_finding *
add_finding(check_ctx *c, sr_check_rule rule, const char *path)
{
	sr_check_result *r = c->out;
	sr_check_finding *f, *grown;
	size_t cap;

	if (r->n >= SR_CHECK_FINDINGS_MAX) {
		r->dropped++;
		return NULL;
	}
	if (r->n == r->cap) {
		cap = r->cap ? 2 * r->cap : 16;
		if ((grown = realloc(r->v, cap * sizeof(*grown))) == NULL)
			return NULL;
		r->v = grown;
		r->cap = cap;
	}
	f = &r->v[r->n];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return NULL;
	f->rule = rule;
	f->seq = r->n++;
	memcpy(f->commit, c->commit, sizeof(f->commit));
	return f;
}

/* A finding for path under rule; 0, or -1 when out of memory. */
static int
flag_path(check_ctx *c, sr_check_rule rule, const char *path)
{
	size_t before = c->out->dropped;

	if (add_finding(c, rule, path) == NULL && c->out->dropped == before)
		return oom(c);
	return 0;
}

static int
on_hit(void *arg, const sr_scan_hit *h)
{
	check_ctx *c = arg;
	sr_check_finding *f, *last;
	size_t before = c->out->dropped;

	/* one finding per line for a secret in one form */
	last = c->out->n > c->file_first ? &c->out->v[c->out->n - 1] : NULL;
	if (last != NULL && last->rule == SR_CHECK_SECRET &&
	    last->secret == h->secret &&
	    last->form == h->form && last->line == h->line)
		return 0;
	if (c->file_hits++ >= SR_CHECK_FILE_HITS_MAX) {
		c->out->dropped++;
		return 0;
	}
	if ((f = add_finding(c, SR_CHECK_SECRET, c->path)) == NULL)
		return c->out->dropped == before ? oom(c) : 0;
	f->line = h->line;
	f->column = h->column;
	f->secret = h->secret;
	f->form = h->form;
	return 0;
}

static int
cmp_finding(const void *a, const void *b)
{
	const sr_check_finding *x = a, *y = b;
	int d = strcmp(x->path, y->path);

	if (d != 0)
		return d;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->secret != y->secret)
		return x->secret < y->secret ? -1 : 1;
	if (x->form != y->form)
		return x->form < y->form ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
same_finding(const sr_check_finding *x, const sr_check_finding *y)
{
	return x->rule == y->rule && strcmp(x->path, y->path) == 0 &&
	    x->line == y->line && x->column == y->column &&
	    x->secret == y->secret && x->form == y->form;
}

/* Sorted; a path flagged in the index and in HEAD, or in many commits,
 * once (with the first commit it was found in: the newest). */
static void
finish(sr_check_result *r)
{
	size_t i, k = 0;

	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), cmp_finding);
	for (i = 0; i < r->n; i++) {
		if (k > 0 && same_finding(&r->v[k - 1], &r->v[i]))
			free(r->v[i].path);
		else
			r->v[k++] = r->v[i];
	}
	r->n = k;
}

/* ---- the walk ---------------------------------------------------- */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every secret key line in the blob, with its line and column. */
static int
find_keys(check_ctx *c, const unsigned char *data, size_t len)
{
	sr_check_finding *f;
	const unsigned char *nl;
	size_t at, pos = 0, line = 1, before;

	for (at = sr_keymat_find(data, len, 0); at < len;
	    at = sr_keymat_find(data, len, at + SR_KEYMAT_LEN)) {
		while ((nl = memchr(data + pos, '\n', at - pos)) != NULL) {
			line++;
			pos = (size_t)(nl - data) + 1;
		}
		if (c->file_hits++ >= SR_CHECK_FILE_HITS_MAX) {
			c->out->dropped++;
			continue;
		}
		before = c->out->dropped;
		if ((f = add_finding(c, SR_CHECK_KEY, c->path)) == NULL)
			return c->out->dropped == before ? oom(c) : 0;
		f->line = line;
		f->column = at - pos + 1;
	}
	return 0;
}

static int
on_blob(void *arg, const unsigned char *data, size_t len)
{
	check_ctx *c = arg;
	uint64_t t0 = now_ns();
	int rc;

	c->out->bytes += len;
	c->file_hits = 0;
	c->file_first = c->out->n;
	if (find_keys(c, data, len) != 0)
		return -1;
	if (c->scan == NULL)
		return 0;
	rc = sr_scan_buf(c->scan, data, len, on_hit, c);
	c->out->scan_ns += now_ns() - t0;
	return rc != 0 ? -1 : 0;
}

static int on_file(void *arg, const char *path, size_t len, unsigned mode,
    const unsigned char oid[REPO_OID_RAW]);

/*
 * A tracked file's work tree copy, opened beneath the work tree with no
 * symbolic link followed on the way (openat2; where the kernel has none,
 * O_NOFOLLOW on the last component), without blocking on a FIFO: a
 * regular file or nothing. -1 when there is none to read.
 */
static int
open_tracked(const check_ctx *c, const char *path)
{
	struct open_how how;
	struct stat st;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, c->rootfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(c->rootfd, path, (int)how.flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The whole of fd into c->wbuf: the length, or -1 when out of memory. */
static ssize_t
slurp(check_ctx *c, int fd)
{
	size_t len = 0, cap;
	unsigned char *grown;
	ssize_t r;

	for (;;) {
		if (len == c->wcap) {
			cap = c->wcap ? 2 * c->wcap : 65536;
			if ((grown = realloc(c->wbuf, cap)) == NULL)
				return -1;
			c->wbuf = grown;
			c->wcap = cap;
		}
		r = read(fd, c->wbuf + len, c->wcap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return (ssize_t)len;	/* an I/O error ends it */
		len += (size_t)r;
	}
}

/* SPEC §6: the default mode reads the work tree's tracked files too (an
 * unstaged edit holds a value before any commit does). Gone, replaced
 * by a link or a directory: nothing to read. */
static int
scan_tracked(check_ctx *c, const char *path)
{
	ssize_t n;
	int fd;

	if (c->rootfd < 0 || (fd = open_tracked(c, path)) < 0)
		return 0;
	n = slurp(c, fd);
	close(fd);
	if (n < 0)
		return oom(c);
	c->path = path;
	return on_blob(c, c->wbuf, (size_t)n);
}

/* A sparse index names a whole unchanged directory by its tree. */
static int
sparse_dir(check_ctx *c, const char *path, size_t len,
    const unsigned char oid[REPO_OID_RAW])
{
	char prefix[PATH_MAX];

	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len + 2 > sizeof(prefix))
		return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "path too "
		    "long in the index");
	memcpy(prefix, path, len);
	memcpy(prefix + len, "/", 2);
	return repo_git_tree_each(c->git, oid, prefix, on_file, NULL, c,
	    c->err);
}

static int
on_file(void *arg, const char *path, size_t len, unsigned mode,
    const unsigned char oid[REPO_OID_RAW])
{
	check_ctx *c = arg;
	const char *slash = memrchr(path, '/', len);
	int rc;

	if ((mode & MODE_TYPE) == MODE_DIR)
		return sparse_dir(c, path, len, oid);
	if (c->names_only_index && (mode & MODE_TYPE) == REPO_GITLINK) {
		repo_scan_sub(&c->subs, path, len);
		if (c->subs.oom)
			return oom(c);
	}
	if (++c->out->files % 1024 == 0 && c->o->progress)
		c->o->progress(c->o->progress_arg, c->out);
	if (!c->o->no_env_rule &&
	    repo_match_name(&c->m, slash ? slash + 1 : path) &&
	    flag_path(c, SR_CHECK_ENV_FILE, path) != 0)
		return -1;
	if (c->id_rel[0] != '\0' && strcmp(path, c->id_rel) == 0 &&
	    flag_path(c, SR_CHECK_IDENTITY, path) != 0)
		return -1;
	if (c->names_only && c->worktree && (mode & MODE_TYPE) == MODE_FILE)
		return scan_tracked(c, path);
	if (c->names_only || ((mode & MODE_TYPE) != MODE_FILE &&
	    (mode & MODE_TYPE) != MODE_LINK))
		return 0;	/* gitlinks name a commit, not bytes */
	if ((rc = repo_oidset_add(&c->blobs, oid)) <= 0)
		return rc < 0 ? oom(c) : 0;
	c->out->blobs++;
	c->path = path;
	return repo_git_blob(c->git, oid, on_blob, c, c->err);
}

static int
on_dir(void *arg, const unsigned char oid[REPO_OID_RAW])
{
	check_ctx *c = arg;
	int rc = repo_oidset_add(&c->trees, oid);

	return rc < 0 ? oom(c) : rc == 0;	/* seen: skip it */
}

static int
on_commit(void *arg, const unsigned char commit[REPO_OID_RAW],
    const unsigned char tree[REPO_OID_RAW])
{
	check_ctx *c = arg;
	int rc;

	c->out->commits++;
	if (c->o->progress)
		c->o->progress(c->o->progress_arg, c->out);
	if ((rc = repo_oidset_add(&c->trees, tree)) <= 0)
		return rc < 0 ? oom(c) : 0;
	repo_hex(c->commit, commit, REPO_OID_RAW);
	return repo_git_tree_each(c->git, tree, "", on_file, on_dir, c,
	    c->err);
}

/* The identity's path inside the work tree, when it is there. */
static void
identity_rel(check_ctx *c, const char *identity)
{
	char real[PATH_MAX];
	size_t rlen = strlen(c->out->root);

	c->id_rel[0] = '\0';
	if (identity == NULL || realpath(identity, real) == NULL ||
	    strncmp(real, c->out->root, rlen) != 0 || real[rlen] != '/')
		return;
	snprintf(c->id_rel, sizeof(c->id_rel), "%s", real + rlen + 1);
}

static int
walk(check_ctx *c)
{
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	int born;

	if ((born = repo_git_head(c->git, commit, tree, c->err)) < 0)
		return -1;
	if (born)
		repo_hex(c->out->head, commit, REPO_OID_RAW);
	c->names_only = c->o->mode != SR_CHECK_STAGED;
	c->worktree = c->o->mode == SR_CHECK_HEAD;
	c->names_only_index = 1;
	if (repo_git_index_each(c->git, on_file, c, c->err) != 0)
		return -1;
	c->names_only = c->worktree = c->names_only_index = 0;
	if (c->o->mode == SR_CHECK_HISTORY)
		return repo_git_history(c->git, on_commit, c, c->err);
	if (c->o->mode == SR_CHECK_HEAD && born)
		return repo_git_tree_each(c->git, tree, "", on_file, NULL, c,
		    c->err);
	return 0;
}

/* One line, whatever libgit2 said; an OS failure stays one. */
static int
wrap_error(sr_err *err, const char *root)
{
	return repo_wrap_error(err, root, err->kind == SR_ERR_SYSTEM ?
	    SR_ERR_SYSTEM : SR_ERR_CONFIG);
}

static int check_at(sr_check_result *out, const char *dir,
    const sr_check_opts *o, unsigned depth, sr_err *err);

/* A submodule's findings into c's, their paths under path/. */
static int
merge_sub(check_ctx *c, const sr_check_result *sub, const char *path)
{
	sr_check_finding *f;
	size_t i, plen = strlen(path), before;
	char *p;

	c->out->dropped += sub->dropped;
	c->out->files += sub->files;
	c->out->blobs += sub->blobs;
	c->out->commits += sub->commits;
	c->out->bytes += sub->bytes;
	c->out->scan_ns += sub->scan_ns;
	for (i = 0; i < sub->n; i++) {
		before = c->out->dropped;
		size_t len = plen + 1 + strlen(sub->v[i].path) + 1;
		if ((p = malloc(len)) == NULL)
			return oom(c);
		snprintf(p, len, "%s/%s", path, sub->v[i].path);
		f = add_finding(c, sub->v[i].rule, p);
		free(p);
		if (f == NULL) {
			if (c->out->dropped == before)
				return oom(c);
			continue;
		}
		f->line = sub->v[i].line;
		f->column = sub->v[i].column;
		f->secret = sub->v[i].secret;
		f->form = sub->v[i].form;
		memcpy(f->commit, sub->v[i].commit, sizeof(f->commit));
	}
	return 0;
}

/*
 * Checked-out submodules (issue 11): what an agent in the superproject
 * can read, checked as their own repositories in the same mode, and
 * their submodules in turn. The gitlinks are the index's.
 */
static int
check_subs(check_ctx *c)
{
	char dir[PATH_MAX];
	sr_check_result sub;
	const char *p;
	int rc;

	if (c->subs.subslen > 0 && c->depth >= REPO_SUB_DEPTH_MAX)
		return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "cannot "
		    "check %.300s: submodules nested more than %d deep",
		    c->out->root, REPO_SUB_DEPTH_MAX);
	for (p = c->subs.subs; p != NULL && p < c->subs.subs +
	    c->subs.subslen; p += strlen(p) + 1) {
		if (!repo_sub_dir(dir, c->out->root, p))
			continue;
		rc = check_at(&sub, dir, c->o, c->depth + 1, c->err);
		if (rc >= 0)
			rc = merge_sub(c, &sub, p);
		sr_check_result_free(&sub);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
sr_check_run(sr_check_result *out, const char *dir, const sr_check_opts *o,
    sr_err *err)
{
	char here[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (dir == NULL && (dir = getcwd(here, sizeof(here))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot tell "
		    "the current directory");
	return check_at(out, dir, o, 0, err);
}

static int
check_at(sr_check_result *out, const char *dir, const sr_check_opts *o,
    unsigned depth, sr_err *err)
{
	check_ctx c;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.rootfd = -1;
	c.depth = depth;
	c.o = o;
	c.out = out;
	c.err = err;
	c.scan = o->scan && sr_scan_patterns(o->scan) > 0 ? o->scan : NULL;
	if (repo_match_init(&c.m, o->patterns, o->npatterns) != 0)
		return oom(&c);
	if ((rc = repo_git_open(&c.git, dir, err)) <= 0) {
		if (rc == 0)
			sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%.300s is not "
			    "inside a git repository", dir);
		else
			wrap_error(err, dir);
		rc = -1;
		goto done;
	}
	snprintf(out->root, sizeof(out->root), "%s", repo_git_root(c.git));
	identity_rel(&c, o->identity_path);
	if (o->mode == SR_CHECK_HEAD && !repo_git_bare(c.git))
		c.rootfd = open(out->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if ((rc = walk(&c)) != 0) {
		rc = wrap_error(err, out->root);
		goto done;
	}
	if (repo_env_var() == NULL && !repo_git_bare(c.git) &&
	    (rc = check_subs(&c)) != 0)
		goto done;	/* a submodule's error is its own */
	finish(out);
	rc = out->n > 0 || out->dropped > 0 ? 1 : 0;
done:
	if (c.rootfd >= 0)
		close(c.rootfd);
	free(c.wbuf);
	free(c.subs.subs);
	repo_git_close(c.git);
	repo_match_free(&c.m);
	free(c.blobs.v);
	free(c.trees.v);
	return rc;
}

int
sr_check_hooks_dir(char *buf, size_t size, const char *dir, sr_err *err)
{
	repo_git *git;
	int rc;

	if ((rc = repo_git_open(&git, dir ? dir : ".", err)) <= 0)
		return rc == 0 ? sr_err_set(err, SR_ERR_CONFIG, NULL, 0,
		    "%.300s is not inside a git repository", dir ? dir : ".") :
		    wrap_error(err, dir ? dir : ".");
	rc = repo_git_hooks_dir(git, buf, size, err);
	repo_git_close(git);
	return rc;
}

void
sr_check_result_free(sr_check_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

const char *
sr_check_rule_id(sr_check_rule r)
{
	static const char *const ids[] = { "committed-env",
	    "tracked-identity", "known-secret", "identity-key" };

	return (size_t)r < sizeof(ids) / sizeof(ids[0]) ? ids[r] : "?";
}
