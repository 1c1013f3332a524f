/*
 * repo_index.c - reading git's index file for the guard (gitindex.h).
 *
 * The format is git's Documentation/gitformat-index.txt: a header, the
 * entries (versions 2 and 3 pad each to 8 bytes; version 4 compresses
 * each path against the one before), extensions, a checksum. Only what
 * the guard needs is kept: every path, the cache tree (TREE: the tree id
 * of each directory the index has not changed since the last write-tree)
 * and sparse-directory entries. Every length is checked against the
 * bytes that are there; a damaged file is an error, never a read past
 * the end.
 */
#define _GNU_SOURCE	/* memrchr */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitindex.h"

#define IDX_HEADER 12
#define IDX_ENTRY_FIXED 62	/* stat data, mode, id, flags (SHA-1) */
#define IDX_FLAG_EXTENDED 0x4000
#define IDX_NAME_MASK 0x0fff

#define IDX_CHUNK ((size_t)128 << 10)

/*
 * The file is streamed through one small buffer, reused: reading an
 * 8 MB index into fresh memory costs more in page faults and copying
 * than parsing it does, and mmap would turn a file truncated under the
 * reader into SIGBUS instead of an error.
 */
typedef struct idx_in {
	int fd;
	unsigned char *buf;
	size_t cap, lo, hi;	/* unread bytes are buf[lo, hi) */
	uint64_t left;		/* bytes before the checksum not yet read */
} idx_in;

typedef struct idx_ctx {
	repo_index *ix;
	const repo_sink *sink;
	int *oom;		/* a sink call ran out of memory */
	idx_in in;
	const char *path;
	const char *gitdir;
	char *prev;		/* version 4: the previous entry's path */
	size_t prevlen, prevcap;
	int shared;		/* reading a split index's shared part */
	sr_err *err;
} idx_ctx;

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
damaged(idx_ctx *c, const char *what)
{
	return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "the index file "
	    "%.300s is damaged (%s)", c->path, what);
}

/* Bytes not yet consumed, buffered or not. */
static uint64_t
remaining(const idx_in *in)
{
	return in->hi - in->lo + in->left;
}

/* At least n bytes at buf + lo, or all there are: *avail says. */
static int
fill(idx_ctx *c, size_t n, size_t *avail)
{
	idx_in *in = &c->in;
	size_t have = in->hi - in->lo, want, cap;
	unsigned char *grown;
	ssize_t r;

	while (have < n && in->left > 0) {
		if (in->lo + n > in->cap) {
			memmove(in->buf, in->buf + in->lo, have);
			in->lo = 0;
			in->hi = have;
		}
		if (n > in->cap) {
			cap = n > 2 * in->cap ? n : 2 * in->cap;
			if ((grown = realloc(in->buf, cap)) == NULL)
				return sr_err_set(c->err, SR_ERR_SYSTEM, NULL,
				    0, "out of memory");
			in->buf = grown;
			in->cap = cap;
		}
		want = in->cap - in->hi;
		if (want > in->left)
			want = (size_t)in->left;
		r = read(in->fd, in->buf + in->hi, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return damaged(c, r < 0 ? strerror(errno) :
			    "shorter than when it was opened");
		in->hi += (size_t)r;
		in->left -= (uint64_t)r;
		have += (size_t)r;
	}
	*avail = have;
	return 0;
}

/* The offset from buf + lo of the first NUL at or after off. */
static int
find_nul(idx_ctx *c, size_t off, size_t *at)
{
	size_t want = off + 256, avail;
	const unsigned char *e, *nul;

	for (;;) {
		if (fill(c, want, &avail) != 0)
			return -1;
		e = c->in.buf + c->in.lo;
		if (avail > off && (nul = memchr(e + off, '\0', avail - off))) {
			*at = (size_t)(nul - e);
			return 0;
		}
		if (avail < want)
			return damaged(c, "unterminated path");
		if (want > ((size_t)1 << 26))
			return damaged(c, "path too long");
		want *= 2;
	}
}

static int
add_ref(repo_tree_ref **v, size_t *n, size_t *cap, const char *path,
    size_t len, const unsigned char *oid)
{
	repo_tree_ref *grown;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		if ((grown = realloc(*v, c * sizeof(*grown))) == NULL)
			return -1;
		*v = grown;
		*cap = c;
	}
	if (((*v)[*n].path = malloc(len + 1)) == NULL)
		return -1;
	memcpy((*v)[*n].path, path, len);
	(*v)[*n].path[len] = '\0';
	memcpy((*v)[*n].oid, oid, REPO_OID_RAW);
	(*n)++;
	return 0;
}

