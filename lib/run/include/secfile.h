/*
 * secfile.h - a secret as a file that never touches a disk (SPEC §10,
 * `as = "file"`).
 *
 * Many tools want a credential *file* (kubeconfig, a service account
 * key, an SSH key). The value goes into a memfd: anonymous memory with a
 * file's interface, on no file system a path leads to. It is sealed
 * (F_SEAL_WRITE, GROW, SHRINK, then SEAL itself) so nobody, root
 * included, can change it, made mode 0400 so tools that check a key
 * file's permissions (ssh) accept it, and left open *without*
 * close-on-exec: the agent inherits the descriptor and reaches the file
 * as /dev/fd/N. The memory goes when the last descriptor does, that is
 * when the agent (and anything it passed the descriptor to) exits.
 *
 * /dev/fd/N rather than /proc/self/fd/N: both name the same magic link
 * on Linux (/dev/fd is a link to /proc/self/fd), but /dev/fd/N is the
 * spelling shells (process substitution), ssh's and git's docs and
 * most tools already know, and "self" would mislead in a message read
 * by another process. Opening it opens the memfd afresh (offset 0, the
 * 0400 mode checked), in the agent or any child that kept the
 * descriptor.
 */
#ifndef SR_SECFILE_H
#define SR_SECFILE_H

#include <stddef.h>

#include "err.h"

#define SR_SECFILE_PATH_MAX 32

/*
 * A sealed read-only memfd holding data[0..len), named name (shown in
 * /proc/PID/fd, never a secret), positioned at 0, descriptor >= 3 and
 * inheritable; its path ("/dev/fd/N") in path.
 */
int sr_secfile_create(int *fd, char path[SR_SECFILE_PATH_MAX],
    const char *name, const unsigned char *data, size_t len, sr_err *err);

#endif
