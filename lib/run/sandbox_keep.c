/*
 * sandbox_keep.c - a covered mount namespace kept between runs.
 *
 * Making the namespace (unshare copies every mount, then one bind per
 * hidden path; not as root, a user namespace and its id maps too) is
 * most of what a confined run costs over an unconfined one
 * (tests/bench/sandbox.sh). So a run that hides with mounts and finds no
 * namespace to join starts a holder, `scoperun __sandbox-hold`: a
 * process of the user's, outside any sandbox and holding no secret, that
 * makes the same namespace once, registers it beside the covers and
 * keeps it for KEEP_SECONDS. Later runs that would make exactly the same
 * covers join it with setns(2) instead.
 *
 * "Exactly the same" is the key: every path the run would cover now,
 * each with its kind, device and inode, and the ids. A hidden path that
 * appeared or went since, or was replaced (an editor renames a new
 * ~/.netrc over the old one; the old cover then covers nothing), gives
 * another key: that run makes its own namespace and starts a holder for
 * the new key. What the key cannot see, a mount made or removed outside
 * after the holder started, ends the holder: it watches the mount table
 * it came from and exits when it changes. The run's working directory
 * must be the same directory inside, or the run fails (exit 125).
 *
 * Trust: the registry lies beside the covers, a directory hidden from
 * every agent (cmd/sandbox_cli.c), in files of the user's own, mode
 * 0600; the namespace is checked against the inode it names. A process
 * of the same user outside any sandbox could point the registry
 * elsewhere, but such a process can read what the covers hide anyway.
 */
#define _GNU_SOURCE 1	/* setns, CLONE_NEW* */
#include "sandbox.h"
#include "sandbox_impl.h"

#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

#define KEEP_SECONDS 300
#define KEY_MAGIC "scoperun-keep 1"

/* ---- the key ----------------------------------------------------- */

void
sb_key_put(sb_key *k, const char *s, size_t n)
{
	if (k->over || n >= sizeof(k->p) - k->len) {
		k->over = 1;
		return;
	}
	memcpy(k->p + k->len, s, n);
	k->len += n;
	k->p[k->len] = '\0';
}

