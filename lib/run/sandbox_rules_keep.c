/*
 * sandbox_rules_keep.c - a Landlock ruleset kept between runs, when
 * hiding with rules.
 *
 * Hiding with rules grants every sibling on the way to each hidden path
 * (sandbox.c's walk): a descriptor and a rule for each entry of HOME,
 * ~/.config, ~/.local/share and the like, hundreds in a lived-in HOME,
 * and most of what such a confined run costs over an unconfined one.
 * The ruleset follows from the plan and from what those directories
 * hold. So a run that built one starts a holder (sandbox_keep.c's) that
 * keeps it as its descriptor 4 and registers it beside the covers; a
 * later run with the same key takes a copy of that descriptor with
 * pidfd_getfd(2) instead of building its own.
 *
 * The key: the plan (the rights handled, the roots with their device
 * and inode, the hidden paths as the plan saw them, the ports) and a
 * stamp of every directory the walk lists: its mode, device, inode and
 * its change and modification times, which move whenever an entry is
 * made, removed or renamed in it. A change in the same clock tick as the
 * stamp might not move it: a directory changed less than STILL_SECONDS
 * ago starts no holder (git's "racily clean" index entries are the same
 * problem). A mount made or removed ends the holder, as for namespaces.
 *
 * Trust: pidfd_getfd(2) is ptrace's to allow: to a process of the same
 * user outside any Landlock domain, so an agent can neither take the
 * ruleset nor add rules to the one runs share; under Yama, to any such
 * process the holder allows (PR_SET_PTRACER_ANY). The holder's lock,
 * its descriptor 3, proves that the pid is still the holder the registry
 * names. A process of the same user outside any sandbox could add rules
 * to the kept ruleset, but it can read what the ruleset hides anyway.
 */
#define _GNU_SOURCE 1
#include "sandbox.h"
#include "sandbox_impl.h"

#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define STILL_SECONDS 2
#define RULESET_FD 4		/* the holder's */
#define MAX_WALKED 128

/* ---- the key ----------------------------------------------------- */

/* The directories the walk lists, each once. */
typedef struct walked {
	char *v[MAX_WALKED];
	size_t n;
	int over;
} walked;

static void
walked_add(walked *w, const char *dir)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i], dir) == 0)
			return;
	if (w->n == MAX_WALKED || (w->v[w->n] = strdup(dir)) == NULL)
		w->over = 1;
	else
		w->n++;
}

/* root, and each directory beneath it on the way to p (p too: self). */
static void
walked_way(walked *w, const char *root, const char *p, int self)
{
	char buf[PATH_MAX];
	size_t i = strcmp(root, "/") ? strlen(root) : 0;

	walked_add(w, root);
	if (snprintf(buf, sizeof(buf), "%s", p) >= (int)sizeof(buf)) {
		w->over = 1;
		return;
	}
	for (i++; buf[i] != '\0'; i++)
		if (buf[i] == '/') {
			buf[i] = '\0';
			walked_add(w, buf);
			buf[i] = '/';
		}
	if (self)
		walked_add(w, p);
}

/* What sandbox.c's walk lists from root: every directory on the way to
 * each hidden path beneath it, and a glob's directory itself. */
static void
walked_from(walked *w, const sr_sandbox *sb, const char *root)
{
	char gd[PATH_MAX];
	size_t k;

	if (!sb_holds_hidden(sb, root))
		return;
	for (k = 0; k < sb->hide.n; k++) {
		const sb_path *h = &sb->hide.v[k];
		const char *p = sb_glob_dir(h, gd, sizeof(gd));
		if (!h->exists && !h->glob)
			continue;
		if (strcmp(p, root) == 0 ? h->glob : sb_path_under(p, root))
			walked_way(w, root, p, h->glob);
	}
}

static int
recent(const struct timespec *t, const struct timespec *now)
{
	return t->tv_sec >= now->tv_sec - STILL_SECONDS;
}

/* "s MODE DEV INO MTIME CTIME DIR"; a directory that changed lately
 * makes the key racy. */
