/*
 * sandbox_ns.c - hiding with a mount namespace (see sandbox.h).
 *
 * Landlock then grants read on "/" in one rule, and the hidden paths are
 * covered by empty mounts in a mount namespace of the agent's own: the
 * agent can list ~ and read what appears in it during the run, and the
 * cost no longer grows with the entries of the directories on the way.
 * Landlock forbids a confined process to mount, unmount or move mounts,
 * so the agent cannot take the covers off; see sandbox_impl.h for root.
 */
#define _GNU_SOURCE 1	/* unshare, CLONE_NEW* */
#include "sandbox.h"
#include "sandbox_impl.h"

#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- can this process make a user namespace? --------------------- */

/* The first line of a /proc file as a number; -1 when it is not there. */
static long
proc_number(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Is CAP_SYS_ADMIN in this process's effective set? */
static int
has_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

/*
 * The kernel refuses a user namespace to a chrooted process (EPERM): its
 * root is not its mount namespace's; and root's "/" there is no mount to
 * make private. Seen from inside, "/" is then no mount's root. A chroot
 * into the top of a mount is not seen: unshare then fails and the run
 * says how to hide without it.
 *
 * Before Linux 5.8 statx cannot say so: mountinfo is read instead (it
 * lists the mounts reachable from the root; none mounted on "/" means a
 * chroot). It costs ~40 us a confined run, one statx ~1 us.
 */
static int
no_root_mount_listed(void)
{
	char buf[65536], *line, *end, *f;
	ssize_t n;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC), i;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (line = buf; line < buf + n; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = buf + n;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ...: the fifth field */
		for (f = line, i = 0; i < 4 && f < end; i++)
			if ((f = memchr(f, ' ', (size_t)(end - f))) != NULL)
				f++;
			else
				f = end;
		if (f + 2 <= end && f[0] == '/' && f[1] == ' ')
			return 0;
	}
	return (size_t)n < sizeof(buf) - 1;	/* a long list: not sure */
}