/* A path from the index: scanned, or kept as a sparse directory. */
static int
take_path(idx_ctx *c, const char *path, size_t len, uint32_t mode,
    const unsigned char *oid, uint32_t size)
{
	const char *slash;
	size_t dirlen;

	if (len == 0)
		return 0;	/* split index: replaces a shared entry */
	if (path[0] == '/')
		return damaged(c, "bad path");
	if ((mode & 0170000) == 0040000) {
		if (path[len - 1] == '/')
			len--;
		if (add_ref(&c->ix->sparse, &c->ix->nsparse,
		    &c->ix->capsparse, path, len, oid) != 0)
			return sr_err_set(c->err, SR_ERR_SYSTEM, NULL, 0,
			    "out of memory");
		return 0;
	}
	slash = memrchr(path, '/', len);
	dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	if (c->sink->file(c->sink->arg, path, dirlen, path + dirlen) != 0)
		*c->oom = 1;
	if ((mode & 0170000) == REPO_GITLINK) {
		if (c->sink->gitlink(c->sink->arg, path, len) != 0)
			*c->oom = 1;
	} else if ((mode & 0170000) == 0100000) {
		if (c->sink->blob(c->sink->arg, oid, size, 1, path, len) != 0)
			*c->oom = 1;
	}
	return 0;
}

/* git's varint (varint.c): 7 bits a byte, +1 per continuation. */
static int
varint(uint64_t *out, const unsigned char **p, const unsigned char *end)
{
	uint64_t v;
	unsigned char ch;

	if (*p >= end)
		return -1;
	ch = *(*p)++;
	v = ch & 127;
	while (ch & 128) {
		if (*p >= end || v > (UINT64_MAX >> 8))
			return -1;
		ch = *(*p)++;
		v = ((v + 1) << 7) | (ch & 127);
	}
	*out = v;
	return 0;
}

/* Version 4: strip N bytes off the previous path, append the suffix
 * (the bytes at off up to the NUL at nul, from buf + lo). */
static int
v4_path(idx_ctx *c, uint64_t strip, size_t off, size_t nul)
{
	const unsigned char *e = c->in.buf + c->in.lo;
	size_t keep, slen = nul - off;
	char *grown;

	if (strip > c->prevlen)
		return damaged(c, "bad path compression");
	keep = c->prevlen - (size_t)strip;
	if (keep + slen + 1 > c->prevcap) {
		size_t cap = 2 * (keep + slen + 1);
		if ((grown = realloc(c->prev, cap)) == NULL)
			return sr_err_set(c->err, SR_ERR_SYSTEM, NULL, 0,
			    "out of memory");
		c->prev = grown;
		c->prevcap = cap;
	}
	memcpy(c->prev + keep, e + off, slen);
	c->prev[keep + slen] = '\0';
	c->prevlen = keep + slen;
	return 0;
}

