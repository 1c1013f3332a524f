#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "secalloc.h"

#define PREFAULT_MIN (64 * 1024)

int
sr_file_check_mode(const char *path, mode_t mode, uid_t owner,
    mode_t unsafe, const char *what, sr_err *err)
{
	if (owner != getuid() && owner != 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "unsafe %s %s: "
		    "owned by uid %lu, not by you or root", what, path,
		    (unsigned long)owner);
	if (mode & unsafe & SR_FILE_UNSAFE_MODE)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "unsafe %s %s: "
		    "mode %04o is writable by %s (chmod go-w)", what, path,
		    (unsigned)(mode & 07777),
		    (mode & 0020) && (mode & 0002) ? "group and others" :
		    (mode & 0020) ? "group" : "others");
	if (mode & unsafe)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "unsafe %s %s: "
		    "mode %04o lets %s read it (chmod 600)", what, path,
		    (unsigned)(mode & 07777), (mode & 0040) && (mode & 0004) ?
		    "group and others" : (mode & 0040) ? "group" : "others");
	return 0;
}

/* Open path's directory and check it; *base points into path. */
static int
open_parent(int *dirfd, const char *path, const char **base, sr_err *err)
{
	char *copy = strdup(path);
	struct stat st;
	const char *dir;
	int rc = -1;

	*dirfd = -1;
	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (copy == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	dir = dirname(copy);
	*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0) {
		sr_err_set(err, errno == ENOENT ? SR_ERR_NOTFOUND :
		    SR_ERR_SYSTEM, path, 0, "cannot open directory %s: %s",
		    dir, strerror(errno));
		goto done;
	}
	if (fstat(*dirfd, &st) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "%s: %s", dir,
		    strerror(errno));
		goto done;
	}
	rc = sr_file_check_mode(dir, st.st_mode, st.st_uid,
	    SR_FILE_UNSAFE_MODE, "directory", err);
done:
	if (rc != 0 && *dirfd >= 0) {
		close(*dirfd);
		*dirfd = -1;
	}
	free(copy);
	return rc;
}

static void
buf_free(char *buf, unsigned flags)
{
	if (flags & SR_FILE_SODIUM)
		sr_secalloc_free(buf);
	else
		free(buf);
}

/*
 * Map a large buffer's pages in one call before read fills it, rather
 * than one page fault each (a 1,000-secret vault is 44 pages). Kernels
 * before 5.14 refuse the advice; read then faults as before.
 */
static void
prefault(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1);
	uintptr_t b = ((uintptr_t)p + size) & ~(pg - 1);

	if (size >= PREFAULT_MIN && b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}

static int
read_all(char **buf, size_t *len, int fd, size_t size, unsigned flags,
    const char *path, sr_err *err)
{
	size_t got = 0;
	ssize_t n;

	*buf = flags & SR_FILE_SODIUM ? sr_secalloc_alloc(size + 2) :
	    malloc(size + 2);
	if (*buf == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	prefault(*buf, size + 2);
	/* read one byte more than fstat said, to notice a growing file */
	while (got <= size && (n = read(fd, *buf + got, size + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot read "
			    "%s: %s", path, strerror(errno));
			buf_free(*buf, flags);
			*buf = NULL;
			return -1;
		}
		got += (size_t)n;
	}
	if (got > size) {
		buf_free(*buf, flags);
		*buf = NULL;
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s changed "
		    "while being read", path);
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

int
sr_file_read_strict(char **buf, size_t *len, const char *path, size_t max,
    unsigned flags, sr_err *err)
{
	const char *base = path;
	struct stat st;
	int dirfd, fd = -1, rc = -1;

	*buf = NULL;
	if (open_parent(&dirfd, path, &base, err) != 0)
		return -1;
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		sr_err_set(err, errno == ENOENT ? SR_ERR_NOTFOUND :
		    SR_ERR_CONFIG, path, 0, "cannot open %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "%s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is not a regular "
		    "file", path);
		goto done;
	}
	if (sr_file_check_mode(path, st.st_mode, st.st_uid, flags &
	    SR_FILE_PRIVATE ? 0077 : SR_FILE_UNSAFE_MODE, "file", err) != 0)
		goto done;
	if ((size_t)st.st_size > max) {
		sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is larger than "
		    "%zu bytes", path, max);
		goto done;
	}
	rc = read_all(buf, len, fd, (size_t)st.st_size, flags, path, err);
done:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return rc;
}