static void
stamp(sb_key *k, const char *dir, const struct timespec *now, int *racy)
{
	struct stat st;

	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			k->over = 1;
		sb_key_printf(k, "s - %s\n", dir);
		return;
	}
	if (recent(&st.st_mtim, now) || recent(&st.st_ctim, now))
		*racy = 1;
	sb_key_printf(k, "s %o %ju %ju %lld.%09ld %lld.%09ld %s\n",
	    (unsigned)st.st_mode, (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	    (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, dir);
}

static void
key_paths(sb_key *k, char kind, const sb_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const sb_path *p = &l->v[i];
		if (strchr(p->path, '\n') != NULL)
			k->over = 1;	/* the key is lines */
		sb_key_printf(k, "%c %d %d %d %d %llu %llu %s\n", kind, p->glob,
		    p->exists, p->isdir, p->has_id, p->dev, p->ino, p->path);
	}
}

static void
key_ports(sb_key *k, char kind, const sr_portlist *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		sb_key_printf(k, "%c %u\n", kind, (unsigned)pl->v[i]);
}

/* The plan, then the stamps of what the walk will list. */
static int
rules_key(const sr_sandbox *sb, sb_key *k, int *racy)
{
	struct timespec now;
	walked w = { { NULL }, 0, 0 };
	size_t i;

	k->len = 0;
	k->over = strchr(sb->cover_dir, '\n') != NULL;
	sb_key_printf(k, "%s %s uid %u\nd %s\n", SB_RULES_MAGIC,
	    SCOPERUN_VERSION, (unsigned)geteuid(), sb->cover_dir);
	sb_key_printf(k, "m %llx %llx %llx %d\n", (unsigned long long)sb->fs,
	    (unsigned long long)sb->net, (unsigned long long)sb->scoped,
	    sb->read_all);
	key_paths(k, 'r', &sb->read);
	key_paths(k, 'w', &sb->write);
	key_paths(k, 'h', &sb->hide);
	key_ports(k, 'c', &sb->connect);
	key_ports(k, 'b', &sb->bind);
	if (sb->read_all)
		walked_from(&w, sb, "/");
	for (i = 0; i < sb->read.n; i++)
		walked_from(&w, sb, sb->read.v[i].path);
	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < w.n; i++) {
		stamp(k, w.v[i], &now, racy);
		free(w.v[i]);
	}
	return k->over || w.over ? -1 : 0;
}

/* ---- the run: find, take, start ------------------------------------ */

/* The key of the last find, for spawn: a run looks once. */
static sb_key last_key;
static char key_file[SB_KEY_NAME];

/* A copy of descriptor fd of holder pid, if pid still holds the key's
 * lock (device dev, inode ino) as its descriptor 3. */
static int
take(unsigned long long pid, unsigned long long fd, unsigned long long dev,
    unsigned long long ino)
{
	struct stat st;
	int pfd, lk, rs = -1;

	if (fd != RULESET_FD ||
	    (pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0U)) < 0)
		return -1;
	if ((lk = (int)syscall(SYS_pidfd_getfd, pfd, 3, 0U)) >= 0) {
		if (fstat(lk, &st) == 0 && (unsigned long long)st.st_dev == dev &&
		    (unsigned long long)st.st_ino == ino)
			rs = (int)syscall(SYS_pidfd_getfd, pfd, RULESET_FD, 0U);
		close(lk);
	}
	close(pfd);
	return rs;
}

void
sb_keep_rules_find(sr_sandbox *sb)
{
	unsigned long long v[4];
	int racy = 0, answer;

	key_file[0] = '\0';
	if (sb->cover_dir == NULL || sb->fd >= 0 ||
	    rules_key(sb, &last_key, &racy) != 0)
		return;
	if ((answer = sb_keep_lookup(sb->cover_dir, (unsigned)geteuid(),
	    &last_key, key_file, v)) == SB_KEEP_JOINED &&
	    (sb->fd = take(v[0], v[1], v[2], v[3])) < 0)
		answer = SB_KEEP_NONE;
	sb->joined = answer == SB_KEEP_JOINED;
	if (answer != SB_KEEP_NONE || racy)
		key_file[0] = '\0';	/* nothing to start */
}