/* One entry at buf + lo; lo moves past it. */
static int
entry(idx_ctx *c, unsigned version)
{
	const unsigned char *e, *p;
	unsigned char oid[REPO_OID_RAW];
	unsigned flags;
	size_t hdr = IDX_ENTRY_FIXED, avail, nul, len, total;
	uint64_t strip;
	uint32_t mode, size;

	if (fill(c, IDX_ENTRY_FIXED + 16, &avail) != 0)
		return -1;
	if (avail < IDX_ENTRY_FIXED + 1)
		return damaged(c, "truncated entry");
	e = c->in.buf + c->in.lo;
	mode = be32(e + 24);
	size = be32(e + 36);	/* the file's, as git last saw it */
	memcpy(oid, e + 40, REPO_OID_RAW);
	flags = (unsigned)e[60] << 8 | e[61];
	if (flags & IDX_FLAG_EXTENDED) {
		if (version < 3)
			return damaged(c, "extended flags in a version 2 index");
		hdr += 2;
	}
	if (avail <= hdr)
		return damaged(c, "truncated entry");
	if (version == 4) {
		p = e + hdr;
		if (varint(&strip, &p, e + avail) != 0)
			return damaged(c, "bad path compression");
		hdr = (size_t)(p - e);
		if (find_nul(c, hdr, &nul) != 0 ||
		    v4_path(c, strip, hdr, nul) != 0)
			return -1;
		c->in.lo += nul + 1;
		return take_path(c, c->prev, c->prevlen, mode, oid, size);
	}
	len = flags & IDX_NAME_MASK;
	if (len != IDX_NAME_MASK) {
		/* The length is known: only its terminator to check. */
		if (fill(c, hdr + len + 1, &avail) != 0)
			return -1;
		e = c->in.buf + c->in.lo;
		if (avail < hdr + len + 1 || e[hdr + len] != '\0' ||
		    memchr(e + hdr, '\0', len) != NULL)
			return damaged(c, "path length mismatch");
	} else if (find_nul(c, hdr, &nul) != 0) {
		return -1;
	} else {
		len = nul - hdr;
	}
	total = (hdr + len + 8) & ~(size_t)7;
	if (fill(c, total, &avail) != 0)
		return -1;
	if (avail < total)
		return damaged(c, "truncated entry");
	e = c->in.buf + c->in.lo;
	c->in.lo += total;
	return take_path(c, (const char *)e + hdr, len, mode, oid, size);
}

/* "123" or "-1" then sep; -2 on a bad number. */
static long
number(const unsigned char **p, const unsigned char *end, char sep)
{
	long v = 0;
	int neg = 0, digits = 0;

	if (*p < end && **p == '-') {
		neg = 1;
		(*p)++;
	}
	while (*p < end && **p >= '0' && **p <= '9' && digits < 9) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || *p >= end || **p != sep)
		return -2;
	(*p)++;
	return neg ? -v : v;
}

typedef struct tree_level {
	size_t plen;		/* the directory's path length */
	long left;		/* subtrees still to read */
} tree_level;

/*
 * The cache tree: nodes in pre-order, each "NAME\0ENTRIES SUBTREES\n"
 * then the tree id when ENTRIES is not -1. Walked with an explicit stack:
 * the depth of a damaged file must not decide the depth of the C stack.
 */
