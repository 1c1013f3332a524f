/*
 * repo.c - the repository guard's steps (repo.h).
 *
 * In order: find the nearest .git by hand; none means no repository, and
 * nothing more is done. Then the cache: a clean verdict stored under the
 * same key answers at once. When only the index changed and HEAD did not
 * (git add, or git status refreshing stat data), the index alone can
 * answer if its cache tree still matches HEAD's tree. Otherwise libgit2 is
 * loaded: it finds the repository the way git does, the index is scanned,
 * and HEAD's tree is walked where it differs from the index.
 */
#include "repo.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitcache.h"
#include "gitindex.h"
#include "gitrepo.h"
#include "repo_impl.h"

static const char *const default_patterns[] = {
	".env", ".env.*", "*.env", "!.env.example", "!.env.sample",
	"!.env.template", "!.env.dist",
};

/* ---- patterns ---------------------------------------------------- */

/*
 * The longest run of plain characters in pat: every name fnmatch(3)
 * matches holds it. Brackets and escapes end a run; a bracket expression
 * is skipped whole (to the end of pat when it is never closed, which
 * only shortens what is kept, never adds a wrong literal).
 */
static repo_lit
longest_literal(const char *pat)
{
	repo_lit best = { NULL, 0 };
	const char *p = pat, *run = pat;

	for (;;) {
		if (*p == '\0' || *p == '*' || *p == '?' || *p == '[' ||
		    *p == '\\') {
			if ((size_t)(p - run) > best.len) {
				best.p = run;
				best.len = (size_t)(p - run);
			}
			if (*p == '\0')
				return best;
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '[') {
				p++;
				if (*p == '!' || *p == '^')
					p++;
				if (*p == ']')
					p++;
				while (*p != '\0' && *p != ']')
					p++;
				if (*p == '\0')
					return best;
			}
			run = p + 1;
		}
		p++;
	}
}

/* memmem for the short needles here: glibc's sets up a two-way search
 * per call, which costs more than the search in a file name. */