void
sb_key_printf(sb_key *k, const char *fmt, ...)
{
	char line[PATH_MAX + 128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		k->over = 1;
	else
		sb_key_put(k, line, (size_t)n);
}

/* "KIND DEV INO DIR/NAME" (dir NULL: name is the path) of what st is,
 * or of nothing ('-') when st is NULL. */
static void
key_entry(sb_key *k, const struct stat *st, const char *dir,
    const char *name)
{
	char head[64];
	int n;

	if (strchr(name, '\n') != NULL) {
		k->over = 1;	/* the key is lines */
		return;
	}
	if (st == NULL)
		n = snprintf(head, sizeof(head), "- 0 0 ");
	else
		n = snprintf(head, sizeof(head), "%c %ju %ju ",
		    S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' : 'f',
		    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	sb_key_put(k, head, (size_t)n);
	if (dir != NULL) {
		sb_key_put(k, dir, strlen(dir));
		sb_key_put(k, "/", 1);
	}
	sb_key_put(k, name, strlen(name));
	sb_key_put(k, "\n", 1);
}

/* What the plan saw of path; NULL when it did not look. */
static const sb_known *
known(const sb_ns *ns, const char *path)
{
	size_t i;

	for (i = 0; i < ns->nknown; i++)
		if (strcmp(ns->known[i].path, path) == 0)
			return &ns->known[i];
	return NULL;
}

/*
 * A target as the plan saw it, else as it is now: gone, or its kind,
 * device and inode. The plan's look is the run's start: a path replaced
 * after it is not covered, as one replaced while the agent runs is not
 * (scoperun-policy(5)).
 */
static void
key_path(sb_key *k, const sb_ns *ns, const char *path)
{
	const sb_known *kn = known(ns, path);
	struct stat st;

	if (kn != NULL && kn->has_id) {
		memset(&st, 0, sizeof(st));
		st.st_mode = kn->isdir ? S_IFDIR : S_IFREG;
		st.st_dev = (dev_t)kn->dev;
		st.st_ino = (ino_t)kn->ino;
		key_entry(k, &st, NULL, path);
	} else if (lstat(path, &st) == 0)
		key_entry(k, &st, NULL, path);
	else if (errno == ENOENT || errno == ENOTDIR)
		key_entry(k, NULL, NULL, path);
	else
		k->over = 1;
}

/*
 * A glob "DIR/PREFIX": its entries now, in the directory's order (the
 * same for the same entries; another order only costs a namespace).
 * getdents64 into a buffer of our own: opendir's would cost page faults.
 */
static void
key_glob(sb_key *k, const sb_ns *ns, const char *glob)
{
	const sb_known *kn = known(ns, glob);
	const char *pre = strrchr(glob, '/') + 1;
	static char dir[PATH_MAX], buf[4096];
	const struct sb_dirent64 *e;
	struct stat st;
	long n, off;
	int fd;

	snprintf(dir, sizeof(dir), "%.*s", (int)(pre - glob - 1), glob);
	sb_key_put(k, "g 0 0 ", 6);
	sb_key_put(k, glob, strlen(glob));
	sb_key_put(k, "\n", 1);
	if (kn != NULL && !kn->exists)
		return;		/* no directory when the plan looked */
	if ((fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		k->over |= errno != ENOENT && errno != ENOTDIR;
		return;
	}
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (off = 0; (e = sb_next_entry(buf, n, &off)) != NULL;) {
			if (strncmp(e->d_name, pre, strlen(pre)) != 0)
				continue;
			if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				key_entry(k, &st, dir, e->d_name);
			else
				k->over = 1;
		}
	k->over |= n < 0;
	close(fd);
}

/* The covers this run would make, as the holder reads them. */
static int
key_build(const sb_ns *ns, sb_key *k)
{
	char ids[96];
	size_t i;
	int n;

	k->len = 0;
	k->over = 0;
	n = snprintf(ids, sizeof(ids), "%s uid %u gid %u root %d\n",
	    KEY_MAGIC, ns->uid, ns->gid, ns->root);
	sb_key_put(k, ids, (size_t)n);
	/* the covers' sources: "c" lines, the directory first */
	sb_key_put(k, "c 0 0 ", 6);
	sb_key_put(k, ns->cover_d, strlen(ns->cover_d));
	sb_key_put(k, "\nc 0 0 ", 7);
	sb_key_put(k, ns->cover_f, strlen(ns->cover_f));
	sb_key_put(k, "\n", 1);
	k->over |= strchr(ns->cover_d, '\n') || strchr(ns->cover_f, '\n');
	for (i = 0; i < ns->ndirs; i++)
		key_path(k, ns, ns->dirs[i]);
	for (i = 0; i < ns->nfiles; i++)
		key_path(k, ns, ns->files[i]);
	for (i = 0; i < ns->nglobs; i++)
		key_glob(k, ns, ns->globs[i]);
	return k->over ? -1 : 0;
}

/* The registry's name for a key: "ns-" and a 64-bit FNV-1a of it. The
 * registry holds the whole key, compared in full: the name only finds
 * it. */
void
sb_key_name(const char *p, size_t len, char *name, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	snprintf(name, size, "ns-%016" PRIx64, h);
}

/* The directory of the covers, which holds the registry, into dir. */
static const char *
keep_dir(const sb_ns *ns, char *dir, size_t size)
{
	char *slash;

	snprintf(dir, size, "%s", ns->cover_d);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return NULL;
	*slash = '\0';
	return dir;
}

/* ---- the run: find and join --------------------------------------- */

/* /proc/PID/ns/WHAT, if its inode is ino. */
static int
ns_open(long pid, const char *what, unsigned long long ino)
{
	char path[64];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", pid, what);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && (unsigned long long)st.st_ino == ino)
		return fd;
	close(fd);
	return -1;
}

/*
 * The registry at path: "PID A B [C]\nKEY", written by a holder of ours
 * for exactly key; its numbers in v (v[0] the pid). SB_KEEP_FAILED: PID 0,
 * a holder could not keep what key asks (do not start another).
 */
static int
registry_read(const char *path, unsigned uid, const sb_key *key,
    unsigned long long v[4])
{
	static char buf[SB_KEY_ROOM + 128];
	struct stat st;
	ssize_t n;
	char *end, *p;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return SB_KEEP_NONE;
	/* written by a holder of ours, and no one else can have (as
	 * StrictModes asks of a key) */
	if (fstat(fd, &st) != 0 || st.st_uid != (uid_t)uid ||
	    (st.st_mode & 077) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return SB_KEEP_NONE;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return SB_KEEP_NONE;
	buf[n] = '\0';
	if ((end = strchr(buf, '\n')) == NULL ||
	    (size_t)(buf + n - end - 1) != key->len ||
	    memcmp(end + 1, key->p, key->len) != 0)
		return SB_KEEP_NONE;
	*end = '\0';
	for (p = buf, i = 0; i < 4; i++) {
		v[i] = 0;
		if (*p != '\0' && (v[i] = strtoull(p, &p, 10), *p != ' ' &&
		    *p != '\0'))
			return SB_KEEP_NONE;
	}
	if (v[0] > INT_MAX)
		return SB_KEEP_NONE;
	return v[0] == 0 ? SB_KEEP_FAILED : v[0] == 1 ? SB_KEEP_NONE :
	    SB_KEEP_JOINED;
}

int
sb_keep_lookup(const char *dir, unsigned uid, const sb_key *key,
    char name[SB_KEY_NAME], unsigned long long v[4])
{
	char path[PATH_MAX + SB_KEY_NAME];

	sb_key_name(key->p, key->len, name, SB_KEY_NAME);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return SB_KEEP_FAILED;
	return registry_read(path, uid, key, v);
}

/* The registry's "PID MNT USER" (v): a live mount namespace. */
static int
join(sb_ns *ns, const unsigned long long v[4])
{
	if (!ns->root && (ns->keep_user = ns_open((long)v[0], "user",
	    v[2])) < 0)
		return SB_KEEP_NONE;
	if ((ns->keep_mnt = ns_open((long)v[0], "mnt", v[1])) >= 0)
		return SB_KEEP_JOINED;
	if (ns->keep_user >= 0)
		close(ns->keep_user);
	ns->keep_user = -1;
	return SB_KEEP_NONE;
}

/*
 * exe __sandbox-hold, detached (its own session, not a child of the
 * agent: a double fork), with the key on its standard input, the key's
 * lock as descriptor 3, held while it lives (one holder per key), and a
 * ruleset to keep as descriptor 4 (ruleset >= 0; else none).
 * The key goes into the pipe before the fork, without blocking: a
 * holder that never starts (a process limit, a failed exec) can then
 * neither stall the run nor kill it with SIGPIPE.
 */
void
sb_keep_start(int dir, const char *name, const char *exe, const sb_key *key,
    int ruleset)
{
	char lock[64];
	int lk, p[2], null;
	pid_t pid;

	snprintf(lock, sizeof(lock), "%s.lock", name);
	if ((lk = openat(dir, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0)
		return;
	if (flock(lk, LOCK_EX | LOCK_NB) != 0 || pipe2(p, O_CLOEXEC) != 0) {
		close(lk);
		return;
	}
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) != 0 ||
	    write(p[1], key->p, key->len) != (ssize_t)key->len) {
		close(p[0]);
		close(p[1]);
		close(lk);
		return;
	}
	close(p[1]);
	if ((pid = fork()) == 0) {
		char *argv[] = { (char *)"scoperun", (char *)"__sandbox-hold",
		    NULL }, *envp[] = { NULL };
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		/* out of the way of the numbers they get, first */
		if ((lk = fcntl(lk, F_DUPFD_CLOEXEC, 10)) < 0 || (ruleset >= 0 &&
		    (ruleset = fcntl(ruleset, F_DUPFD_CLOEXEC, 10)) < 0))
			_exit(127);
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(p[0], 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(null, 2) < 0 || dup2(lk, 3) < 0 ||
		    (ruleset >= 0 && dup2(ruleset, 4) < 0))
			_exit(127);
		syscall(SYS_close_range, ruleset >= 0 ? 5U : 4U, ~0U, 0U);
		execve(exe, argv, envp);
		_exit(127);
	}
	close(p[0]);
	close(lk);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * The key of the last sb_keep_find, for sb_keep_spawn: static (see
 * sb_key), and a run looks once.
 */
static sb_key last_key;
static char key_file[SB_KEY_NAME];

/*
 * Everything from what the plan saw where it could: each system call
 * here costs about what covering one path does. The working directory
 * is not checked through the holder's /proc/PID/root: the holder ends
 * when a mount changes, and the child checks it once inside
 * (sb_keep_enter).
 */
void
sb_keep_find(sb_ns *ns)
{
	char dir[PATH_MAX];
	unsigned long long v[4];
	struct stat st;
	int answer;

	key_file[0] = '\0';
	if (ns->cover_d[0] == '\0' || ns->cwd[0] != '/')
		return;
	if (!ns->cwd_known) {
		if (stat(ns->cwd, &st) != 0)
			return;
		ns->cwd_dev = (unsigned long long)st.st_dev;
		ns->cwd_ino = (unsigned long long)st.st_ino;
	}
	if (key_build(ns, &last_key) != 0)
		return;
	/* the registry beside the covers */
	if (keep_dir(ns, dir, sizeof(dir)) == NULL)
		return;
	if ((answer = sb_keep_lookup(dir, ns->uid, &last_key, key_file,
	    v)) == SB_KEEP_JOINED)
		answer = join(ns, v);
	if (answer != SB_KEEP_NONE)
		key_file[0] = '\0';	/* nothing to start */
}

void
sb_keep_spawn(const sb_ns *ns, const char *exe)
{
	char path[PATH_MAX];
	int dir;

	if (key_file[0] == '\0' || ns->keep_mnt >= 0 ||
	    keep_dir(ns, path, sizeof(path)) == NULL || (dir = open(path,
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	sb_keep_start(dir, key_file, exe, &last_key, -1);
	close(dir);
	key_file[0] = '\0';
}

static int
enter_fail(sr_err *err, const char *what)
{
	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "[sandbox]: cannot "
	    "join the kept mount namespace: %s: %s (SCOPERUN_SANDBOX_KEEP=0 "
	    "makes one for each run)", what, strerror(errno));
}

int
sb_keep_enter(const sb_ns *ns, sr_err *err)
{
	struct stat st;

	if (!ns->root && setns(ns->keep_user, CLONE_NEWUSER) != 0)
		return enter_fail(err, "setns user");
	if (setns(ns->keep_mnt, CLONE_NEWNS) != 0)
		return enter_fail(err, "setns mnt");
	/* setns put us at the namespace's root: back, by path, inside it
	 * (a descriptor from outside would lead outside, covers and all) */
	if (chdir(ns->cwd) != 0 || stat(".", &st) != 0)
		return enter_fail(err, ns->cwd);
	if ((unsigned long long)st.st_dev != ns->cwd_dev ||
	    (unsigned long long)st.st_ino != ns->cwd_ino) {
		errno = ESTALE;
		return enter_fail(err, ns->cwd);
	}
	return ns->root ? sb_ns_drop_caps(err) : 0;
}

/* ---- the holder ---------------------------------------------------- */

int
sb_hold_fail(sr_err *err, const char *what)
{
	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "sandbox holder: %s: "
	    "%s", what, strerror(errno));
}

/* All of in (the key), NUL-terminated. */
static int
read_key(int in, sr_buf *b)
{
	char chunk[4096];
	ssize_t n;

	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b->len + (size_t)n >= SB_KEY_ROOM ||
		    sr_buf_put(b, chunk, (size_t)n) != 0)
			return -1;
	}
	return b->len > 0 && !b->failed ? 0 : -1;
}

/* One "KIND DEV INO PATH" line into ns: directories and files are
 * covered, the rest (gone, links, a glob's header) only keyed. */
static int
parse_line(sb_ns *ns, char *line, size_t *cap_d, size_t *cap_f)
{
	char ***v, *path = line;
	size_t *n, *cap, i;

	for (i = 0; i < 3 && path != NULL; i++)
		if ((path = strchr(path, ' ')) != NULL)
			path++;
	if (path == NULL || path[0] != '/' || line[1] != ' ')
		return -1;
	if (line[0] != 'd' && line[0] != 'f')
		return 0;
	v = line[0] == 'd' ? &ns->dirs : &ns->files;
	n = line[0] == 'd' ? &ns->ndirs : &ns->nfiles;
	cap = line[0] == 'd' ? cap_d : cap_f;
	if (*n == *cap) {
		char **nv = realloc(*v, (*cap * 2 + 8) * sizeof(**v));
		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = *cap * 2 + 8;
	}
	(*v)[(*n)++] = path;
	return 0;
}

int
sb_keep_parse(sb_ns *ns, char *text)
{
	char *line = text, *end;
	size_t cap_d = 0, cap_f = 0;
	unsigned uid, gid;
	int root, k = 0;

	if (sscanf(text, KEY_MAGIC " uid %u gid %u root %d", &uid, &gid,
	    &root) != 3 || uid != (unsigned)geteuid() ||
	    gid != (unsigned)getegid() || root != (geteuid() == 0))
		return -1;
	for (; (end = strchr(line, '\n')) != NULL; line = end + 1, k++) {
		*end = '\0';
		if (k == 0)
			continue;
		if (k <= 2) {
			if (strncmp(line, "c 0 0 /", 7) != 0)
				return -1;
			snprintf(k == 1 ? ns->cover_d : ns->cover_f,
			    sizeof(ns->cover_d), "%s", line + 6);
		} else if (parse_line(ns, line, &cap_d, &cap_f) != 0) {
			return -1;
		}
	}
	return line[0] == '\0' && k > 2 ? 0 : -1;
}

int
sb_register(int dir, const char *name, const char *head, const char *key,
    size_t len)
{
	char tmp[64];
	size_t n = strlen(head);
	int fd, ok;

	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	if ((fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return -1;
	ok = write(fd, head, n) == (ssize_t)n &&
	    write(fd, key, len) == (ssize_t)len;
	close(fd);
	if (ok && renameat(dir, tmp, dir, name) == 0)
		return 0;
	unlinkat(dir, tmp, 0);
	return -1;
}

/* "PID MNT USER\n" for this process's namespaces; failed: "0 0 0",
 * so that runs with this key stop starting holders that fail. */
static int
register_ns(int dir, const char *name, const char *key, size_t len,
    int failed)
{
	char head[96];
	struct stat m = { 0 }, u = { 0 };

	if (!failed && (stat("/proc/self/ns/mnt", &m) != 0 ||
	    stat("/proc/self/ns/user", &u) != 0))
		return -1;
	snprintf(head, sizeof(head), "%ld %llu %llu\n", failed ? 0L :
	    (long)getpid(), (unsigned long long)m.st_ino,
	    (unsigned long long)u.st_ino);
	return sb_register(dir, name, head, key, len);
}

/* Our registry and lock gone, unless a newer holder took the name. */
static void
unregister_ns(int dir, const char *name)
{
	char lock[64], buf[32], mine[32];
	ssize_t n = -1;
	int fd;

	snprintf(mine, sizeof(mine), "%ld ", (long)getpid());
	if ((fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n > 0 && strncmp(buf, mine, strlen(mine)) == 0) {
		unlinkat(dir, name, 0);
		snprintf(lock, sizeof(lock), "%s.lock", name);
		unlinkat(dir, lock, 0);
	}
}

void
sb_hold(int dir, const char *name, int mounts, int changes)
{
	struct pollfd p[2] = { { mounts, POLLPRI, 0 }, { changes, POLLIN, 0 } };

	while (poll(p, changes >= 0 ? 2 : 1, KEEP_SECONDS * 1000) < 0 &&
	    errno == EINTR)
		;
	unregister_ns(dir, name);
}

int
sr_sandbox_hold(int in, sr_err *err)
{
	sr_buf text_in = SR_BUF_INIT;
	sb_ns ns;
	char name[SB_KEY_NAME], dir_path[PATH_MAX], *text = NULL;
	int dir = -1, mounts = -1, rc = -1;

	memset(&ns, 0, sizeof(ns));
	ns.keep_mnt = ns.keep_user = -1;
	/* runs open /proc/PID/ns of this process: dumpable (it holds no
	 * secret: it was exec'd with nothing but the key) */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (chdir("/") != 0 || read_key(in, &text_in) != 0) {
		sb_hold_fail(err, "read the key");
		goto done;
	}
	if (strncmp(text_in.p, SB_RULES_MAGIC " ", strlen(SB_RULES_MAGIC) + 1)
	    == 0) {
		rc = sb_hold_rules(text_in.p, text_in.len, err);
		goto done;
	}
	sb_key_name(text_in.p, text_in.len, name, sizeof(name));
	if ((text = strdup(text_in.p)) == NULL || sb_keep_parse(&ns, text) != 0) {
		errno = EINVAL;
		sb_hold_fail(err, "parse the key");
		goto done;
	}
	ns.need_fds = 1;	/* a cover may hide the covers' directory */
	/* the registry's directory, and the mount table to watch, opened
	 * before the covers hide the one and the namespace hides the other */
	if (keep_dir(&ns, dir_path, sizeof(dir_path)) == NULL ||
	    (dir = open(dir_path, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 ||
	    (mounts = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC)) < 0) {
		sb_hold_fail(err, "open");
		goto done;
	}
	if (sb_ns_maps(&ns) != 0 || sb_ns_enter(&ns, err) != 0) {
		register_ns(dir, name, text_in.p, text_in.len, 1);
		goto done;
	}
	if (register_ns(dir, name, text_in.p, text_in.len, 0) != 0) {
		sb_hold_fail(err, "register");
		goto done;
	}
	sb_hold(dir, name, mounts, -1);
	rc = 0;
done:
	if (mounts >= 0)
		close(mounts);
	if (dir >= 0)
		close(dir);
	free(ns.dirs);
	free(ns.files);
	free(text);
	sr_buf_free(&text_in);
	return rc;
}
