/*
 * repo_cache.c - the guard's cache of clean verdicts (gitcache.h).
 *
 * The nearest .git is found by hand, walking up from cwd like libgit2
 * does: at each directory DIR/.git, then DIR itself as a git dir. Any
 * layout this code is not sure of (a .git it cannot read, a directory
 * that looks like a git dir, a HEAD naming something other than a
 * branch) is left to libgit2, uncached. A cache entry is written only
 * when libgit2, on the full check, found the same git dir.
 *
 * The key is what git itself uses to notice a change, in two parts:
 *   repo   the git dir, common dir and work tree; the stat data of the
 *          config files (core.worktree moves the root); the patterns and
 *          the identity's real path;
 *   state  the index file's stat data (dev, ino, mode, uid, size, mtime
 *          and ctime to the nanosecond: git rewrites the index through a
 *          rename, so every change is a new inode and new times); HEAD's
 *          content; the content of the branch file it names, or when the
 *          branch is packed the stat data of packed-refs.
 * Objects are immutable, so HEAD's commit fixes HEAD's tree.
 *
 * Racy stat data (git's "racy git" problem, Documentation/technical/
 * racy-git.txt): file times have a granularity, so a file rewritten twice
 * within one tick can keep size and times; with the inode number reused
 * the stat data would not change. git's rule: stat data is not trusted
 * for a file whose time is not strictly older than the moment it was
 * recorded. Same here, at git's one-second granularity: the clock is read
 * (CLOCK_REALTIME_COARSE, the clock file times come from) before any file
 * is looked at, and when a keyed file's mtime or ctime falls in that
 * second or later, the verdict is not stored. Any later change then gets
 * a time at least one second past the recorded one, so it shows in the
 * key. Not storing is cheap: the next run, a second later, stores it.
 * (File systems whose clock is another machine's, like NFS, carry the
 * same caveat as git itself.)
 *
 * The cache file lives in a 0700 directory of the invoking user; it and
 * its directory must be the user's and private, or the cache is not used
 * (someone who could write there could plant a clean verdict). It is
 * written to a temp file and renamed, without fsync: a cache lost or torn
 * by a crash is a cache miss, nothing worse, because it is only read in
 * full and its key must match.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "file.h"
#include "gitcache.h"
#include "hex.h"
#include "settings.h"

#define CACHE_MAGIC "scoperun-repo-cache 2\n"
#define CACHE_MAX 8192
#define SMALL_MAX 4096		/* HEAD, a gitfile, commondir, a ref */

/* ---- reading small files ----------------------------------------- */

/* Up to size-1 bytes of path, NUL-terminated: the length, or -1 with
 * errno (ENOENT when absent; EFBIG when longer). */
static ssize_t
read_small(char *buf, size_t size, const char *path)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	while ((size_t)got < size) {
		n = read(fd, buf + got, size - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if ((size_t)got >= size) {
		errno = EFBIG;
		return -1;
	}
	buf[got] = '\0';
	return got;
}

static int
join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s%s%s", dir,
	    strcmp(dir, "/") == 0 ? "" : "/", name);

	return n >= 0 && n < PATH_MAX ? 0 : -1;
}

static int
is_kind(const char *dir, const char *name, mode_t kind)
{
	char p[PATH_MAX];
	struct stat st;

	return join(p, dir, name) == 0 && stat(p, &st) == 0 &&
	    (st.st_mode & S_IFMT) == kind;
}

