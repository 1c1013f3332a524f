/*
 * sandbox_list.c - one directory's entries, read once, for the plan.
 *
 * The plan looks up some fifteen names in HOME (the built-in hidden set
 * and the directories on the way to the rest), one lstat each; on these
 * machines a system call costs about 2 us, and one getdents64 of a HOME
 * answers them all. Only what readdir's d_type says plainly is answered
 * here (a directory, a file, nothing there); a link, an unknown type, or
 * a directory too large for the buffer leaves the caller to lstat.
 */
#include "sandbox_impl.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Our own dirent: <dirent.h>'s is not what getdents64 fills. */
struct list_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Static: a run lists one directory; a HOME of a few hundred entries
 * fits, a larger one is looked up name by name. */
static char entries[32768];

void
sb_list_init(sb_listing *l, const char *dir)
{
	l->state = 0;
	l->len = 0;
	if (dir == NULL || dir[0] != '/' ||
	    (size_t)snprintf(l->dir, sizeof(l->dir), "%s", dir) >=
	    sizeof(l->dir))
		l->state = -1;
}

static void
load(sb_listing *l)
{
	struct stat st;
	long n;
	int fd;

	l->state = -1;
	if ((fd = open(l->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0) {
		l->dev = (unsigned long long)st.st_dev;
		n = syscall(SYS_getdents64, fd, entries, sizeof(entries));
		/* a second call says whether the first had it all */
		if (n > 0 && syscall(SYS_getdents64, fd, entries + n,
		    sizeof(entries) - (size_t)n) == 0) {
			l->len = (size_t)n;
			l->state = 1;
		}
	}
	close(fd);
}

int
sb_list_lookup(sb_listing *l, const char *dir, size_t dirlen,
    const char *name, struct stat *st)
{
	const struct list_dirent64 *e;
	size_t off;

	if (l->state < 0 || strncmp(dir, l->dir, dirlen) != 0 ||
	    l->dir[dirlen] != '\0' || strchr(name, '/') != NULL)
		return -1;
	if (l->state == 0)
		load(l);
	if (l->state < 0)
		return -1;
	for (off = 0; off < l->len; off += e->d_reclen) {
		e = (const void *)(entries + off);
		if (e->d_name[0] != name[0] || e->d_name[1] != name[1] ||
		    strcmp(e->d_name, name) != 0)
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_REG)
			return -1;	/* a link, or not said: lstat */
		memset(st, 0, sizeof(*st));
		st->st_mode = e->d_type == DT_DIR ? S_IFDIR : S_IFREG;
		st->st_dev = (dev_t)l->dev;
		st->st_ino = (ino_t)e->d_ino;
		return 1;
	}
	errno = ENOENT;
	return 0;
}