int
sr_file_mkdirs(const char *dir, sr_err *err)
{
	char path[SR_ERR_PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "bad directory");
	/* the usual case, every run: it is there, or only it is missing */
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot "
			    "create %s: %s", path, strerror(errno));
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ENOSPC;	/* none set; an old one would mislead */
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so a rename or create is durable. */
static int
sync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* Create path (O_EXCL) holding data, fsync'ed unless nosync; its
 * directory is not. */
static int
create_file(const char *path, const void *data, size_t len, mode_t mode,
    int nosync, sr_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);

	if (fd < 0)
		return sr_err_set(err, errno == EEXIST ? SR_ERR_CONFIG :
		    SR_ERR_SYSTEM, path, 0, "cannot create %s: %s", path,
		    errno == EEXIST ? "it already exists" : strerror(errno));
	if (write_all(fd, data, len) != 0 || (!nosync && fsync(fd) != 0)) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot write %s: %s",
		    path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

int
sr_file_write_new(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err)
{
	if (create_file(path, data, len, mode, 0, err) != 0)
		return -1;
	if (sync_parent(path) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot sync "
		    "the directory of %s: %s", path, strerror(errno));
	return 0;
}

int
sr_file_replace(const char *path, const void *data, size_t len, mode_t mode,
    unsigned flags, sr_err *err)
{
	char tmp[SR_ERR_PATH_MAX];
	unsigned char rnd[6];

	randombytes_buf(rnd, sizeof(rnd));
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%02x%02x%02x%02x%02x%02x",
	    path, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]) >=
	    sizeof(tmp))
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (create_file(tmp, data, len, mode, flags & SR_FILE_NO_SYNC, err) !=
	    0)
		return -1;
	if (rename(tmp, path) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot replace %s: "
		    "%s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (!(flags & SR_FILE_NO_SYNC) && sync_parent(path) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot sync "
		    "the directory of %s: %s", path, strerror(errno));
	return 0;
}

/* 0 rewritten in place, 1 not a file to rewrite so, -1 a failed write. */
static int
rewrite_in_place(const char *path, const void *data, size_t len, mode_t mode)
{
	struct stat st;
	int fd, rc = 1, e = 0;

	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0)
		return 1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 07777) == mode &&
	    st.st_size >= 0 && (size_t)st.st_size <= len) {
		rc = 0;
		errno = 0;
		if (pwrite(fd, data, len, 0) != (ssize_t)len) {
			e = errno ? errno : EIO;	/* short: no space */
			rc = -1;
		}
	}
	close(fd);
	errno = e;
	return rc;
}

int
sr_file_rewrite_small(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err)
{
	int rc = len <= SR_FILE_SECTOR ? rewrite_in_place(path, data, len,
	    mode) : 1;

	if (rc < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot write "
		    "%s: %s", path, strerror(errno));
	if (rc == 0)
		return 0;
	return sr_file_replace(path, data, len, mode, SR_FILE_NO_SYNC, err);
}

int
sr_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err)
{
	return sr_file_replace(path, data, len, mode, 0, err);
}

int
sr_file_lock(int *fd, const char *lockpath, sr_err *err)
{
	*fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, lockpath, 0, "cannot "
		    "open lock %s: %s", lockpath, strerror(errno));
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		sr_err_set(err, SR_ERR_SYSTEM, lockpath, 0, "cannot lock %s: "
		    "%s", lockpath, strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

void
sr_file_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing drops the flock */
}

int
sr_file_mkdirs_parent(const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return sr_file_mkdirs(dir, err);
}

static int
state_error(const char *path, const char *what, sr_err *err)
{
	return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot use the %s "
	    "%s: %s", what, path, strerror(errno ? errno : EIO));
}

int
sr_file_open_locked(int *fd, off_t *size, const char *path,
    const char *what, sr_err *err)
{
	struct stat st;

	if (sr_file_mkdirs_parent(path, err) != 0)
		return -1;
	if ((*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0)
		return state_error(path, what, err);
	if (flock(*fd, LOCK_EX) != 0 || fstat(*fd, &st) != 0) {
		state_error(path, what, err);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is not a regular "
		    "file", path);
		goto fail;
	}
	if (sr_file_check_mode(path, st.st_mode, st.st_uid,
	    SR_FILE_UNSAFE_MODE, what, err) != 0)
		goto fail;
	*size = st.st_size;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return -1;
}

int
sr_file_pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, data, len, off);

	if (n >= 0 && (size_t)n != len)
		errno = ENOSPC;
	return n == (ssize_t)len ? 0 : -1;
}

int
sr_file_state_path(char *buf, size_t size, const char *audit_path,
    const char *kind, const char *agent, sr_err *err)
{
	if ((size_t)snprintf(buf, size, "%s.%s.%s", audit_path, kind, agent) >=
	    size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 0;
}
