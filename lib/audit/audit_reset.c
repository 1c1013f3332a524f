/*
 * audit_reset.c - a new log is never started silently over an old one.
 *
 * The first append of a log creates it. If that happened whenever the log
 * and its head were missing, deleting the two would make the next run
 * start a fresh log, with fresh keys, that verifies on its own: the old
 * records gone without a trace on the machine. So an append starts a log
 * only in a place that holds nothing of an earlier one (its signing key,
 * checkpoints, sealed initial key, rotated files), and otherwise refuses.
 * `scoperun audit reset` is the explicit way on: the old log's files are
 * moved, not deleted, into a directory beside it, and the new log's first
 * record (event `audit.reset`) names the old log's id.
 *
 * What this cannot do is see a place wiped of everything: that is what a
 * checkpoint or the initial key kept elsewhere, or syslog, catch.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "file.h"
#include "secalloc.h"

/* What a log leaves beside it, other than the log and its head. */
static const char *const traces[] = {
	".sign", ".checkpoints", ".key0.sealed", ".1",
};

static int
exists(const char *path, const char *suffix)
{
	char p[SR_ERR_PATH_MAX];
	struct stat st;

	return audit_side_path(p, sizeof(p), path, suffix) == 0 &&
	    lstat(p, &st) == 0;
}

/* The id of the log whose traces are at path: its head's, its signing
 * key's, or its initial key's. 0 when one was found. */
static int
old_log_id(unsigned char log[16], const char *path)
{
	struct audit_head *h = sr_secalloc_alloc(sizeof(*h));
	unsigned char pk[32], *k1;
	sr_err err = SR_ERR_INIT;
	int have = 0;

	if (h != NULL && audit_head_read(h, path, &err) == 0) {
		memcpy(log, h->log, 16);
		have = 1;
	}
	if (h != NULL)
		sr_secalloc_free(h);
	sr_err_clear(&err);
	if (!have && audit_checkpoint_key(pk, log, &have, path, NULL,
	    &err) != 0)
		have = 0;
	if (!have && (k1 = sr_secalloc_alloc(SR_AUDIT_HASH_BYTES)) != NULL) {
		sr_err_clear(&err);
		if (sr_audit_key0_load(k1, path, &err) == 0) {
			audit_log_id(log, k1);
			have = 1;
		}
		sr_secalloc_free(k1);
	}
	return have ? 0 : -1;
}

int
audit_old_state(char *what, size_t size, const char *path)
{
	unsigned char log[16];
	char hex[33];
	size_t i;

	for (i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		if (!exists(path, traces[i]))
			continue;
		if (old_log_id(log, path) == 0) {
			sodium_bin2hex(hex, sizeof(hex), log, sizeof(log));
			snprintf(what, size, "%.200s%s of log %s", path,
			    traces[i], hex);
		} else {
			snprintf(what, size, "%.200s%s", path, traces[i]);
		}
		return 1;
	}
	return 0;
}

/* ---- scoperun audit reset ---------------------------------------- */

/* dir and base name of path. */
static void
split_path(char *dir, size_t size, const char **base, const char *path)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	snprintf(dir, size, "%.*s", slash ? (int)(slash - path) +
	    (slash == path) : 1, slash ? path : ".");
}

/* A file of the log: base itself, or base.SOMETHING but its lock, the
 * rate limits (runs', not the log's) and earlier resets' directories. */
static int
of_the_log(const char *name, const char *base, size_t blen)
{
	if (strncmp(name, base, blen) != 0)
		return 0;
	if (name[blen] == '\0')
		return 1;
	return name[blen] == '.' && strcmp(name + blen, ".lock") != 0 &&
	    strncmp(name + blen, ".rate.", 6) != 0 &&
	    strncmp(name + blen, ".old-", 5) != 0;
}