/* "X\n" of a gitfile or commondir file, relative to base: a real path. */
static int
read_link_file(char *out, const char *path, const char *prefix,
    const char *base)
{
	char buf[SMALL_MAX], p[PATH_MAX];
	ssize_t n = read_small(buf, sizeof(buf), path);
	size_t plen = strlen(prefix);
	const char *v;

	if (n <= 0 || strncmp(buf, prefix, plen) != 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	v = buf + plen;
	if (v[0] == '\0' || strchr(v, '\n') != NULL)
		return -1;
	if (v[0] != '/' ? join(p, base, v) != 0 :
	    (size_t)snprintf(p, sizeof(p), "%s", v) >= sizeof(p))
		return -1;
	return realpath(p, out) != NULL ? 0 : -1;
}

/* ---- the layout -------------------------------------------------- */

/* libgit2's test: HEAD, and objects/ and refs/ in the common dir. */
static int
valid_gitdir(repo_layout *l, const char *g)
{
	char p[PATH_MAX];

	if (!is_kind(g, "HEAD", S_IFREG) || join(p, g, "commondir") != 0)
		return 0;
	if (read_link_file(l->commondir, p, "", g) != 0) {
		if (access(p, F_OK) == 0 || errno != ENOENT)
			return 0;	/* there, but unreadable */
		snprintf(l->commondir, sizeof(l->commondir), "%s", g);
	}
	if (!is_kind(l->commondir, "objects", S_IFDIR) ||
	    !is_kind(l->commondir, "refs", S_IFDIR))
		return 0;
	snprintf(l->gitdir, sizeof(l->gitdir), "%s", g);
	return 1;
}

/* Is there a repository at d? 1 yes (l says how sure), 0 look higher. */
static int
probe(repo_layout *l, const char *d)
{
	char p[PATH_MAX], g[PATH_MAX];
	struct stat st;

	if (join(p, d, ".git") != 0) {
		l->found = 1;
		return 1;
	}
	if (stat(p, &st) == 0) {
		l->found = 1;
		if (S_ISDIR(st.st_mode))
			snprintf(g, sizeof(g), "%s", p);
		else if (!S_ISREG(st.st_mode) ||
		    read_link_file(g, p, "gitdir: ", d) != 0)
			return 1;
		if (valid_gitdir(l, g)) {
			l->simple = 1;
			snprintf(l->workdir, sizeof(l->workdir), "%s", d);
		}
		return 1;
	}
	if (errno != ENOENT && errno != ENOTDIR) {
		l->found = 1;	/* cannot tell: libgit2 decides */
		return 1;
	}
	/* d itself a git dir: a bare repository, or cwd inside .git. */
	if (is_kind(d, "HEAD", S_IFREG) && (is_kind(d, "objects", S_IFDIR) ||
	    is_kind(d, "commondir", S_IFREG))) {
		l->found = 1;
		return 1;
	}
	return 0;
}

void
repo_layout_find(repo_layout *l, const char *cwd)
{
	char d[PATH_MAX];
	char *slash;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (cwd[0] != '/' || (n = strlen(cwd)) >= sizeof(d)) {
		l->found = 1;
		return;
	}
	memcpy(d, cwd, n + 1);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	for (;;) {
		if (probe(l, d))
			return;
		if (strcmp(d, "/") == 0)
			return;
		slash = strrchr(d, '/');
		if (slash == d)
			d[1] = '\0';
		else
			*slash = '\0';
	}
}

/* ---- the key ----------------------------------------------------- */

typedef struct key_ctx {
	repo_key *k;
	time_t t0;
	crypto_generichash_state h;
} key_ctx;

static void
put(key_ctx *c, const void *p, size_t n)
{
	crypto_generichash_update(&c->h, p, n);
}

/* A string with its terminating NUL, so that fields cannot run on. */
static void
put_str(key_ctx *c, const char *s)
{
	put(c, s, strlen(s) + 1);
}

static void
put_stat(key_ctx *c, const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int64_t v[9];

	put_str(c, name);
	if (join(p, dir, name) != 0) {
		c->k->ok = 0;
		return;
	}
	if (stat(p, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			put_str(c, "absent");
		else
			c->k->ok = 0;
		return;
	}
	v[0] = (int64_t)st.st_dev;
	v[1] = (int64_t)st.st_ino;
	v[2] = (int64_t)st.st_mode << 32 | (int64_t)st.st_uid;
	v[3] = (int64_t)st.st_size;
	v[4] = (int64_t)st.st_mtim.tv_sec;
	v[5] = (int64_t)st.st_mtim.tv_nsec;
	v[6] = (int64_t)st.st_ctim.tv_sec;
	v[7] = (int64_t)st.st_ctim.tv_nsec;
	v[8] = (int64_t)st.st_nlink;
	put(c, v, sizeof(v));
	if (st.st_mtim.tv_sec >= c->t0 || st.st_ctim.tv_sec >= c->t0)
		c->k->racy = 1;
}

/* A branch name HEAD may name, checked like a path: no "..", no
 * control bytes, nothing outside refs/heads/. */
static int
ref_ok(const char *r)
{
	size_t i;

	if (strncmp(r, "refs/heads/", 11) != 0 || r[11] == '\0' ||
	    strstr(r, "..") != NULL || strstr(r, "//") != NULL ||
	    r[strlen(r) - 1] == '/' || strlen(r) >= 256)
		return 0;
	for (i = 0; r[i] != '\0'; i++)
		if ((unsigned char)r[i] <= 0x20 || r[i] == 0x7f || r[i] == '\\')
			return 0;
	return 1;
}

static int
is_oid_line(const char *s)
{
	size_t i;

	for (i = 0; i < REPO_OID_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[i] == '\n' && s[i + 1] == '\0';
}

/* HEAD and the branch it names, into the state key. */
static void
put_head(key_ctx *c, const repo_layout *l)
{
	char buf[SMALL_MAX], p[PATH_MAX];
	repo_key *k = c->k;
	ssize_t n;

	if (join(p, l->gitdir, "HEAD") != 0 ||
	    (n = read_small(buf, sizeof(buf), p)) < 0) {
		k->ok = 0;
		return;
	}
	put_str(c, buf);
	if (is_oid_line(buf)) {
		memcpy(k->head, buf, REPO_OID_HEX);
		return;
	}
	if (strncmp(buf, "ref: ", 5) != 0 || buf[n - 1] != '\n') {
		k->ok = 0;
		return;
	}
	buf[n - 1] = '\0';
	if (!ref_ok(buf + 5) || join(p, l->commondir, buf + 5) != 0) {
		k->ok = 0;
		return;
	}
	snprintf(k->ref, sizeof(k->ref), "%s", buf + 5);
	if ((n = read_small(buf, sizeof(buf), p)) >= 0) {
		if (!is_oid_line(buf)) {
			k->ok = 0;	/* a symbolic ref: libgit2's job */
			return;
		}
		k->loose = 1;
		memcpy(k->head, buf, REPO_OID_HEX);
		put_str(c, buf);
	} else if (errno == ENOENT || errno == ENOTDIR) {
		put_stat(c, l->commondir, "packed-refs");
	} else {
		k->ok = 0;
	}
}

void
repo_key_make(repo_key *k, const repo_layout *l, const char *const *pat,
    size_t npat, const char *identity)
{
	struct timespec now;
	key_ctx c;
	size_t i;

	memset(k, 0, sizeof(*k));
	k->ok = 1;
	c.k = k;
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	c.t0 = now.tv_sec;

	crypto_generichash_init(&c.h, NULL, 0, REPO_KEY_BYTES);
	put_str(&c, "scoperun-repo-key-v1 repo");
	put_str(&c, l->gitdir);
	put_str(&c, l->commondir);
	put_str(&c, l->workdir);
	put_stat(&c, l->commondir, "config");
	put_stat(&c, l->gitdir, "config.worktree");
	put(&c, &npat, sizeof(npat));
	for (i = 0; i < npat; i++)
		put_str(&c, pat[i]);
	put_str(&c, identity);
	crypto_generichash_final(&c.h, k->repo, REPO_KEY_BYTES);

	crypto_generichash_init(&c.h, NULL, 0, REPO_KEY_BYTES);
	put_str(&c, "scoperun-repo-key-v1 state");
	put_stat(&c, l->gitdir, "index");
	put_head(&c, l);
	crypto_generichash_final(&c.h, k->state, REPO_KEY_BYTES);
}

/* The branch from packed-refs: lines "OID REFNAME". */
int
repo_key_head(repo_key *k, const repo_layout *l)
{
	char p[PATH_MAX], *buf, *line, *next;
	size_t rlen = strlen(k->ref);
	struct stat st;
	FILE *f;
	int found = 0;

	if (k->head[0] != '\0')
		return 1;
	if (k->ref[0] == '\0' || k->loose ||
	    join(p, l->commondir, "packed-refs") != 0 ||
	    (f = fopen(p, "re")) == NULL)
		return 0;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (64 << 20) ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return 0;
	}
	buf[fread(buf, 1, (size_t)st.st_size, f)] = '\0';
	fclose(f);
	for (line = buf; line != NULL && !found; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) == REPO_OID_HEX + 1 + rlen &&
		    line[REPO_OID_HEX] == ' ' &&
		    strcmp(line + REPO_OID_HEX + 1, k->ref) == 0) {
			line[REPO_OID_HEX] = '\n';
			line[REPO_OID_HEX + 1] = '\0';
			if ((found = is_oid_line(line)))
				memcpy(k->head, line, REPO_OID_HEX);
		}
	}
	free(buf);
	return found;
}

