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

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "file.h"

#define MAGIC "SRRATE1\n"
#define HEADER 24
#define SLOT(i) ((off_t)(HEADER + 8 * (i)))

int
sr_ratelimit_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err)
{
	return sr_file_state_path(buf, size, audit_path, "rate", agent, err);
}

static int
io_error(const char *path, sr_err *err)
{
	return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot update the "
	    "rate limit state %s: %s", path, strerror(errno ? errno : EIO));
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
	    (m = sr_bytes_get64(h + 8)) == 0 || m > SR_RATELIMIT_MAX ||
	    size < SLOT(m) || (raw = malloc(8 * m)) == NULL)
		return NULL;
	if ((t = calloc(m, sizeof(*t))) != NULL &&
	    pread(fd, raw, 8 * m, HEADER) == (ssize_t)(8 * m)) {
		for (i = 0; i < m; i++)
			t[i] = sr_bytes_get64(raw + 8 * i);
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
		sr_bytes_put64(buf + HEADER + 8 * i, t[n - keep + i]);
	*next = keep % (uint64_t)limit;
	memcpy(buf, MAGIC, 8);
	sr_bytes_put64(buf + 8, (uint64_t)limit);
	sr_bytes_put64(buf + 16, *next);
	if (ftruncate(fd, 0) != 0 || sr_file_pwrite_all(fd, buf, len, 0) != 0)
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
	    memcmp(h, MAGIC, 8) == 0 &&
	    sr_bytes_get64(h + 8) == (uint64_t)limit &&
	    (*next = sr_bytes_get64(h + 16)) < (uint64_t)limit)
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
	if (sr_file_open_locked(&fd, &size, path, "rate limit state",
	    err) != 0)
		return -1;
	if (ring(fd, size, limit, &next, path, err) != 0)
		goto done;
	errno = 0;	/* a short read sets none: EIO, not a stale one */
	if (pread(fd, b, 8, SLOT(next)) != 8) {
		io_error(path, err);
		goto done;
	}
	/* damaged: negative, not counted */
	oldest = (int64_t)sr_bytes_get64(b);
	if (oldest > now - SR_RATELIMIT_WINDOW && oldest <= now) {
		rc = 1;
		goto done;
	}
	rc = 0;
	if (dry)
		goto done;
	sr_bytes_put64(b, (uint64_t)now);
	if (sr_file_pwrite_all(fd, b, 8, SLOT(next)) != 0)
		rc = io_error(path, err);
	sr_bytes_put64(b, (next + 1) % (uint64_t)limit);
	if (rc == 0 && sr_file_pwrite_all(fd, b, 8, 16) != 0)
		rc = io_error(path, err);
done:
	close(fd);	/* and the lock with it */
	return rc;
}