static int
sync_path(const char *dir, sr_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot open %s: "
		    "%s", dir, strerror(errno));
	rc = fsync(fd);
	close(fd);
	return rc == 0 ? 0 : sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot "
	    "sync %s: %s", dir, strerror(errno));
}

/* Move every file of the log into to (a new directory); *n of them. */
static int
move_aside(const char *path, const char *to, size_t *n, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX], dst[SR_ERR_PATH_MAX], src[SR_ERR_PATH_MAX];
	const char *base;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*n = 0;
	split_path(dir, sizeof(dir), &base, path);
	if ((d = opendir(dir)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot list %s: "
		    "%s", dir, strerror(errno));
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (!of_the_log(e->d_name, base, strlen(base)))
			continue;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir,
		    e->d_name) >= sizeof(src) || (size_t)snprintf(dst,
		    sizeof(dst), "%s/%s", to, e->d_name) >= sizeof(dst))
			rc = sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too "
			    "long");
		else if (rename(src, dst) != 0)
			rc = sr_err_set(err, SR_ERR_SYSTEM, src, 0, "cannot "
			    "move %s to %s: %s", src, to, strerror(errno));
		else
			(*n)++;
	}
	closedir(d);
	if (rc == 0 && (sync_path(to, err) != 0 || sync_path(dir, err) != 0))
		rc = -1;
	return rc;
}

/* Under the lock: the old log aside, the new one's first record. */
static int
reset_locked(sr_audit_reset_result *r, const char *path, sr_err *err)
{
	unsigned char log[16];
	char what[SR_ERR_MSG_MAX], msg[SR_ERR_MSG_MAX];
	sr_audit_event ev = { 0 };
	struct stat st;
	size_t n;

	if (!exists(path, ".head") && !exists(path, ".key0") &&
	    audit_old_state(what, sizeof(what), path) == 0 &&
	    (stat(path, &st) != 0 || st.st_size == 0))
		return sr_err_set(err, SR_ERR_USAGE, path, 0, "there is no "
		    "audit log at %s to reset", path);
	if (old_log_id(log, path) == 0)
		sodium_bin2hex(r->old_log, sizeof(r->old_log), log, 16);
	else	/* nothing left says which: the time tells resets apart */
		snprintf(r->old_log, sizeof(r->old_log), "unknown-%lld",
		    (long long)time(NULL));
	if ((size_t)snprintf(r->moved_to, sizeof(r->moved_to), "%s.old-%s",
	    path, r->old_log) >= sizeof(r->moved_to))
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (mkdir(r->moved_to, 0700) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, r->moved_to, 0, "cannot "
		    "create %s: %s", r->moved_to, strerror(errno));
	if (move_aside(path, r->moved_to, &n, err) != 0)
		return -1;
	snprintf(msg, sizeof(msg), "a new audit log replaces log %s (%zu "
	    "file%s moved to %.300s)", r->old_log, n, n == 1 ? "" : "s",
	    r->moved_to);
	ev.event = "audit.reset";
	ev.reason = "audit.reset";
	ev.message = msg;
	ev.old_log = r->old_log;
	if (audit_append_locked(path, &ev, log, err) != 0)
		return -1;
	sodium_bin2hex(r->new_log, sizeof(r->new_log), log, 16);
	return 0;
}

int
sr_audit_reset(sr_audit_reset_result *r, const char *path, sr_err *err)
{
	char lock[SR_ERR_PATH_MAX], dir[SR_ERR_PATH_MAX];
	const char *base;
	struct stat st;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if (sodium_init() < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "libsodium");
	split_path(dir, sizeof(dir), &base, path);
	if (stat(dir, &st) != 0)
		return sr_err_set(err, SR_ERR_USAGE, path, 0, "there is no "
		    "audit log at %s to reset", path);
	if (audit_side_path(lock, sizeof(lock), path, ".lock") != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (sr_file_lock(&fd, lock, err) != 0)
		return -1;
	rc = reset_locked(r, path, err);
	sr_file_unlock(fd);
	return rc;
}
