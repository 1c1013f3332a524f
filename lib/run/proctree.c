/*
 * proctree.c - the descendants sweep of proctree.h.
 *
 * One pass over /proc collects (pid, parent) for every live process; the
 * descendants of root are then found by growing a set from root until a
 * pass over the table adds nothing (the table is small: a few hundred
 * processes, and the tree below an agent is shallow).
 */
#include "proctree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct proc {
	pid_t pid, ppid;
	int mark;			/* 1: a descendant of root */
};

int
sr_proctree_parse_stat(const char *buf, size_t len, char *state,
    pid_t *ppid)
{
	const char *p = NULL, *end = buf + len;
	long v = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == ')')
			p = buf + i;
	/* ") S 123 " at least: the state, a space, a digit. */
	if (p == NULL || end - p < 5 || p[1] != ' ' || p[3] != ' ')
		return -1;
	*state = p[2];
	for (p += 4; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffff)
			return -1;
	}
	if (p == end || *p != ' ' || p[-1] == ' ')
		return -1;
	*ppid = (pid_t)v;
	return 0;
}

/* pid's parent and state from /proc/pid/stat; -1 when it is gone. */
static int
read_stat(const char *name, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	if (strlen(name) > 20)
		return -1;
	memcpy(path, "/proc/", 6);
	strcpy(path + 6, name);
	strcat(path, "/stat");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) < 0 && errno == EINTR)
		;
	close(fd);
	if (n <= 0)
		return -1;
	return sr_proctree_parse_stat(buf, (size_t)n, state, ppid);
}

/* Every live process: *out (malloc'd), *n. -1 when /proc is not there. */
static int
scan(struct proc **out, size_t *n)
{
	struct proc *v = NULL, *grown;
	struct dirent *d;
	size_t cap = 0;
	DIR *dir;
	char state;
	pid_t ppid;

	*n = 0;
	if ((dir = opendir("/proc")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    read_stat(d->d_name, &state, &ppid) != 0 ||
		    state == 'Z' || state == 'X')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				closedir(dir);
				return -1;
			}
			v = grown;
		}
		v[(*n)++] = (struct proc){ (pid_t)atol(d->d_name), ppid, 0 };
	}
	closedir(dir);
	*out = v;
	return 0;
}

/* Is pid root or one of the found[0..nfound)? */
static int
in_tree(pid_t pid, pid_t root, const pid_t *found, size_t nfound)
{
	size_t i;

	if (pid == root)
		return 1;
	for (i = 0; i < nfound; i++)
		if (found[i] == pid)
			return 1;
	return 0;
}

/*
 * Mark root's descendants, passing over the table until a pass marks no
 * one more; found (n entries of room) lists them, so each check costs the
 * few descendants rather than the whole table. Returns how many.
 */
static size_t
mark_descendants(struct proc *v, size_t n, pid_t root, pid_t *found)
{
	size_t i, nfound = 0;
	int grew = 1;

	while (grew) {
		grew = 0;
		for (i = 0; i < n; i++) {
			if (v[i].mark || v[i].pid == root ||
			    !in_tree(v[i].ppid, root, found, nfound))
				continue;
			v[i].mark = 1;
			found[nfound++] = v[i].pid;
			grew = 1;
		}
	}
	return nfound;
}

int
sr_proctree_signal(pid_t root, int sig)
{
	struct proc *v = NULL;
	pid_t *found;
	size_t n, i, nfound;
	int count = 0;

	if (scan(&v, &n) != 0)
		return -1;
	if ((found = malloc((n + 1) * sizeof(*found))) == NULL) {
		free(v);
		return -1;
	}
	nfound = mark_descendants(v, n, root, found);
	for (i = 0; i < nfound; i++) {
		if (kill(found[i], sig) == 0)
			count++;
		if (sig == SIGTERM)
			kill(found[i], SIGCONT);
	}
	free(found);
	free(v);
	return count;
}
