/*
 * sandbox_impl.h - what lib/run/sandbox.c (plan, ruleset) and
 * lib/run/sandbox_ns.c (the mount namespace) share; not for cmd/.
 */
#ifndef SR_SANDBOX_IMPL_H
#define SR_SANDBOX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sandbox.h"

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

/* ---- the plan (sandbox.c), for the files beside it ----------------- */

typedef struct sb_path {
	char *path;		/* absolute; a glob's directory + "/" + prefix */
	unsigned line;		/* in the policy; 0: built in or a default */
	int glob;		/* the last component is a prefix ('*' cut) */
	int exists;
	int builtin;
	int isdir;		/* 1 a directory, 0 not, -1 not known */
	/* what the plan's lstat saw, when it saw it (has_id): the kept
	 * namespace's key (sandbox_keep.c) reuses it */
	int has_id;
	unsigned long long dev, ino;
} sb_path;

typedef struct sb_list {
	sb_path *v;
	size_t n;
} sb_list;

struct sr_sandbox {
	const char *policy_path;
	sb_list write, read, hide;
	int read_all;		/* no read key: all but the hidden set */
	sr_portlist connect, bind;	/* copies of the policy's */
	int required, abi, enforce;
	int mounts;		/* hide with a mount namespace (else rules) */
	int userns_unasked;	/* mounts planned; sr_sandbox_settle asks */
	int targets;		/* ns_targets: 0 not yet, 1 done, -1 failed */
	int joined;		/* the namespace or ruleset is a holder's */
	const char *userns_why;	/* why not mounts, when auto chose rules */
	char *cover_dir;	/* ctx->cover_dir, copied; NULL: none; also
				 * where holders are registered */
	sb_ns ns;		/* the mounts' targets and id maps, built */
	unsigned line;		/* [sandbox] */
	uint64_t fs, net, scoped;	/* what the ruleset handles */
	const char *degraded[8];
	size_t ndegraded;
	int fd;			/* the ruleset; -1 until built */
	size_t nrules;
	sr_diag *diags;
	size_t ndiags, nerrors;
	int last_dir;		/* what resolve_seen saw last: isdir */
	int last_has_id;	/* and its device and inode */
	const char *home;	/* ctx->home, for look() */
	int home_fd;		/* HOME, once met canonical; -1 before */
	size_t home_len;
	unsigned long long last_dev, last_ino;
	int *kept;		/* rules' descriptors left open (grant_path) */
	size_t nkept, maxkept, fdroom;
	char *seen[64];		/* canonical directories met by the plan */
	size_t nseen;
};

/* a is b or lies beneath it (both absolute, no trailing '/'). */
int sb_path_under(const char *a, const char *b);
/* The directory a hidden entry lives in when it is a glob, else itself. */
const char *sb_glob_dir(const sb_path *h, char *buf, size_t size);
/* Does dir hold a hidden path somewhere beneath it (not dir itself)? */
int sb_holds_hidden(const sr_sandbox *sb, const char *dir);
/* The covers' directory (a holder's registry too), and its parent. */
void sb_cover_dir_make(const char *dir);

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

/*
 * A key: what a kept namespace or ruleset was made from, as lines of
 * text; a run joins a holder's only when its own key is the same, byte
 * for byte. Static in its users, not on the stack (a large frame is
 * probed page by page under -fstack-clash-protection).
 */
#define SB_KEY_ROOM 8192	/* a key longer than this is not kept */
typedef struct sb_key {
	char p[SB_KEY_ROOM];
	size_t len;
	int over;		/* did not fit, or cannot be a key: not kept */
} sb_key;

void sb_key_put(sb_key *k, const char *s, size_t n);
/* The registry's name for a key: "ns-" and a hash of it. */
#define SB_KEY_NAME 32
void sb_key_name(const char *p, size_t len, char *name, size_t size);

/* sb_keep_lookup's answers */
enum { SB_KEEP_NONE, SB_KEEP_JOINED, SB_KEEP_FAILED };
/*
 * The registry for key in dir: its name into name (for a holder to
 * start), and, if a holder of user uid wrote it, "PID A B [C]\nKEY" for
 * exactly key, its numbers in v (v[0] the pid): JOINED for a
 * live-looking pid, FAILED for pid 0 (a holder could not keep what key
 * asks: start no other).
 */
int sb_keep_lookup(const char *dir, unsigned uid, const sb_key *key,
    char name[SB_KEY_NAME], unsigned long long v[4]);
/* Start exe __sandbox-hold for key, registered as name in dir, the
 * ruleset (>= 0) its descriptor 4. */
void sb_keep_start(int dir, const char *name, const char *exe,
    const sb_key *key, int ruleset);
/* The holder's error: "sandbox holder: WHAT: errno's words". */
int sb_hold_fail(sr_err *err, const char *what);
/* The holder: head ("PID ...\n") and key as name in dir, atomically. */
int sb_register(int dir, const char *name, const char *head,
    const char *key, size_t len);
/* The holder: wait until the mount table (mounts, /proc/self/mounts)
 * changes, changes (>= 0) is readable, or its time is up; then
 * unregister. */
void sb_hold(int dir, const char *name, int mounts, int changes);

/* ---- a kept Landlock ruleset (sandbox_rules_keep.c) ----------------- */

#define SB_RULES_MAGIC "scoperun-keep-rules 1"
/* Between plan and build, hiding with rules: a holder's ruleset for
 * exactly this plan and these directories, taken into sb->fd. */
void sb_keep_rules_find(sr_sandbox *sb);
/* After the build: a holder for the ruleset just built, when none was
 * found and the directories it walked have been still long enough. */
void sb_keep_rules_spawn(const sr_sandbox *sb, const char *exe);
/*
 * The holder's reading of a rules key: the registry's directory (its "d"
 * line) into dir, and each directory the key stamps ("s" lines) to
 * each(). -1 when key is not this user's.
 */
int sb_rules_parse(const char *key, char *dir, size_t size,
    void (*each)(const char *path, void *arg), void *arg);
/* `scoperun __sandbox-hold` for a key of SB_RULES_MAGIC. */
int sb_hold_rules(const char *key, size_t len, sr_err *err);
void sb_key_printf(sb_key *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* In the child: join the kept namespace and return to the working
 * directory, which must be the same directory it is outside. */
int sb_keep_enter(const sb_ns *ns, sr_err *err);

#endif
