/*
 * sandbox_impl.h - what lib/run/sandbox.c (plan, ruleset) and
 * lib/run/sandbox_ns.c (the mount namespace) share; not for cmd/.
 */
#ifndef SR_SANDBOX_IMPL_H
#define SR_SANDBOX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * What the child does before it enters the Landlock domain when hiding
 * with a mount namespace: everything here is computed by the parent
 * (build), so the child only makes system calls.
 */
/* What the plan saw of a hidden path (lstat, when it looked), so that
 * the kept namespace's key (sandbox_keep.c) need not look again. */
typedef struct sb_known {
	const char *path;	/* as in sb_ns's lists; a glob's "DIR/PREFIX" */
	int exists;		/* a glob: its directory */
	int has_id;		/* dev, ino and isdir are the plan's */
	int isdir;
	unsigned long long dev, ino;
} sb_known;

typedef struct sb_ns {
	char **dirs;		/* hidden directories that exist */
	size_t ndirs;
	char **files;		/* hidden files (anything but a directory) */
	size_t nfiles;
	char **globs;		/* "DIR/PREFIX": matched in the child */
	size_t nglobs;
	/* an empty directory and an empty file (mode 0) of scoperun's own
	 * to bind over hidden paths; "" when there are none: then the
	 * child makes them on a tmpfs, which costs more */
	char cover_d[4096], cover_f[4096];
	int need_fds;		/* hold them open: a cover may hide them */
	char uidmap[1024];	/* /proc/self/uid_map's text for the new ns */
	char gidmap[1024];
	int root;		/* the caller is uid 0: no user namespace */
	unsigned uid, gid;	/* the caller's effective ids (sb_ns_maps) */
	/* a namespace kept between runs (sandbox_keep.c), found by
	 * sb_keep_find: its descriptors, -1 when none is to be joined */
	int keep_mnt, keep_user;
	char cwd[4096];		/* the run's working directory */
	int cwd_known;		/* the plan saw its device and inode: */
	unsigned long long cwd_dev, cwd_ino;	/* what it is outside */
	sb_known *known;	/* the hidden paths as the plan saw them */
	size_t nknown;
} sb_ns;

/*
 * In the child: a new mount namespace (and, unless root, a user
 * namespace with the caller's ids mapped to themselves), an empty
 * read-only directory mounted over each hidden directory and an empty
 * file over each hidden file. Root keeps its capabilities but for
 * CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH, which could reach beneath a
 * cover (open_tree, open_by_handle_at); see lib/run/sandbox_ns.c.
 */
int sb_ns_enter(const sb_ns *ns, sr_err *err);

/* The identity maps for this caller into ns (uidmap, gidmap, root). */
int sb_ns_maps(sb_ns *ns);

/* Our own dirent: <dirent.h>'s is not what getdents64 fills. */
struct sb_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The next entry of a getdents64 buffer, "." and ".." skipped; NULL at
 * its end (sandbox_ns.c; the glob matches, in the child and in a kept
 * namespace's key). */
const struct sb_dirent64 *sb_next_entry(const char *buf, long n,
    long *off);

/* Root's capabilities that reach under a cover, dropped (sandbox_ns.c). */
int sb_ns_drop_caps(sr_err *err);

/*
 * In the parent: is there a kept namespace with exactly the covers this
 * run would make (sandbox_keep.c)? Then ns->keep_mnt (and keep_user)
 * are set. If not, sb_keep_spawn starts a holder for the next run (exe:
 * the scoperun to run as the holder).
 */
void sb_keep_find(sb_ns *ns);
void sb_keep_spawn(const sb_ns *ns, const char *exe);

/*
 * The holder's reading of a key (sandbox_keep.c, lib/FORMAT.md): the
 * covers' sources into ns->cover_d and cover_f, the paths to cover into
 * ns->dirs and ns->files (malloc'd arrays pointing into text, which is
 * cut into lines). 0, or -1 for text that is not a key for this user.
 */
int sb_keep_parse(sb_ns *ns, char *text);

/* In the child: join the kept namespace and return to the working
 * directory, which must be the same directory it is outside. */
int sb_keep_enter(const sb_ns *ns, sr_err *err);

#endif
