/*
 * secfile.c - sealed memfds for `as = "file"` grants (secfile.h).
 */
#define _GNU_SOURCE	/* memfd_create, F_ADD_SEALS */
#include "secfile.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
fill(int fd, const unsigned char *data, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = write(fd, data + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return lseek(fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

/* Keep 0..2 free: the supervisor dup2s onto 1 and 2. */
static int
above_stdio(int fd)
{
	int high;

	if (fd > 2)
		return fd;
	high = fcntl(fd, F_DUPFD, 3);	/* no FD_CLOEXEC: inherited */
	close(fd);
	return high;
}

int
sr_secfile_create(int *fd, char path[SR_SECFILE_PATH_MAX], const char *name,
    const unsigned char *data, size_t len, sr_err *err)
{
	char label[64];
	int e;

	snprintf(label, sizeof(label), "scoperun:%.48s", name);
	*fd = memfd_create(label, MFD_ALLOW_SEALING);
	if (*fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot make an "
		    "in-memory file for %s: %s", name, strerror(errno));
	if ((*fd = above_stdio(*fd)) < 0 || fill(*fd, data, len) != 0 ||
	    fchmod(*fd, 0400) != 0 || fcntl(*fd, F_ADD_SEALS, F_SEAL_WRITE |
	    F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
		e = errno;
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot seal the "
		    "in-memory file for %s: %s", name, strerror(e));
	}
	snprintf(path, SR_SECFILE_PATH_MAX, "/dev/fd/%d", *fd);
	return 0;
}