static int
chrooted(void)
{
	struct statx st;

	if (statx(AT_FDCWD, "/", 0, 0, &st) == 0 &&
	    (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return !(st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
	return no_root_mount_listed();
}

/*
 * Root makes a mount namespace with CAP_SYS_ADMIN and no user namespace
 * (one would take its capabilities over other users' files away);
 * anyone else needs a user namespace. A seccomp filter may refuse
 * unshare(2), and there is no asking it.
 */
int
sr_sandbox_userns(const char **why)
{
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (chrooted()) {
		/* no user namespace there, and "/" is no mount to make private */
		*why = "a chroot";
	} else if (geteuid() == 0) {
		if (!has_sys_admin())
			*why = "root without CAP_SYS_ADMIN";
	} else if (proc_number("/proc/sys/user/max_user_namespaces") == 0) {
		*why = "user.max_user_namespaces is 0";
	} else if (proc_number("/proc/sys/kernel/unprivileged_userns_clone") ==
	    0) {
		*why = "kernel.unprivileged_userns_clone is 0";
	} else if (proc_number(
	    "/proc/sys/kernel/apparmor_restrict_unprivileged_userns") > 0) {
		*why = "kernel.apparmor_restrict_unprivileged_userns is set";
	}
	/* 0: none; 2: a filter (one that forbids prctl kills us: so be it) */
	if (*why == NULL && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		*why = "a seccomp filter is in force";
	return *why == NULL;
}

/* ---- the identity map ------------------------------------------- */

int
sb_ns_maps(sb_ns *ns)
{
	/* each id call is a system call: once */
	unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();

	ns->root = uid == 0;
	ns->uid = uid;
	ns->gid = gid;
	return snprintf(ns->uidmap, sizeof(ns->uidmap), "%u %u 1\n", uid,
	    uid) < (int)sizeof(ns->uidmap) && snprintf(ns->gidmap,
	    sizeof(ns->gidmap), "%u %u 1\n", gid, gid) <
	    (int)sizeof(ns->gidmap) ? 0 : -1;
}

/* ---- in the child ------------------------------------------------ */

/* name (in dir, this process's /proc directory) := text */
static int
write_proc(int dir, const char *name, const char *text)
{
	size_t n = strlen(text);
	int fd = openat(dir, name, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

static int
fail(sr_err *err, const char *what, const char *path)
{
	int e = errno;

	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "[sandbox]: cannot "
	    "hide with a mount namespace: %s%s%s: %s (SCOPERUN_SANDBOX_HIDE="
	    "rules hides without one)", what, path ? " " : "", path ? path :
	    "", strerror(e));
}

/* Not root: a user namespace too, with only our own ids, mapped to
 * themselves (all an unprivileged process may map). */
static int
new_ns(const sb_ns *ns, sr_err *err)
{
	if (ns->root) {
		if (unshare(CLONE_NEWNS) != 0)
			return fail(err, "unshare", NULL);
		return 0;
	}
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), rc = -1, dir;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return fail(err, "unshare", NULL);
	/*
	 * A process holding secrets is not dumpable (lib/core/secmem.c),
	 * and then its /proc/self files belong to root, so it cannot write
	 * its own maps. Dumpable for these three writes: what this process
	 * holds now is the agent's environment, which the agent has after
	 * exec anyway.
	 */
	if (dumpable != 1 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
		return fail(err, "set dumpable", NULL);
	/* /proc/self looked up once for the three (a lookup of it makes
	 * this process's /proc directory, and each file's, anew) */
	if ((dir = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		fail(err, "open", "/proc/self");
	/* without CAP_SETGID outside, setgroups must be off to map gids */
	else if (write_proc(dir, "setgroups", "deny") != 0)
		fail(err, "write", "/proc/self/setgroups");
	else if (write_proc(dir, "uid_map", ns->uidmap) != 0)
		fail(err, "write", "/proc/self/uid_map");
	else if (write_proc(dir, "gid_map", ns->gidmap) != 0)
		fail(err, "write", "/proc/self/gid_map");
	else
		rc = 0;
	if (dir >= 0)
		close(dir);
	if (dumpable != 1)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return rc;
}

/*
 * Root keeps its capabilities, but not the two that could reach under a
 * cover: CAP_SYS_ADMIN (open_tree(2) clones a mount without what is
 * mounted on it; Landlock stops mount, umount and move_mount, not that)
 * and CAP_DAC_READ_SEARCH (open_by_handle_at(2) opens a file without a
 * path). Out of the bounding set, so exec cannot give them back; out of
 * the inheritable and ambient sets, so nothing passes them on.
 */
int
sb_ns_drop_caps(sr_err *err)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	const int drop[] = { CAP_SYS_ADMIN, CAP_DAC_READ_SEARCH };
	size_t i;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL)
		return fail(err, "clear", "the ambient capabilities");
	if (syscall(SYS_capget, &h, d) != 0)
		return fail(err, "capget", NULL);
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		uint32_t bit = 1U << (drop[i] % 32);
		if (prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0) != 0)
			return fail(err, "drop", "a capability");
		d[drop[i] / 32].inheritable &= ~bit;
		d[drop[i] / 32].permitted &= ~bit;
		d[drop[i] / 32].effective &= ~bit;
	}
	if (syscall(SYS_capset, &h, d) != 0)
		return fail(err, "capset", NULL);
	return 0;
}

/* A target that is gone, or that this user cannot reach, needs no
 * cover: the agent, with the same ids and no capabilities, cannot
 * reach it either. */
static int
gone(void)
{
	return errno == ENOENT || errno == EACCES || errno == ENOTDIR;
}

/* src over target. A target that is gone needs no cover; a source that
 * is gone (the target is there: lstat says so) fails the run. */
static int
bind_over(const char *src, const char *target, sr_err *err)
{
	struct stat st;

	if (mount(src, target, NULL, MS_BIND, NULL) == 0)
		return 0;
	if (!gone() || lstat(target, &st) == 0)
		return fail(err, "mount", target);
	return 0;
}

/*
 * Where the covers come from: an empty directory "d" and an empty file
 * "f" (mode 0) in the directory own; "" when there are none. Named by
 * their paths, which the kernel looks up fast, until a cover hides own
 * (scoperun's state directory holds it); then through the descriptors
 * held open (fd), a lookup through /proc that costs a few times more.
 */
typedef struct sb_src {
	char d[PATH_MAX], f[PATH_MAX], own[PATH_MAX];
	int fd[2];
} sb_src;

/* a is b or lies beneath it */
static int
beneath(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

static const unsigned long cover_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

/* An empty read-only tmpfs of its own over a directory. */
static int
tmpfs_over(const char *target, unsigned long ro, sr_err *err)
{
	if (mount("tmpfs", target, "tmpfs", cover_flags | ro, "mode=0,size=4k,"
	    "nr_inodes=4") != 0 && !gone())
		return fail(err, "mount", target);
	return 0;
}

static int
cover_one(sb_src *src, const char *target, int dir, sr_err *err)
{
	int rc;

	if (dir && src->d[0] == '\0')
		return tmpfs_over(target, MS_RDONLY, err);
	rc = bind_over(dir ? src->d : src->f[0] ? src->f : "/dev/null",
	    target, err);
	if (rc == 0 && src->fd[0] >= 0 && beneath(src->own, target)) {
		snprintf(src->d, sizeof(src->d), "/proc/self/fd/%d", src->fd[0]);
		snprintf(src->f, sizeof(src->f), "/proc/self/fd/%d", src->fd[1]);
	}
	return rc;
}

const struct sb_dirent64 *
sb_next_entry(const char *buf, long n, long *off)
{
	const struct sb_dirent64 *e;

	while (*off < n) {
		e = (const void *)(buf + *off);
		*off += e->d_reclen;
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			return e;
	}
	return NULL;
}

/* Cover each entry of a getdents64 buffer that begins with pre. */
static int
cover_entries(sb_src *src, int fd, const char *dir, const char *buf,
    long n, const char *pre, sr_err *err)
{
	const struct sb_dirent64 *e;
	char path[PATH_MAX];
	struct stat st;
	long off = 0;

	while ((e = sb_next_entry(buf, n, &off)) != NULL) {
		unsigned char t = e->d_type;
		if (strncmp(e->d_name, pre, strlen(pre)) != 0 ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (t == DT_UNKNOWN && fstatat(fd, e->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0)
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ?
			    DT_LNK : DT_REG;
		if (t != DT_LNK && cover_one(src, path, t == DT_DIR, err) != 0)
			return -1;
	}
	return 0;
}

/* Is dir/name the directory that holds the covers (own: its path)? */
static int
is_own(const char *dir, const char *name, const char *own)
{
	size_t n = strlen(dir);

	return own[0] != '\0' && strncmp(own, dir, n) == 0 && own[n] == '/' &&
	    strcmp(own + n + 1, name) == 0;
}

/*
 * A glob's entries as they are now, right before exec: scoperun's own
 * audit log and its keys may have been made since the plan. When every
 * entry of the directory matches (scoperun's state directory: the log,
 * its head, keys and lock, and own, the covers' directory) one cover
 * over the directory does; nothing that is not hidden is in it, and
 * nothing in it can be writable (the plan refuses a hidden path under a
 * writable root). getdents64 into a buffer on the stack: nothing
 * allocated in the child.
 */
static int
cover_glob(sb_src *src, const char *glob, const char *own, sr_err *err)
{
	char dir[PATH_MAX], buf[8192], more[512];
	const char *pre = strrchr(glob, '/') + 1;
	const struct sb_dirent64 *e;
	long n, off = 0;
	int fd, all = 1, matched = 0, rc = 0;

	snprintf(dir, sizeof(dir), "%.*s", (int)(pre - glob - 1), glob);
	if ((fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return gone() ? 0 : fail(err, "open", dir);
	n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	while (n > 0 && (e = sb_next_entry(buf, n, &off)) != NULL) {
		int m = strncmp(e->d_name, pre, strlen(pre)) == 0;
		matched += m;
		all &= m || is_own(dir, e->d_name, own);
	}
	/* one buffer held the whole directory, all of it hidden */
	if (n > 0 && all && matched && dir[0] &&
	    syscall(SYS_getdents64, fd, more, sizeof(more)) == 0) {
		close(fd);
		return cover_one(src, dir, 1, err);
	}
	while (rc == 0 && n > 0) {
		rc = cover_entries(src, fd, dir, buf, n, pre, err);
		n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	}
	close(fd);
	return rc != 0 ? -1 : n < 0 ? fail(err, "read", dir) : 0;
}

/*
 * Without covers of scoperun's own (sb_ns.cover_d): a staging tmpfs
 * mounted over the first hidden directory, "d" and "f" made in it and
 * bound over every hidden path, and "d" over the staging mount itself
 * last. No hidden directory either: a tmpfs of its own over each
 * directory a glob matches, /dev/null over each file.
 */
static int
stage(const sb_ns *ns, sb_src *src, size_t *s, sr_err *err)
{
	int fd;

	for (*s = 0; *s < ns->ndirs; (*s)++) {
		if (mount("tmpfs", ns->dirs[*s], "tmpfs", cover_flags,
		    "mode=0,size=4k,nr_inodes=4") == 0)
			break;
		if (!gone())
			return fail(err, "mount", ns->dirs[*s]);
	}
	if (*s == ns->ndirs)
		return 0;
	snprintf(src->d, sizeof(src->d), "%s/d", ns->dirs[*s]);
	snprintf(src->f, sizeof(src->f), "%s/f", ns->dirs[*s]);
	if (mkdir(src->d, 0) != 0)
		return fail(err, "mkdir", src->d);
	if ((fd = open(src->f, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0)) < 0)
		return fail(err, "create", src->f);
	close(fd);
	return 0;
}

/*
 * The covers held open: a cover over a hidden directory may hide the
 * path to them (the state directory, or hide = ["~/.local"]), and a
 * source that cannot be found must fail the run, where a target that
 * cannot be found needs no cover.
 */
static int
hold(sb_src *src, sr_err *err)
{
	if ((src->fd[0] = open(src->d, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return fail(err, "open", src->d);
	if ((src->fd[1] = open(src->f, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return fail(err, "open", src->f);
	return 0;
}

/* Every hidden path covered; s is the staging directory, if any. */
static int
cover_all(const sb_ns *ns, sb_src *src, size_t s, sr_err *err)
{
	const char *own = src->own;
	size_t i;

	/* in this order: see ns_order() in lib/run/sandbox.c */
	for (i = 0; i < ns->nfiles; i++)
		if (cover_one(src, ns->files[i], 0, err) != 0)
			return -1;
	for (i = 0; i < ns->nglobs; i++)
		if (cover_glob(src, ns->globs[i], own, err) != 0)
			return -1;
	for (i = 0; i < ns->ndirs; i++)
		if (i != s && cover_one(src, ns->dirs[i], 1, err) != 0)
			return -1;
	/* not made read-only: no cover lies under a writable root, so
	 * Landlock refuses every write to it, and a remount costs */
	return s < ns->ndirs ? bind_over(src->d, ns->dirs[s], err) : 0;
}

static int
cover(const sb_ns *ns, sr_err *err)
{
	sb_src src = { "", "", "", { -1, -1 } };
	size_t s = SIZE_MAX;
	char *slash;
	int rc = -1;

	if (ns->cover_d[0] != '\0') {
		snprintf(src.d, sizeof(src.d), "%s", ns->cover_d);
		snprintf(src.f, sizeof(src.f), "%s", ns->cover_f);
	} else if (stage(ns, &src, &s, err) != 0) {
		return -1;
	}
	snprintf(src.own, sizeof(src.own), "%s", src.d);
	if ((slash = strrchr(src.own, '/')) != NULL)
		*slash = '\0';
	if (src.d[0] == '\0' || !ns->need_fds || hold(&src, err) == 0)
		rc = cover_all(ns, &src, s, err);
	if (src.fd[0] >= 0)
		close(src.fd[0]);
	if (src.fd[1] >= 0)
		close(src.fd[1]);
	return rc;
}

int
sb_ns_enter(const sb_ns *ns, sr_err *err)
{
	if (new_ns(ns, err) != 0)
		return -1;
	/*
	 * Nothing mounted here may show outside. Copied into a new user
	 * namespace, shared mounts become slaves: nothing propagates back.
	 * Root's copy stays shared with the namespace it came from, so it
	 * is made private first.
	 */
	if (ns->root && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return fail(err, "make private", "/");
	if (cover(ns, err) != 0)
		return -1;
	return ns->root ? sb_ns_drop_caps(err) : 0;
}
