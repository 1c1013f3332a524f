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

/* Flags for sr_file_read_strict. */
#define SR_FILE_PRIVATE 0x1	/* the file must not be readable by others
				   either (identity, vault): mode & 077 == 0 */
#define SR_FILE_SODIUM 0x2	/* read into sodium memory (secalloc.h); the
				   caller frees with sr_secalloc_free */

/*
 * Read a whole regular file of at most max bytes after the StrictModes
 * checks. *buf is malloc'd (or sr_secalloc_alloc'd) and NUL-terminated.
 * Errors: SR_ERR_NOTFOUND when the file does not exist, SR_ERR_CONFIG when
 * it is unsafe, too big or not a regular file, SR_ERR_SYSTEM otherwise.
 */
int sr_file_read_strict(char **buf, size_t *len, const char *path,
    size_t max, unsigned flags, sr_err *err);

/* The StrictModes verdict on a stat result: 0 safe, -1 with err set.
 * what names the object in the message ("policy file", "directory");
 * unsafe is the mode bits that must be clear (SR_FILE_UNSAFE_MODE). */
int sr_file_check_mode(const char *path, mode_t mode, uid_t owner,
    mode_t unsafe, const char *what, sr_err *err);

/* Create dir and its missing parents with mode 0700; existing ones are
 * left as they are. */
int sr_file_mkdirs(const char *dir, sr_err *err);

/*
 * Replace path with data, atomically: a temp file in the same directory
 * (O_EXCL, mode), write, fsync, rename over path, fsync the directory. A
 * crash at any point leaves either the old file or the new one.
 */
int sr_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err);

/* As sr_file_write_atomic; with SR_FILE_NO_SYNC nothing is fsync'ed: after
 * a crash the old file may come back, or (rarely) a damaged new one; for
 * state that can be rebuilt. */
#define SR_FILE_NO_SYNC 0x1
int sr_file_replace(const char *path, const void *data, size_t len,
    mode_t mode, unsigned flags, sr_err *err);

/*
 * Small state that can be rebuilt, rewritten in place: one pwrite at
 * offset 0 of at most SR_FILE_SECTOR bytes, which a crash cannot tear
 * (one sector) nor a signal cut short. In place only when path is a
 * regular file of ours with exactly mode and no longer than data, so
 * nothing old is left past it; otherwise replaced as sr_file_replace
 * does, unsynced. Saves the rename, which on ext4 also starts writeback.
 */
#define SR_FILE_SECTOR 512
int sr_file_rewrite_small(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err);

/* Create path (O_EXCL: never overwrite) holding data, fsync'd. */
int sr_file_write_new(const char *path, const void *data, size_t len,
    mode_t mode, sr_err *err);

/* Hold an exclusive lock on lockpath (created 0600 when missing) until
 * sr_file_unlock(*fd). Writers of one file serialise on its lock file,
 * since the file itself is replaced by rename. */
int sr_file_lock(int *fd, const char *lockpath, sr_err *err);
void sr_file_unlock(int fd);

/* Create the directory holding path (sr_file_mkdirs); nothing to do when
 * path has no directory part or it is "/". */
int sr_file_mkdirs_parent(const char *path, sr_err *err);

/*
 * State updated in place under a lock (the rate and suspension rings):
 * open path read-write, created 0600 (its directory 0700) when missing,
 * hold an exclusive flock on it until *fd is closed, and refuse it unless
 * it is a regular file passing the StrictModes checks. *size is its size.
 * what names the file in messages ("rate limit state").
 */
int sr_file_open_locked(int *fd, off_t *size, const char *path,
    const char *what, sr_err *err);

/* pwrite all of len bytes at off: 0, or -1 with errno set (ENOSPC for a
 * short write, which sets none). */
int sr_file_pwrite_all(int fd, const void *data, size_t len, off_t off);

/* An agent's state file beside the audit log, "AUDIT.KIND.AGENT" into buf
 * ("rate", "suspend"); SR_ERR_CONFIG when it does not fit. */
int sr_file_state_path(char *buf, size_t size, const char *audit_path,
    const char *kind, const char *agent, sr_err *err);

#endif
