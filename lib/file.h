/*
 * file.h - the one careful way scoperun opens its own files.
 *
 * Policies (and later the identity and the vault) decide what an agent
 * gets, so whoever can write them owns the agent's grants. Like OpenSSH's
 * StrictModes, a file is refused when it or its own directory is writable
 * by group or others, or owned by anyone but the invoking user or root.
 * Checks are made on the descriptors that are then read (fstat, openat
 * with O_NOFOLLOW), never on a path looked up twice.
 */
#ifndef SR_FILE_H
#define SR_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Bits that make a file or directory unsafe to trust. */
#define SR_FILE_UNSAFE_MODE 0022

/*
 * Read a whole regular file of at most max bytes after the StrictModes
 * checks. *buf is malloc'd and NUL-terminated. Errors: SR_ERR_NOTFOUND
 * when the file does not exist, SR_ERR_CONFIG when it is unsafe, too big
 * or not a regular file, SR_ERR_SYSTEM otherwise.
 */
int sr_file_read_strict(char **buf, size_t *len, const char *path,
    size_t max, sr_err *err);

/* The StrictModes verdict on a stat result: 0 safe, -1 with err set.
 * what names the object in the message ("policy file", "directory"). */
int sr_file_check_mode(const char *path, mode_t mode, uid_t owner,
    const char *what, sr_err *err);

#endif
