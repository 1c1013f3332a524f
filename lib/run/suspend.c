/*
 * suspend.c - the suspension state of suspend.h.
 *
 * The file: "SRSUSP1\n", then big-endian 64-bit words: the time the
 * agent was suspended (0: it is not), the ring's size N, the index of
 * its oldest slot, then N refusal times (0: unused). Updated in place
 * under an flock, so concurrent refusals serialise; a damaged file
 * starts a new ring and keeps no suspension only when even its header
 * is unreadable.
 */
#include "suspend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "file.h"

#define MAGIC "SRSUSP1\n"
#define HEADER 32
#define SLOT(i) ((off_t)(HEADER + 8 * (i)))

int
sr_suspend_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err)
{
	return sr_file_state_path(buf, size, audit_path, "suspend", agent,
	    err);
}

static int
io_error(const char *path, sr_err *err)
{
	return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot use the "
	    "suspension state %s: %s", path, strerror(errno ? errno : EIO));
}

int
sr_suspend_check(const char *path, int64_t *since, sr_err *err)
{
	unsigned char h[16];
	int fd;
	ssize_t n;

	*since = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		/* no state (or no state directory): never suspended; the
		 * audit append says what is wrong with the directory */
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		    io_error(path, err);
	n = pread(fd, h, sizeof(h), 0);
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, MAGIC, 8) != 0)
		return 0;	/* no suspension was ever written whole */
	*since = (int64_t)sr_bytes_get64(h + 8);
	return *since != 0;
}

/* The header in h, made anew (ring of n, suspension kept) when the file
 * holds none of that size. */
static int
header(int fd, off_t size, uint64_t n, unsigned char h[HEADER],
    const char *path, sr_err *err)
{
	uint64_t at = 0;
	unsigned char *zero;

	if (size >= HEADER && pread(fd, h, HEADER, 0) == HEADER &&
	    memcmp(h, MAGIC, 8) == 0) {
		at = sr_bytes_get64(h + 8);
		if (sr_bytes_get64(h + 16) == n &&
		    sr_bytes_get64(h + 24) < (n ? n : 1) &&
		    size >= SLOT(n))
			return 0;
	}
	memcpy(h, MAGIC, 8);
	sr_bytes_put64(h + 8, at);
	sr_bytes_put64(h + 16, n);
	sr_bytes_put64(h + 24, 0);
	if ((zero = calloc(1, HEADER + 8 * n)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	memcpy(zero, h, HEADER);
	if (ftruncate(fd, 0) != 0 ||
	    sr_file_pwrite_all(fd, zero, HEADER + 8 * n, 0) != 0) {
		free(zero);
		return io_error(path, err);
	}
	free(zero);
	return 0;
}

int
sr_suspend_count(const char *path, int64_t limit, int64_t window,
    int64_t now, sr_err *err)
{
	unsigned char h[HEADER], b[8];
	uint64_t next, n = (uint64_t)limit;
	int64_t oldest;
	off_t size;
	int fd, rc = -1;

	if (limit < 1 || limit > SR_SUSPEND_MAX || window < 1 || now <= 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0,
		    "bad suspension limit");
	if (sr_file_open_locked(&fd, &size, path, "suspension state",
	    err) != 0)
		return -1;
	if (header(fd, size, n, h, path, err) != 0)
		goto done;
	next = sr_bytes_get64(h + 24);
	sr_bytes_put64(b, (uint64_t)now);
	if (sr_file_pwrite_all(fd, b, 8, SLOT(next)) != 0) {
		io_error(path, err);
		goto done;
	}
	next = (next + 1) % n;
	sr_bytes_put64(h + 24, next);
	/* the ring's oldest is now the N-th refusal back from this one */
	rc = 0;
	if (pread(fd, b, 8, SLOT(next)) == 8 && sr_bytes_get64(h + 8) == 0) {
		oldest = (int64_t)sr_bytes_get64(b);
		if (oldest > 0 && oldest <= now && now - oldest < window) {
			sr_bytes_put64(h + 8, (uint64_t)now);
			rc = 1;
		}
	}
	if (sr_file_pwrite_all(fd, h, HEADER, 0) != 0)
		rc = io_error(path, err);
done:
	close(fd);
	return rc;
}

int
sr_suspend_set(const char *path, int64_t at, int *was, sr_err *err)
{
	unsigned char h[HEADER];
	off_t size;
	uint64_t n;
	int fd, rc = -1;

	*was = 0;
	if (sr_file_open_locked(&fd, &size, path, "suspension state",
	    err) != 0)
		return -1;
	n = size >= HEADER && pread(fd, h, HEADER, 0) == HEADER &&
	    memcmp(h, MAGIC, 8) == 0 &&
	    sr_bytes_get64(h + 16) <= SR_SUSPEND_MAX ?
	    sr_bytes_get64(h + 16) : 0;
	if (header(fd, size, n, h, path, err) != 0)
		goto done;
	*was = sr_bytes_get64(h + 8) != 0;
	sr_bytes_put64(h + 8, (uint64_t)at);
	if (at == 0) {
		/* resumed: past refusals are forgiven, the ring starts empty */
		size = 0;
		if (ftruncate(fd, 0) != 0) {
			io_error(path, err);
			goto done;
		}
		sr_bytes_put64(h + 24, 0);
		if (header(fd, 0, n, h, path, err) != 0)
			goto done;
	}
	if (sr_file_pwrite_all(fd, h, HEADER, 0) != 0)
		io_error(path, err);
	else
		rc = 0;
done:
	close(fd);
	return rc;
}