static int
cache_tree(idx_ctx *c, const unsigned char *p, const unsigned char *end)
{
	tree_level *st = NULL, *grown;
	size_t depth = 0, cap = 0, plen = 0, pcap = 0, nlen;
	char *path = NULL, *pg;
	const unsigned char *nul;
	long entries, subs;
	int rc = -1, root = 1;

	while (root || depth > 0) {
		if (!root && st[depth - 1].left == 0) {
			depth--;
			continue;
		}
		plen = root ? 0 : st[depth - 1].plen;
		if (!root)
			st[depth - 1].left--;
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
		    (nlen = (size_t)(nul - p), root && nlen != 0)) {
			damaged(c, "bad cache tree");
			goto done;
		}
		if (plen + nlen + 2 > pcap) {
			pcap = 2 * (plen + nlen + 2);
			if ((pg = realloc(path, pcap)) == NULL)
				goto oom;
			path = pg;
		}
		if (plen > 0)
			path[plen++] = '/';
		memcpy(path + plen, p, nlen);
		plen += nlen;
		p = nul + 1;
		if ((entries = number(&p, end, ' ')) < -1 ||
		    (subs = number(&p, end, '\n')) < 0 ||
		    (size_t)subs > (size_t)(end - p) / 4 ||
		    (entries >= 0 && (size_t)(end - p) < REPO_OID_RAW)) {
			damaged(c, "bad cache tree");
			goto done;
		}
		if (entries >= 0) {
			if (add_ref(&c->ix->trees, &c->ix->ntrees,
			    &c->ix->captrees, path ? path : "", plen, p) != 0)
				goto oom;
			p += REPO_OID_RAW;
		}
		if (depth == cap) {
			cap = cap ? 2 * cap : 16;
			if ((grown = realloc(st, cap * sizeof(*st))) == NULL)
				goto oom;
			st = grown;
		}
		st[depth].plen = plen;
		st[depth++].left = subs;
		root = 0;
	}
	rc = 0;
	goto done;
oom:
	sr_err_set(c->err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
done:
	free(st);
	free(path);
	return rc;
}

static int parse(idx_ctx *c);

/* Open path for parse(); 1 when it does not exist. */
static int
open_index(idx_ctx *c, const char *path)
{
	struct stat st;

	c->path = path;
	if ((c->in.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : sr_err_set(c->err, SR_ERR_SYSTEM,
		    NULL, 0, "cannot read %.300s: %s", path, strerror(errno));
	if (fstat(c->in.fd, &st) != 0 || !S_ISREG(st.st_mode))
		return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "cannot "
		    "read %.300s: not a regular file", path);
	if ((uint64_t)st.st_size < IDX_HEADER + REPO_OID_RAW)
		return damaged(c, "too short");
	c->in.left = (uint64_t)st.st_size - REPO_OID_RAW;
	if ((c->in.buf = malloc(IDX_CHUNK)) == NULL)
		return sr_err_set(c->err, SR_ERR_SYSTEM, NULL, 0,
		    "out of memory");
	c->in.cap = IDX_CHUNK;
	return 0;
}

static void
close_index(idx_ctx *c)
{
	if (c->in.fd >= 0)
		close(c->in.fd);
	free(c->in.buf);
	free(c->prev);
}

/* A split index: the shared part's paths count too. Paths the split
 * part deletes are still scanned: a finding too many, never one short. */
static int
link_ext(idx_ctx *c, const unsigned char *p, size_t n)
{
	static const unsigned char zero[REPO_OID_RAW];
	char hex[2 * REPO_OID_RAW + 1], path[SR_ERR_PATH_MAX];
	idx_ctx sub = { 0 };
	int rc;

	if (n < REPO_OID_RAW || c->shared)
		return damaged(c, "bad split index link");
	if (memcmp(p, zero, REPO_OID_RAW) == 0)
		return 0;
	repo_hex(hex, p, REPO_OID_RAW);
	if ((size_t)snprintf(path, sizeof(path), "%s/sharedindex.%s",
	    c->gitdir, hex) >= sizeof(path))
		return damaged(c, "path too long");
	sub.ix = c->ix;
	sub.sink = c->sink;
	sub.oom = c->oom;
	sub.gitdir = c->gitdir;
	sub.shared = 1;
	sub.err = c->err;
	sub.in.fd = -1;
	if ((rc = open_index(&sub, path)) == 1)
		rc = damaged(c, "its shared index is missing");
	if (rc == 0)
		rc = parse(&sub);
	close_index(&sub);
	return rc;
}

static int
extension(idx_ctx *c, const unsigned char *sig, const unsigned char *p,
    size_t n)
{
	if (memcmp(sig, "TREE", 4) == 0)
		return cache_tree(c, p, p + n);
	if (memcmp(sig, "link", 4) == 0)
		return link_ext(c, p, n);
	if (memcmp(sig, "sdir", 4) == 0 || (sig[0] >= 'A' && sig[0] <= 'Z'))
		return 0;	/* sdir marks sparse entries: taken above */
	return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "the index file "
	    "%.300s uses the extension '%c%c%c%c', which scoperun does not "
	    "understand", c->path, sig[0] >= 0x20 && sig[0] < 0x7f ? sig[0] :
	    '?', sig[1] >= 0x20 && sig[1] < 0x7f ? sig[1] : '?',
	    sig[2] >= 0x20 && sig[2] < 0x7f ? sig[2] : '?',
	    sig[3] >= 0x20 && sig[3] < 0x7f ? sig[3] : '?');
}

