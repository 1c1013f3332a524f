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

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

#define MAGIC "SRSUSP1\n"
#define HEADER 32
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
sr_suspend_path(char *buf, size_t size, const char *audit_path,
    const char *agent, sr_err *err)
{
	if ((size_t)snprintf(buf, size, "%s.suspend.%s", audit_path, agent) >=
	    size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 0;
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
	*since = (int64_t)get64(h + 8);
	return *since != 0;
}

/* Open and lock the state file, made (0600, in a 0700 dir) if missing. */
static int
open_locked(int *fd, off_t *size, const char *path, sr_err *err)
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
	if (!S_ISREG(st.st_mode) || sr_file_check_mode(path, st.st_mode,
	    st.st_uid, SR_FILE_UNSAFE_MODE, "suspension state", err) != 0) {
		if (!S_ISREG(st.st_mode))
			sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is not a "
			    "regular file", path);
		goto fail;
	}
	*size = st.st_size;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return -1;
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
		at = get64(h + 8);
		if (get64(h + 16) == n && get64(h + 24) < (n ? n : 1) &&
		    size >= SLOT(n))
			return 0;
	}
	memcpy(h, MAGIC, 8);
	put64(h + 8, at);
	put64(h + 16, n);
	put64(h + 24, 0);
	if ((zero = calloc(1, HEADER + 8 * n)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	memcpy(zero, h, HEADER);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, zero, HEADER + 8 * n, 0) !=
	    (ssize_t)(HEADER + 8 * n)) {
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
	if (open_locked(&fd, &size, path, err) != 0)
		return -1;
	if (header(fd, size, n, h, path, err) != 0)
		goto done;
	next = get64(h + 24);
	put64(b, (uint64_t)now);
	if (pwrite(fd, b, 8, SLOT(next)) != 8) {
		io_error(path, err);
		goto done;
	}
	next = (next + 1) % n;
	put64(h + 24, next);
	/* the ring's oldest is now the N-th refusal back from this one */
	rc = 0;
	if (pread(fd, b, 8, SLOT(next)) == 8 && get64(h + 8) == 0) {
		oldest = (int64_t)get64(b);
		if (oldest > 0 && oldest <= now && now - oldest < window) {
			put64(h + 8, (uint64_t)now);
			rc = 1;
		}
	}
	if (pwrite(fd, h, HEADER, 0) != HEADER)
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
	if (open_locked(&fd, &size, path, err) != 0)
		return -1;
	n = size >= HEADER && pread(fd, h, HEADER, 0) == HEADER &&
	    memcmp(h, MAGIC, 8) == 0 && get64(h + 16) <= SR_SUSPEND_MAX ?
	    get64(h + 16) : 0;
	if (header(fd, size, n, h, path, err) != 0)
		goto done;
	*was = get64(h + 8) != 0;
	put64(h + 8, (uint64_t)at);
	if (at == 0) {
		/* resumed: past refusals are forgiven, the ring starts empty */
		size = 0;
		if (ftruncate(fd, 0) != 0) {
			io_error(path, err);
			goto done;
		}
		put64(h + 24, 0);
		if (header(fd, 0, n, h, path, err) != 0)
			goto done;
	}
	if (pwrite(fd, h, HEADER, 0) != HEADER)
		io_error(path, err);
	else
		rc = 0;
done:
	close(fd);
	return rc;
}