void
sb_keep_rules_spawn(const sr_sandbox *sb, const char *exe)
{
	int dir;

	if (key_file[0] == '\0' || sb->joined || sb->fd < 0)
		return;
	/* the covers' directory: made by a run with mounts, else here */
	sb_cover_dir_make(sb->cover_dir);
	if ((dir = open(sb->cover_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) >= 0) {
		sb_keep_start(dir, key_file, exe, &last_key, sb->fd);
		close(dir);
	}
	key_file[0] = '\0';
}

/* ---- the holder ---------------------------------------------------- */

/* Descriptor 3 a lock file (its device and inode in st), 4 a ruleset. */
static int
given(struct stat *st)
{
	char link[64];
	ssize_t n = readlink("/proc/self/fd/4", link, sizeof(link) - 1);

	if (n < 0)
		return -1;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[landlock-ruleset]") == 0 &&
	    fstat(3, st) == 0 && S_ISREG(st->st_mode) ? 0 : -1;
}

int
sb_rules_parse(const char *key, char *dir, size_t size,
    void (*each)(const char *path, void *arg), void *arg)
{
	char path[PATH_MAX];
	const char *line, *p, *end;
	unsigned uid;
	int i;

	if (sscanf(key, SB_RULES_MAGIC " %*s uid %u", &uid) != 1 ||
	    uid != (unsigned)geteuid() || (p = strstr(key, "\nd /")) == NULL ||
	    (end = strchr(p + 3, '\n')) == NULL ||
	    (size_t)(end - p - 3) >= size)
		return -1;
	memcpy(dir, p + 3, (size_t)(end - p - 3));
	dir[end - p - 3] = '\0';
	for (line = key; (line = strstr(line, "\ns ")) != NULL; line = end) {
		if ((end = strchr(++line, '\n')) == NULL)
			break;
		/* "s - PATH" or "s MODE DEV INO MTIME CTIME PATH" */
		for (p = line, i = 0; i < (line[2] == '-' ? 2 : 6) && p < end;
		    i++)
			if ((p = memchr(p, ' ', (size_t)(end - p))) != NULL)
				p++;
			else
				p = end;
		if (p < end && p[0] == '/' && (size_t)(end - p) < sizeof(path)) {
			memcpy(path, p, (size_t)(end - p));
			path[end - p] = '\0';
			each(path, arg);
		}
	}
	return 0;
}

static void
watch(const char *path, void *arg)
{
	const uint32_t ev = IN_CREATE | IN_DELETE | IN_MOVED_FROM |
	    IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
	    IN_DONT_FOLLOW;

	if (*(int *)arg >= 0)
		(void)inotify_add_watch(*(int *)arg, path, ev);
}

int
sb_hold_rules(const char *key, size_t len, sr_err *err)
{
	char dir_path[PATH_MAX], name[SB_KEY_NAME], head[96];
	struct stat lk;
	int dir = -1, mounts = -1, changes = -1, rc = -1;

	if (given(&lk) != 0)
		return sb_hold_fail(err, "descriptors 3 and 4 are not a lock and "
		    "a ruleset");
	/* runs take the ruleset with pidfd_getfd: Yama, where it is, asks
	 * for this (no Yama: EINVAL, and nothing to ask) */
	(void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	sb_key_name(key, len, name, sizeof(name));
	snprintf(head, sizeof(head), "%ld %d %ju %ju\n", (long)getpid(),
	    RULESET_FD, (uintmax_t)lk.st_dev, (uintmax_t)lk.st_ino);
	/* the walked directories, watched: an entry made, removed or
	 * renamed in one changes the key of every later run, so the holder
	 * ends then rather than at its time (many keys would otherwise keep
	 * as many holders); without inotify, the time still ends it */
	changes = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	errno = EINVAL;
	if (sb_rules_parse(key, dir_path, sizeof(dir_path), watch,
	    &changes) != 0)
		sb_hold_fail(err, "parse the key");
	else if ((dir = open(dir_path, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 ||
	    (mounts = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC)) < 0)
		sb_hold_fail(err, "open");
	else if (sb_register(dir, name, head, key, len) != 0)
		sb_hold_fail(err, "register");
	else {
		sb_hold(dir, name, mounts, changes);
		rc = 0;
	}
	if (changes >= 0)
		close(changes);
	if (mounts >= 0)
		close(mounts);
	if (dir >= 0)
		close(dir);
	return rc;
}
