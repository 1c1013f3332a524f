/*
 * ratelimit.c - the ring of run times of ratelimit.h.
 *
 * The file: "SRRATE1\n", the ring's size N and the index of its oldest
 * slot (big-endian 64-bit each), then N big-endian 64-bit unix times,
 * 0 for a slot never used. A check reads the header and one slot, and
 * writes them back: 32 bytes each way. The file is updated in place, not
 * replaced, so an flock on it serialises concurrent runs; a crash can
 * tear at most one slot or the header, which the next check mends.
 */
#include "ratelimit.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

#define MAGIC "SRRATE1\n"
#define HEADER 24
#define SLOT(i) ((off_t)(HEADER + 8 * (i)))

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
sr_ratelimit_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err)
{
	if ((size_t)snprintf(buf, size, "%s.rate.%s", audit_path, agent) >=
	    size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 0;
}

/* pwrite all of len or -1; a short write sets no errno, so say why. */
static int
put_at(int fd, const void *b, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, b, len, off);

	if (n >= 0 && (size_t)n != len)
		errno = ENOSPC;
	return n == (ssize_t)len ? 0 : -1;
}

static int
io_error(const char *path, sr_err *err)
{
	return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot update the "
	    "rate limit state %s: %s", path, strerror(errno ? errno : EIO));
}

/* Open and lock the state file, in a private directory made if need be. */
static int
open_state(int *fd, off_t *size, const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (sr_file_mkdirs(dir, err) != 0)
			return -1;
	}
	if ((*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0)
		return io_error(path, err);
	if (flock(*fd, LOCK_EX) != 0 || fstat(*fd, &st) != 0) {
		io_error(path, err);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is not a regular "
		    "file", path);
		goto fail;
	}
	if (sr_file_check_mode(path, st.st_mode, st.st_uid,
	    SR_FILE_UNSAFE_MODE, "rate limit state", err) != 0)
		goto fail;
	*size = st.st_size;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return -1;
}

static int
cmp_time(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The times of the ring in the file (n of them, its size), or none when
 * it is empty or damaged. Read once, when the ring must be rebuilt.
 */
static uint64_t *
old_times(int fd, off_t size, size_t *n)
{
	unsigned char h[HEADER], *raw;
	uint64_t *t, m;
	size_t i;

	*n = 0;
	if (pread(fd, h, HEADER, 0) != HEADER || memcmp(h, MAGIC, 8) != 0 ||
	    (m = get64(h + 8)) == 0 || m > SR_RATELIMIT_MAX ||
	    size < SLOT(m) || (raw = malloc(8 * m)) == NULL)
		return NULL;
	if ((t = calloc(m, sizeof(*t))) != NULL &&
	    pread(fd, raw, 8 * m, HEADER) == (ssize_t)(8 * m)) {
		for (i = 0; i < m; i++)
			t[i] = get64(raw + 8 * i);
		*n = m;
	}
	free(raw);
	return t;
}

/*
 * A new ring of limit slots keeping the newest times of the old one, in
 * order, so that a changed limit neither forgets recent runs nor locks
 * anyone out. *next is its oldest slot.
 */
static int
rebuild(int fd, off_t size, int64_t limit, uint64_t *next,
    const char *path, sr_err *err)
{
	size_t n, keep, i, len = HEADER + 8 * (size_t)limit;
	uint64_t *t = old_times(fd, size, &n);
	unsigned char *buf = calloc(1, len);
	int rc = -1;

	if (buf == NULL) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
		goto done;
	}
	if (t != NULL)
		qsort(t, n, sizeof(*t), cmp_time);
	keep = n < (size_t)limit ? n : (size_t)limit;
	for (i = 0; i < keep; i++)
		put64(buf + HEADER + 8 * i, t[n - keep + i]);
	*next = keep % (uint64_t)limit;
	memcpy(buf, MAGIC, 8);
	put64(buf + 8, (uint64_t)limit);
	put64(buf + 16, *next);
	if (ftruncate(fd, 0) != 0 || put_at(fd, buf, len, 0) != 0)
		io_error(path, err);
	else
		rc = 0;
done:
	free(buf);
	free(t);
	return rc;
}

/* The ring's oldest slot; the ring is rebuilt when N changed. */
static int
ring(int fd, off_t size, int64_t limit, uint64_t *next, const char *path,
    sr_err *err)
{
	unsigned char h[HEADER];

	if (size >= SLOT(limit) && pread(fd, h, HEADER, 0) == HEADER &&
	    memcmp(h, MAGIC, 8) == 0 && get64(h + 8) == (uint64_t)limit &&
	    (*next = get64(h + 16)) < (uint64_t)limit)
		return 0;
	return rebuild(fd, size, limit, next, path, err);
}

int
sr_ratelimit_take(const char *path, int64_t limit, int64_t now, int dry,
    sr_err *err)
{
	unsigned char b[8];
	uint64_t next;
	int64_t oldest;
	off_t size;
	int fd, rc = -1;

	if (limit < 1 || limit > SR_RATELIMIT_MAX || now <= 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0,
		    "bad rate limit");
	if (open_state(&fd, &size, path, err) != 0)
		return -1;
	if (ring(fd, size, limit, &next, path, err) != 0)
		goto done;
	errno = 0;	/* a short read sets none: EIO, not a stale one */
	if (pread(fd, b, 8, SLOT(next)) != 8) {
		io_error(path, err);
		goto done;
	}
	oldest = (int64_t)get64(b);	/* damaged: negative, not counted */
	if (oldest > now - SR_RATELIMIT_WINDOW && oldest <= now) {
		rc = 1;
		goto done;
	}
	rc = 0;
	if (dry)
		goto done;
	put64(b, (uint64_t)now);
	if (put_at(fd, b, 8, SLOT(next)) != 0)
		rc = io_error(path, err);
	put64(b, (next + 1) % (uint64_t)limit);
	if (rc == 0 && put_at(fd, b, 8, 16) != 0)
		rc = io_error(path, err);
done:
	close(fd);	/* and the lock with it */
	return rc;
}