/* ---- the cache file ---------------------------------------------- */

int
repo_cache_dir(char *buf, size_t size, const char *dir)
{
	const sr_settings *set = sr_settings_get();
	const char *x = set->xdg_cache_home, *home = set->home;
	int n;

	if (dir != NULL)
		n = snprintf(buf, size, "%s", dir);
	else if (x != NULL && x[0] == '/')
		n = snprintf(buf, size, "%s/scoperun", x);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache/scoperun", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The file's name: one per git dir. */
static void
cache_name(char *out, const char *gitdir)
{
	unsigned char h[16];

	crypto_generichash(h, sizeof(h), (const unsigned char *)gitdir,
	    strlen(gitdir), NULL, 0);
	memcpy(out, "repo-", 5);
	repo_hex(out + 5, h, sizeof(h));
}

/* The directory, if it is the user's own and private to them. */
static int
open_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The entry name in dir, open for reading if it is a regular file of
 * the user's own and private to them (*st its stat), else -1. */
static int
open_entry(const char *dir, const char *name, struct stat *st)
{
	int dfd, fd;

	if ((dfd = open_dir(dir)) < 0)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) ||
	    st->st_uid != getuid() || (st->st_mode & 077) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Replace the entry name in dir (made 0700 if missing) with a then b: a
 * temp file renamed over it. */
static int
store_entry(const char *dir, const char *name, const void *a, size_t alen,
    const void *b, size_t blen)
{
	char tmp[64];
	sr_err ignored = SR_ERR_INIT;
	unsigned char rnd[8];
	int dfd, fd, ok;

	if (sr_file_mkdirs(dir, &ignored) != 0 || (dfd = open_dir(dir)) < 0)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	repo_hex(tmp + snprintf(tmp, sizeof(tmp), ".tmp-"), rnd, sizeof(rnd));
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		close(dfd);
		return -1;
	}
	ok = write(fd, a, alen) == (ssize_t)alen &&
	    (blen == 0 || write(fd, b, blen) == (ssize_t)blen);
	ok = close(fd) == 0 && ok;
	if (!ok || renameat(dfd, tmp, dfd, name) != 0) {
		unlinkat(dfd, tmp, 0);
		ok = 0;
	}
	close(dfd);
	return ok ? 0 : -1;
}

