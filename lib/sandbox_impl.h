/*
 * sandbox_impl.h - what lib/sandbox.c (plan, ruleset) and
 * lib/sandbox_ns.c (the mount namespace) share; not for cmd/.
 */
#ifndef SR_SANDBOX_IMPL_H
#define SR_SANDBOX_IMPL_H

#include <stddef.h>

#include "err.h"

/*
 * What the child does before it enters the Landlock domain when hiding
 * with a mount namespace: everything here is computed by the parent
 * (build), so the child only makes system calls.
 */
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
} sb_ns;

/*
 * In the child: a new mount namespace (and, unless root, a user
 * namespace with the caller's ids mapped to themselves), an empty
 * read-only directory mounted over each hidden directory and an empty
 * file over each hidden file. Root keeps its capabilities but for
 * CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH, which could reach beneath a
 * cover (open_tree, open_by_handle_at); see lib/sandbox_ns.c.
 */
int sb_ns_enter(const sb_ns *ns, sr_err *err);

/* The identity maps for this caller into ns (uidmap, gidmap, root). */
int sb_ns_maps(sb_ns *ns);

#endif