static int
contains(const char *s, size_t n, const repo_lit *l)
{
	const char *p = s, *end = s + n;

	while ((size_t)(end - p) >= l->len &&
	    (p = memchr(p, l->p[0], (size_t)(end - p) - l->len + 1)) != NULL) {
		if (memcmp(p, l->p, l->len) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* A literal holding another is redundant: a name holding it holds the
 * other too. (.env.* needs ".env.", *.env needs ".env": ".env" does.) */
static void
drop_redundant(repo_match *m)
{
	size_t i, j, k = 0;

	for (i = 0; i < m->nlit; i++) {
		for (j = 0; j < m->nlit; j++) {
			if (j == i || m->lit[j].len > m->lit[i].len ||
			    (m->lit[j].len == m->lit[i].len && j > i))
				continue;
			if (contains(m->lit[i].p, m->lit[i].len, &m->lit[j]))
				break;
		}
		if (j == m->nlit)
			m->lit[k++] = m->lit[i];
	}
	m->nlit = k;
}

int
repo_match_init(repo_match *m, const char *const *pat, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	if (pat == NULL || n == 0) {
		pat = default_patterns;
		n = sizeof(default_patterns) / sizeof(default_patterns[0]);
	}
	m->pat = pat;
	m->n = n;
	if ((m->lit = calloc(n, sizeof(*m->lit))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		repo_lit l;
		if (pat[i][0] == '!' || pat[i][0] == '\0')
			continue;	/* exclusions never make a match */
		l = longest_literal(pat[i]);
		if (l.len == 0)
			m->no_filter = 1;
		else
			m->lit[m->nlit++] = l;
	}
	drop_redundant(m);
	return 0;
}

void
repo_match_free(repo_match *m)
{
	free(m->lit);
	m->lit = NULL;
}

/* gitignore's rule: the last pattern that matches decides. */
int
repo_match_name(const repo_match *m, const char *name)
{
	size_t i, len;
	int hit = 0;

	if (!m->no_filter) {
		len = strlen(name);
		for (i = 0; i < m->nlit; i++)
			if (contains(name, len, &m->lit[i]))
				break;
		if (i == m->nlit)
			return 0;
	}
	for (i = 0; i < m->n; i++) {
		const char *p = m->pat[i];
		int neg = p[0] == '!';
		if (p[neg] != '\0' && fnmatch(p + neg, name, 0) == 0)
			hit = !neg;
	}
	return hit;
}

int
sr_repo_name_matches(const char *name, const char *const *patterns,
    size_t npatterns)
{
	repo_match m;
	int hit;

	if (repo_match_init(&m, patterns, npatterns) != 0)
		return 0;
	hit = repo_match_name(&m, name);
	repo_match_free(&m);
	return hit;
}

/* ---- findings ---------------------------------------------------- */

void
repo_scan_add(repo_scan *s, const char *dir, size_t dirlen, const char *name)
{
	size_t nlen;
	char *p, **grown;

	if (s->id_dir != NULL && dirlen == s->id_dirlen &&
	    strcmp(name, s->id_name) == 0 &&
	    memcmp(dir, s->id_dir, dirlen) == 0)
		s->identity_tracked = 1;
	if (!repo_match_name(s->m, name))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		if ((grown = realloc(s->paths, cap * sizeof(*grown))) == NULL) {
			s->oom = 1;
			return;
		}
		s->paths = grown;
		s->cap = cap;
	}
	nlen = strlen(name);
	if ((p = malloc(dirlen + nlen + 1)) == NULL) {
		s->oom = 1;
		return;
	}
	memcpy(p, dir, dirlen);
	memcpy(p + dirlen, name, nlen + 1);
	s->paths[s->n++] = p;
}

void
repo_scan_sub(repo_scan *s, const char *path, size_t len)
{
	size_t cap;
	char *grown;

	if (s->subslen + len + 1 > s->subscap) {
		cap = 2 * (s->subslen + len + 1);
		if ((grown = realloc(s->subs, cap)) == NULL) {
			s->oom = 1;
			return;
		}
		s->subs = grown;
		s->subscap = cap;
	}
	memcpy(s->subs + s->subslen, path, len);
	s->subs[s->subslen + len] = '\0';
	s->subslen += len + 1;
}

static int
sink_file(void *arg, const char *dir, size_t dirlen, const char *name)
{
	repo_scan *s = arg;

	repo_scan_add(s, dir, dirlen, name);
	return s->oom ? -1 : 0;
}

static int
sink_gitlink(void *arg, const char *path, size_t len)
{
	repo_scan *s = arg;

	repo_scan_sub(s, path, len);
	return s->oom ? -1 : 0;
}

static int
sink_blob(void *arg, const unsigned char oid[REPO_OID_RAW], uint64_t size,
    int size_known, const char *path, size_t len)
{
	repo_scan *s = arg;

	repo_scan_cand(s, oid, size, size_known, path, len);
	return s->oom ? -1 : 0;
}

void
repo_scan_sink(repo_sink *out, repo_scan *s)
{
	out->file = sink_file;
	out->gitlink = sink_gitlink;
	out->blob = sink_blob;
	out->arg = s;
}

static void
scan_free(repo_scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->subs);
	free(s->found);
	repo_oids_free(&s->cand);
	memset(s, 0, sizeof(*s));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted and unique: the count, and the first few kept in out. */
static int
scan_result(sr_repo_finding *out, repo_scan *s)
{
	size_t i, k = 0;

	if (s->n > 1)
		qsort(s->paths, s->n, sizeof(*s->paths), cmp_str);
	for (i = 0; i < s->n; i++) {
		if (k > 0 && strcmp(s->paths[i], s->paths[k - 1]) == 0)
			free(s->paths[i]);
		else
			s->paths[k++] = s->paths[i];
	}
	s->n = k;
	out->count = k;
	for (i = 0; i < k && i < SR_REPO_LISTED_MAX; i++) {
		out->listed[i] = s->paths[i];
		s->paths[i] = NULL;
	}
	out->nlisted = i;
	out->identity_tracked = s->identity_tracked;
	return out->count > 0 || out->identity_tracked ? 1 : 0;
}

void
sr_repo_finding_free(sr_repo_finding *f)
{
	size_t i;

	for (i = 0; i < f->nlisted; i++)
		free(f->listed[i]);
	f->nlisted = 0;
}

const char *
sr_repo_cache_state_name(sr_repo_cache_state s)
{
	static const char *const names[] = { "unused", "hit", "index",
	    "stored", "racy", "miss", "skipped" };

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- the guard --------------------------------------------------- */

typedef struct guard {
	const sr_repo_opts *o;
	const char *cwd;
	repo_match m;
	char identity[PATH_MAX];	/* real path, "" when none */
	char cache[SR_ERR_PATH_MAX];	/* "" when no cache */
	repo_layout l;
	repo_key k;
	repo_entry e;			/* what to store */
	char *subs;			/* the gitlinks to look inside */
	size_t subslen;
	unsigned depth;			/* submodules above this one */
} guard;

/* The identity's real path; a missing file by its directory's. */
static void
identity_resolve(char *out, const char *path)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash, *base;
	int n;

	out[0] = '\0';
	if (path == NULL || path[0] == '\0' || realpath(path, out) != NULL)
		return;
	out[0] = '\0';
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	n = slash == path ? snprintf(tmp, sizeof(tmp), "/") : slash ?
	    snprintf(tmp, sizeof(tmp), "%.*s", (int)(slash - path), path) :
	    snprintf(tmp, sizeof(tmp), ".");
	if (n < 0 || (size_t)n >= sizeof(tmp) || base[0] == '\0' ||
	    realpath(tmp, dir) == NULL)
		return;
	n = snprintf(out, PATH_MAX, "%s/%s", strcmp(dir, "/") ? dir : "",
	    base);
	if (n < 0 || n >= PATH_MAX)
		out[0] = '\0';
}

/* Start a scan; the identity counts when it lies inside root. */
static void
scan_begin(repo_scan *s, guard *g, const char *root, sr_repo_finding *out)
{
	size_t rlen = strlen(root);
	const char *rel, *slash;

	memset(s, 0, sizeof(*s));
	s->m = &g->m;
	if (g->identity[0] == '\0' || strncmp(g->identity, root, rlen) != 0 ||
	    g->identity[rlen] != '/')
		return;
	rel = g->identity + rlen + 1;
	snprintf(out->identity, sizeof(out->identity), "%s", rel);
	slash = strrchr(rel, '/');
	s->id_dir = rel;
	s->id_dirlen = slash ? (size_t)(slash - rel) + 1 : 0;
	s->id_name = slash ? slash + 1 : rel;
}

/* One line, whatever libgit2 or the file system said; kind picks the
 * exit status the CLI maps it to. Shared with check.c. */
int
repo_wrap_error(sr_err *err, const char *root, sr_err_kind kind)
{
	char msg[SR_ERR_MSG_MAX];
	size_t i;

	snprintf(msg, sizeof(msg), "%s", err->msg);
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = ' ';
	return sr_err_set(err, kind, NULL, 0, "cannot check the git "
	    "repository at %.300s: %s", root, msg);
}

static int
wrap_error(sr_err *err, const char *root)
{
	return repo_wrap_error(err, root, SR_ERR_CONFIG);
}

/* The scan's gitlinks: what to look inside, and what the cache keeps
 * (one line each: a path with a control byte, or too many, are not). */
static void
keep_subs(guard *g, repo_scan *s)
{
	size_t i;

	free(g->subs);
	g->subs = s->subs;
	g->subslen = s->subslen;
	s->subs = NULL;
	s->subslen = s->subscap = 0;
	g->e.subslen = 0;
	for (i = 0; i < g->subslen; i++)
		if ((unsigned char)g->subs[i] < 0x20 && g->subs[i] != '\0')
			g->k.ok = 0;
	if (g->subslen > sizeof(g->e.subs))
		g->k.ok = 0;
	else if (g->subslen > 0) {
		memcpy(g->e.subs, g->subs, g->subslen);
		g->e.subslen = g->subslen;
	}
}

/* The cache entry's gitlinks, on a hit. */
static int
hit_subs(guard *g, const repo_entry *e)
{
	if (e->subslen == 0)
		return 0;
	if ((g->subs = malloc(e->subslen)) == NULL)
		return -1;
	memcpy(g->subs, e->subs, e->subslen);
	g->subslen = e->subslen;
	return 0;
}

/*
 * Which path holds the blob with identity material: the index's, else
 * HEAD's (tree NULL: unborn). Read again only on such a finding.
 */
static int
key_path(sr_repo_finding *out, repo_git *git,
    const unsigned char hit[REPO_OID_RAW], const unsigned char *tree,
    sr_err *err)
{
	static const char *const none[] = { "!*" };
	repo_index again = { 0 };
	repo_match m;
	repo_scan s;
	repo_sink sink;
	int rc = -1;

	if (repo_match_init(&m, none, 1) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	memset(&s, 0, sizeof(s));
	s.m = &m;
	s.find = hit;
	repo_scan_sink(&sink, &s);
	if (repo_index_read(&again, &sink, repo_git_index_path(git),
	    repo_git_gitdir(git), err) != 0)
		goto done;
	if (s.found == NULL && tree != NULL &&
	    repo_git_walk(git, tree, "", NULL, &sink, err) != 0)
		goto done;
	out->identity_tracked = out->identity_material = 1;
	snprintf(out->identity, sizeof(out->identity), "%s",
	    s.found ? s.found : "?");
	rc = 0;
done:
	free(s.found);
	repo_oids_free(&s.cand);
	free(s.subs);
	repo_index_free(&again);
	repo_match_free(&m);
	return rc;
}

/*
 * The full check, through libgit2. On a clean verdict g->e holds what
 * the cache may store; 1 findings, 0 clean, -1 error.
 */
static int
full_check(sr_repo_finding *out, guard *g, sr_err *err)
{
	repo_git *git = NULL;
	repo_index ix = { 0 };
	repo_scan s;
	repo_sink sink;
	unsigned char commit[REPO_OID_RAW], tree[REPO_OID_RAW];
	unsigned char hit[REPO_OID_RAW];
	const unsigned char *cached;
	char real[PATH_MAX];
	size_t i;
	repo_verdict keys;
	int rc, born = 0;

	out->loaded_libgit2 = 1;
	if ((rc = repo_git_open(&git, g->cwd, err)) <= 0)
		return rc < 0 ? wrap_error(err, g->cwd) : 0;
	out->in_repo = 1;
	snprintf(out->root, sizeof(out->root), "%s", repo_git_root(git));
	scan_begin(&s, g, out->root, out);
	repo_scan_sink(&sink, &s);
	rc = -1;
	if (repo_index_read(&ix, &sink, repo_git_index_path(git),
	    repo_git_gitdir(git), err) != 0 ||
	    (born = repo_git_head(git, commit, tree, err)) < 0)
		goto done;
	cached = repo_index_tree(&ix, "", 0);
	if (born && !(cached && memcmp(cached, tree, REPO_OID_RAW) == 0) &&
	    repo_git_walk(git, tree, "", &ix, &sink, err) != 0)
		goto done;
	for (i = 0; i < ix.nsparse; i++) {
		char prefix[SR_ERR_PATH_MAX];
		snprintf(prefix, sizeof(prefix), "%s/", ix.sparse[i].path);
		if (repo_git_walk(git, ix.sparse[i].oid, prefix, NULL, &sink,
		    err) != 0)
			goto done;
	}
	if (s.oom) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
		goto done;
	}
	if (born) {
		repo_hex(out->head, commit, REPO_OID_RAW);
		repo_hex(g->e.tree, tree, REPO_OID_RAW);
	}
	rc = scan_result(out, &s);
	/* your identity file tracked says more than material in it; with
	 * git at hand the keys check is never REPO_UNSURE */
	if (!out->identity_tracked && (keys = repo_keys_check(&s, git,
	    g->cache, repo_git_gitdir(git), hit, err)) != REPO_CLEAN) {
		if (keys != REPO_FOUND || key_path(out, git, hit,
		    born ? tree : NULL, err) != 0) {
			rc = -1;
			goto done;
		}
		rc = 1;
	}
	keep_subs(g, &s);
	snprintf(g->e.root, sizeof(g->e.root), "%s", out->root);
	memcpy(g->e.head, out->head, sizeof(g->e.head));
	/* The cache is for the git dir found by hand: store only when
	 * libgit2 found the same one. */
	if (!g->k.ok || realpath(g->l.gitdir, real) == NULL ||
	    strcmp(repo_git_gitdir(git), real) != 0)
		g->k.ok = 0;
done:
	if (rc < 0)
		wrap_error(err, out->root);
	scan_free(&s);
	repo_index_free(&ix);
	repo_git_close(git);
	return rc;
}

/*
 * HEAD is the commit the cache entry was made for, so its tree is known:
 * when the index's cache tree still has that tree at its root, the index
 * holds every path of HEAD and decides alone. Never REPO_ERROR: what the
 * index cannot say, REPO_UNSURE, the full check says.
 */
static repo_verdict
index_check(sr_repo_finding *out, guard *g, const repo_entry *prev,
    sr_err *err)
{
	char path[SR_ERR_PATH_MAX];
	unsigned char tree[REPO_OID_RAW], hit[REPO_OID_RAW];
	const unsigned char *cached;
	repo_index ix = { 0 };
	repo_scan s;
	repo_verdict v = REPO_UNSURE;
	repo_sink sink;

	if (repo_unhex(tree, prev->tree, REPO_OID_RAW) != 0 ||
	    (size_t)snprintf(path, sizeof(path), "%s/index", g->l.gitdir) >=
	    sizeof(path))
		return REPO_UNSURE;
	scan_begin(&s, g, prev->root, out);
	repo_scan_sink(&sink, &s);
	if (repo_index_read(&ix, &sink, path, g->l.gitdir, err) != 0) {
		sr_err_clear(err);	/* let the full check say it */
		goto done;
	}
	cached = repo_index_tree(&ix, "", 0);
	if (s.oom || ix.nsparse > 0 || cached == NULL ||
	    memcmp(cached, tree, REPO_OID_RAW) != 0)
		goto done;
	/* a blob not yet known clean needs libgit2: the full check */
	if (repo_keys_check(&s, NULL, g->cache, g->l.gitdir, hit, err) !=
	    REPO_CLEAN) {
		sr_err_clear(err);
		goto done;
	}
	out->in_repo = 1;
	snprintf(out->root, sizeof(out->root), "%s", prev->root);
	memcpy(out->head, prev->head, sizeof(out->head));
	v = scan_result(out, &s) ? REPO_FOUND : REPO_CLEAN;
	g->e = *prev;
	keep_subs(g, &s);
done:
	if (v == REPO_UNSURE)
		out->identity[0] = '\0';
	scan_free(&s);
	repo_index_free(&ix);
	return v;
}

static void
store(sr_repo_finding *out, guard *g, sr_repo_cache_state ok)
{
	memcpy(g->e.repo, g->k.repo, sizeof(g->e.repo));
	memcpy(g->e.state, g->k.state, sizeof(g->e.state));
	if (g->k.racy)
		out->cache = SR_REPO_CACHE_RACY;
	else if (repo_cache_store(&g->e, g->cache, g->l.gitdir) == 0)
		out->cache = ok;
	else
		out->cache = SR_REPO_CACHE_MISS;
}

static int
guard_run(sr_repo_finding *out, guard *g, sr_err *err)
{
	repo_entry prev;
	repo_verdict v;
	int rc, have;

	if (repo_env_var() != NULL) {
		out->cache = SR_REPO_CACHE_SKIPPED;
		return full_check(out, g, err);
	}
	repo_layout_find(&g->l, g->cwd);
	if (!g->l.found)
		return 0;
	if (g->l.simple && g->cache[0] != '\0')
		repo_key_make(&g->k, &g->l, g->m.pat, g->m.n, g->identity);
	if (!g->k.ok) {
		out->cache = g->cache[0] ? SR_REPO_CACHE_SKIPPED :
		    SR_REPO_CACHE_UNUSED;
		return full_check(out, g, err);
	}
	have = repo_cache_load(&prev, g->cache, g->l.gitdir) == 0 &&
	    memcmp(prev.repo, g->k.repo, REPO_KEY_BYTES) == 0;
	if (have && memcmp(prev.state, g->k.state, REPO_KEY_BYTES) == 0) {
		out->in_repo = 1;
		out->cache = SR_REPO_CACHE_HIT;
		snprintf(out->root, sizeof(out->root), "%s", prev.root);
		memcpy(out->head, prev.head, sizeof(out->head));
		if (hit_subs(g, &prev) != 0)
			return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
			    "out of memory");
		return 0;
	}
	if (have && prev.tree[0] != '\0' && repo_key_head(&g->k, &g->l) &&
	    strcmp(g->k.head, prev.head) == 0 &&
	    (v = index_check(out, g, &prev, err)) != REPO_UNSURE) {
		if (v == REPO_CLEAN)
			store(out, g, SR_REPO_CACHE_INDEX);
		else
			out->cache = SR_REPO_CACHE_MISS;
		return v == REPO_FOUND;
	}
	rc = full_check(out, g, err);
	if (rc == 0 && out->in_repo && g->k.ok)
		store(out, g, SR_REPO_CACHE_STORED);
	else
		out->cache = SR_REPO_CACHE_MISS;
	return rc;
}

/* ---- checked-out submodules (issue 11) --------------------------- */

static int guard_at(sr_repo_finding *out, const char *cwd,
    const sr_repo_opts *o, unsigned depth, sr_err *err);

/*
 * Is a submodule checked out at root/path: a real directory (no link on
 * the way) holding a .git, whose repository's work tree is that
 * directory? Its full path into dir when so.
 */
int
repo_sub_dir(char *dir, const char *root, const char *path)
{
	char p[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(dir, PATH_MAX, "%s/%s", root, path) >= PATH_MAX ||
	    (size_t)snprintf(p, sizeof(p), "%s/.git", dir) >= sizeof(p) ||
	    lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    lstat(p, &st) != 0 || realpath(dir, real) == NULL)
		return 0;
	return strcmp(real, dir) == 0;
}

static int
cmp_str(const void *a, const void *b);

/* A submodule's findings into out, its paths under path/. */
static int
merge_sub(sr_repo_finding *out, sr_repo_finding *sub, const char *path)
{
	char *all[2 * SR_REPO_LISTED_MAX];
	size_t i, n = 0, plen = strlen(path);

	for (i = 0; i < out->nlisted; i++)
		all[n++] = out->listed[i];
	for (i = 0; i < sub->nlisted; i++) {
		size_t len = plen + 1 + strlen(sub->listed[i]) + 1;
		if ((all[n] = malloc(len)) == NULL)
			break;
		snprintf(all[n++], len, "%s/%s", path, sub->listed[i]);
	}
	qsort(all, n, sizeof(*all), cmp_str);
	for (i = SR_REPO_LISTED_MAX; i < n; i++)
		free(all[i]);
	out->nlisted = n < SR_REPO_LISTED_MAX ? n : SR_REPO_LISTED_MAX;
	memcpy(out->listed, all, out->nlisted * sizeof(*all));
	out->count += sub->count;
	if (sub->identity_tracked && !out->identity_tracked) {
		int w = snprintf(out->identity, sizeof(out->identity), "%s/%s",
		    path, sub->identity);
		out->identity_tracked = 1;
		out->identity_material = sub->identity_material;
		if (w < 0 || (size_t)w >= sizeof(out->identity))
			out->identity[0] = '\0';	/* the message says less */
	}
	out->loaded_libgit2 |= sub->loaded_libgit2;
	return i < sub->nlisted ? -1 : 0;
}

/*
 * An agent reads a checked-out submodule's files as it reads the
 * superproject's: each is guarded as its own repository (its HEAD and
 * index; its own cache entry), and its own submodules in turn. Only the
 * gitlinks of the index and of HEAD are looked at, so a nested
 * repository nothing tracks is not (git does not see it either).
 */
static int
guard_subs(sr_repo_finding *out, guard *g, sr_err *err)
{
	char dir[PATH_MAX];
	sr_repo_finding sub;
	const char *p;
	int rc = 0, r;

	if (g->subslen > 0 && g->depth >= REPO_SUB_DEPTH_MAX)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "cannot check "
		    "the git repository at %.300s: submodules nested more "
		    "than 16 deep", out->root);
	for (p = g->subs; p < g->subs + g->subslen; p += strlen(p) + 1) {
		if (!repo_sub_dir(dir, out->root, p))
			continue;
		r = guard_at(&sub, dir, g->o, g->depth + 1, err);
		if (r > 0 && merge_sub(out, &sub, p) != 0)
			r = sr_err_set(err, SR_ERR_SYSTEM, NULL, 0,
			    "out of memory");
		sr_repo_finding_free(&sub);
		if (r < 0)
			return -1;
		rc |= r;
	}
	return rc;
}

static int
guard_at(sr_repo_finding *out, const char *cwd, const sr_repo_opts *o,
    unsigned depth, sr_err *err)
{
	guard *g;
	int rc, sub;

	memset(out, 0, sizeof(*out));
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    repo_match_init(&g->m, o->patterns, o->npatterns) != 0) {
		free(g);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	}
	g->o = o;
	g->cwd = cwd;
	g->depth = depth;
	identity_resolve(g->identity, o->identity_path);
	if (o->no_cache ||
	    repo_cache_dir(g->cache, sizeof(g->cache), o->cache_dir) != 0)
		g->cache[0] = '\0';
	rc = guard_run(out, g, err);
	if (rc <= 0)
		out->identity_tracked = out->identity_material = 0;
	/* With GIT_DIR and friends set, git's own idea of the repository
	 * is the variables', which a submodule's discovery would take too. */
	if (rc >= 0 && out->in_repo && repo_env_var() == NULL &&
	    (sub = guard_subs(out, g, err)) != 0)
		rc = sub < 0 ? -1 : 1;
	repo_match_free(&g->m);
	free(g->subs);
	free(g);
	return rc;
}

int
sr_repo_guard(sr_repo_finding *out, const char *cwd, const sr_repo_opts *o,
    sr_err *err)
{
	static const sr_repo_opts none = SR_REPO_OPTS_INIT;
	char here[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (o == NULL)
		o = &none;
	if (cwd == NULL && (cwd = getcwd(here, sizeof(here))) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot tell "
		    "the current directory: %s", strerror(errno));
	return guard_at(out, cwd, o, 0, err);
}