static int
parse(idx_ctx *c)
{
	const unsigned char *h;
	uint32_t version, n, i, size;
	size_t avail;

	if (fill(c, IDX_HEADER, &avail) != 0)
		return -1;
	h = c->in.buf + c->in.lo;
	if (avail < IDX_HEADER || memcmp(h, "DIRC", 4) != 0)
		return damaged(c, "bad signature");
	version = be32(h + 4);
	n = be32(h + 8);
	c->in.lo += IDX_HEADER;
	if (version < 2 || version > 4)
		return sr_err_set(c->err, SR_ERR_CONFIG, NULL, 0, "the index "
		    "file %.300s has version %u, which scoperun does not "
		    "read", c->path, (unsigned)version);
	if (n > remaining(&c->in) / (IDX_ENTRY_FIXED + 2))
		return damaged(c, "entry count larger than the file");
	for (i = 0; i < n; i++)
		if (entry(c, version) != 0)
			return -1;
	c->ix->entries += n;
	while (remaining(&c->in) > 0) {
		if (fill(c, 8, &avail) != 0)
			return -1;
		if (avail < 8)
			return damaged(c, "trailing bytes");
		size = be32(c->in.buf + c->in.lo + 4);
		if (size > remaining(&c->in) - 8)
			return damaged(c, "truncated extension");
		if (fill(c, 8 + (size_t)size, &avail) != 0)
			return -1;
		h = c->in.buf + c->in.lo;
		if (extension(c, h, h + 8, size) != 0)
			return -1;
		c->in.lo += 8 + (size_t)size;
	}
	return 0;
}

static int
cmp_ref(const void *a, const void *b)
{
	return strcmp(((const repo_tree_ref *)a)->path,
	    ((const repo_tree_ref *)b)->path);
}

int
repo_index_read(repo_index *ix, const repo_sink *sink, const char *path,
    const char *gitdir, sr_err *err)
{
	idx_ctx c = { 0 };
	int rc, oom = 0;

	memset(ix, 0, sizeof(*ix));
	c.ix = ix;
	c.sink = sink;
	c.oom = &oom;
	c.gitdir = gitdir;
	c.err = err;
	c.in.fd = -1;
	if ((rc = open_index(&c, path)) == 0)
		rc = parse(&c);
	close_index(&c);
	if (rc == 1)
		return 0;	/* no index: nothing staged */
	if (rc == 0 && oom)
		rc = sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (rc == 0 && ix->ntrees > 1)
		qsort(ix->trees, ix->ntrees, sizeof(*ix->trees), cmp_ref);
	return rc;
}

const unsigned char *
repo_index_tree(const repo_index *ix, const char *dir, size_t len)
{
	size_t lo = 0, hi = ix->ntrees, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(ix->trees[mid].path, dir, len);
		if (c == 0 && ix->trees[mid].path[len] != '\0')
			c = 1;
		if (c == 0)
			return ix->trees[mid].oid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
repo_index_free(repo_index *ix)
{
	size_t i;

	for (i = 0; i < ix->ntrees; i++)
		free(ix->trees[i].path);
	for (i = 0; i < ix->nsparse; i++)
		free(ix->sparse[i].path);
	free(ix->trees);
	free(ix->sparse);
	memset(ix, 0, sizeof(*ix));
}