static int
field(const char **p, const char *name, char *out, size_t size)
{
	size_t n = strlen(name), len;
	const char *nl;

	if (strncmp(*p, name, n) != 0 || (*p)[n] != ' ' ||
	    (nl = strchr(*p + n + 1, '\n')) == NULL ||
	    (len = (size_t)(nl - (*p + n + 1))) >= size)
		return -1;
	memcpy(out, *p + n + 1, len);
	out[len] = '\0';
	*p = nl + 1;
	return 0;
}

static int
oid_field(const char **p, const char *name, char *out)
{
	unsigned char raw[REPO_OID_RAW];

	if (field(p, name, out, REPO_OID_HEX + 1) != 0)
		return -1;
	if (strcmp(out, "-") == 0) {
		out[0] = '\0';
		return 0;
	}
	return repo_unhex(raw, out, REPO_OID_RAW);
}

static int
parse_entry(repo_entry *e, const char *buf)
{
	char hex[2 * REPO_KEY_BYTES + 1];
	const char *p = buf;

	if (strncmp(p, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0)
		return -1;
	p += strlen(CACHE_MAGIC);
	if (field(&p, "repo", hex, sizeof(hex)) != 0 ||
	    repo_unhex(e->repo, hex, REPO_KEY_BYTES) != 0 ||
	    field(&p, "state", hex, sizeof(hex)) != 0 ||
	    repo_unhex(e->state, hex, REPO_KEY_BYTES) != 0 ||
	    oid_field(&p, "head", e->head) != 0 ||
	    oid_field(&p, "tree", e->tree) != 0 ||
	    field(&p, "root", e->root, sizeof(e->root)) != 0 ||
	    e->root[0] != '/' ||
	    (e->head[0] == '\0') != (e->tree[0] == '\0'))
		return -1;
	/* then the gitlinks, "sub PATH" each: where submodules may be */
	while (*p != '\0') {
		size_t left = sizeof(e->subs) - e->subslen, len;
		if (left < 2 || field(&p, "sub", e->subs + e->subslen,
		    left) != 0 || (len = strlen(e->subs + e->subslen)) == 0)
			return -1;
		e->subslen += len + 1;
	}
	return 0;
}

int
repo_cache_load(repo_entry *e, const char *dir, const char *gitdir)
{
	char name[5 + 32 + 1], buf[CACHE_MAX];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	memset(e, 0, sizeof(*e));
	cache_name(name, gitdir);
	if ((fd = open_entry(dir, name, &st)) < 0)
		return -1;
	if (st.st_size < CACHE_MAX &&
	    (n = read(fd, buf, sizeof(buf) - 1)) == st.st_size) {
		buf[n] = '\0';
		rc = parse_entry(e, buf);
	}
	close(fd);
	return rc;
}

int
repo_cache_store(const repo_entry *e, const char *dir, const char *gitdir)
{
	char name[5 + 32 + 1], buf[CACHE_MAX], rk[65], sk[65];
	const char *p;
	int n, w;
	size_t i;

	for (i = 0; e->root[i] != '\0'; i++)
		if ((unsigned char)e->root[i] < 0x20)
			return -1;	/* one line per field */
	repo_hex(rk, e->repo, REPO_KEY_BYTES);
	repo_hex(sk, e->state, REPO_KEY_BYTES);
	n = snprintf(buf, sizeof(buf), CACHE_MAGIC "repo %s\nstate %s\n"
	    "head %s\ntree %s\nroot %s\n", rk, sk, e->head[0] ? e->head : "-",
	    e->tree[0] ? e->tree : "-", e->root);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	for (p = e->subs; p < e->subs + e->subslen; p += strlen(p) + 1) {
		w = snprintf(buf + n, sizeof(buf) - (size_t)n, "sub %s\n", p);
		if (w < 0 || (size_t)w >= sizeof(buf) - (size_t)n)
			return -1;
		n += w;
	}
	cache_name(name, gitdir);
	return store_entry(dir, name, buf, (size_t)n, NULL, 0);
}

/* ---- the clean blobs' list (repo_keys.c) ------------------------- */

#define KEYS_MAGIC "scoperun-repo-keys 1\n"
#define KEYS_MAX ((size_t)64 << 20)

static void
keys_name(char *out, const char *gitdir)
{
	cache_name(out, gitdir);
	memcpy(out, "keys-", 5);
}

int
repo_cache_load_keys(repo_oids *o, const char *dir, const char *gitdir)
{
	char name[5 + 32 + 1];
	size_t mlen = sizeof(KEYS_MAGIC) - 1, size, got = 0;
	struct stat st;
	unsigned char *buf = NULL;
	ssize_t n;
	int fd, rc = -1;

	memset(o, 0, sizeof(*o));
	keys_name(name, gitdir);
	if ((fd = open_entry(dir, name, &st)) < 0)
		return -1;
	if ((size = (size_t)st.st_size) < mlen || size > KEYS_MAX ||
	    (size - mlen) % REPO_OID_RAW != 0 || (buf = malloc(size)) == NULL)
		goto done;
	while (got < size && (n = read(fd, buf + got, size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto done;
		got += (size_t)n;
	}
	if (got != size || memcmp(buf, KEYS_MAGIC, mlen) != 0)
		goto done;
	memmove(buf, buf + mlen, size - mlen);
	o->v = (unsigned char (*)[REPO_OID_RAW])(void *)buf;
	o->n = o->cap = (size - mlen) / REPO_OID_RAW;
	buf = NULL;
	rc = 0;
done:
	free(buf);
	close(fd);
	return rc;
}

int
repo_cache_store_keys(const repo_oids *o, const char *dir, const char *gitdir)
{
	char name[5 + 32 + 1];
	size_t len = o->n * REPO_OID_RAW;

	if (len > KEYS_MAX - sizeof(KEYS_MAGIC))
		return -1;
	keys_name(name, gitdir);
	return store_entry(dir, name, KEYS_MAGIC, sizeof(KEYS_MAGIC) - 1, o->v,
	    len);
}

void
repo_oids_free(repo_oids *o)
{
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* ---- hex --------------------------------------------------------- */

void
repo_hex(char *out, const unsigned char *raw, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, raw, n);
}

int
repo_unhex(unsigned char *out, const char *hex, size_t n)
{
	return sr_hex_decode(out, n, hex) == 0 && hex[2 * n] == '\0' ? 0 : -1;
}
