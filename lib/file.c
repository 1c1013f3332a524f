#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
sr_file_check_mode(const char *path, mode_t mode, uid_t owner,
    const char *what, sr_err *err)
{
	if (owner != getuid() && owner != 0)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "unsafe %s %s: "
		    "owned by uid %lu, not by you or root", what, path,
		    (unsigned long)owner);
	if (mode & SR_FILE_UNSAFE_MODE)
		return sr_err_set(err, SR_ERR_CONFIG, path, 0, "unsafe %s %s: "
		    "mode %04o is writable by %s (chmod go-w)", what, path,
		    (unsigned)(mode & 07777),
		    (mode & 0020) && (mode & 0002) ? "group and others" :
		    (mode & 0020) ? "group" : "others");
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
	rc = sr_file_check_mode(dir, st.st_mode, st.st_uid, "directory", err);
done:
	if (rc != 0 && *dirfd >= 0) {
		close(*dirfd);
		*dirfd = -1;
	}
	free(copy);
	return rc;
}

static int
read_all(char **buf, size_t *len, int fd, size_t size, const char *path,
    sr_err *err)
{
	size_t got = 0;
	ssize_t n;

	if ((*buf = malloc(size + 1)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
	/* read one byte more than fstat said, to notice a growing file */
	while (got <= size && (n = read(fd, *buf + got, size + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot read "
			    "%s: %s", path, strerror(errno));
			free(*buf);
			*buf = NULL;
			return -1;
		}
		got += (size_t)n;
	}
	if (got > size) {
		free(*buf);
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
    sr_err *err)
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
	if (sr_file_check_mode(path, st.st_mode, st.st_uid, "file", err) != 0)
		goto done;
	if ((size_t)st.st_size > max) {
		sr_err_set(err, SR_ERR_CONFIG, path, 0, "%s is larger than "
		    "%zu bytes", path, max);
		goto done;
	}
	rc = read_all(buf, len, fd, (size_t)st.st_size, path, err);
done:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return rc;
}
