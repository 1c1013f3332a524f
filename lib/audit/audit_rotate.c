/*
 * audit_rotate.c - the log in several files: path.N .. path.1, path.
 *
 * When the log grows past its size, it is renamed path.1 (path.1 becomes
 * path.2, and so on) and a new empty path starts; the head goes on as it
 * was, so the new file's first record chains to the last of path.1 and
 * seq continues. Nothing is deleted: archiving old files is the owner's
 * call, and verify reports records missing from the start of the set.
 *
 * Under the lock, in an order a crash cannot hurt: the renames and the
 * new file are made durable (directory fsync) before the head says the
 * current file is empty; if the head update is lost, the next append
 * finds path.1 ending where the head says, and takes the rotation as done.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "settings.h"

#define MAX_INDEX 99999999UL

uint64_t
audit_rotate_limit(void)
{
	uint64_t v = sr_settings_get()->audit_rotate_bytes;

	return v != 0 ? v : SR_AUDIT_ROTATE_BYTES;
}

/* k when name is base.k (k a decimal without a leading 0), else 0. */
static unsigned long
rotated_index(const char *name, const char *base, size_t blen)
{
	unsigned long k = 0;
	const char *p;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.' ||
	    name[blen + 1] < '1' || name[blen + 1] > '9')
		return 0;
	for (p = name + blen + 1; *p >= '0' && *p <= '9' && k <= MAX_INDEX;
	    p++)
		k = k * 10 + (unsigned long)(*p - '0');
	return *p == '\0' && k <= MAX_INDEX ? k : 0;
}

static int
cmp_desc(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x > y ? -1 : x < y;
}

/* The rotated indexes of path, highest first (*v malloc'd). */
static int
rotated_list(unsigned long **v, size_t *n, const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	const char *base, *slash = strrchr(path, '/');
	struct dirent *e;
	size_t cap = 0;
	unsigned long k, *grown;
	DIR *d;

	*v = NULL;
	*n = 0;
	base = slash ? slash + 1 : path;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) +
	    (slash == path) : 1, slash ? path : ".");
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : sr_err_set(err, SR_ERR_SYSTEM,
		    dir, 0, "cannot list %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if ((k = rotated_index(e->d_name, base, strlen(base))) == 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((grown = realloc(*v, cap * sizeof(**v))) == NULL) {
				closedir(d);
				return sr_err_set(err, SR_ERR_SYSTEM, path, 0,
				    "out of memory");
			}
			*v = grown;
		}
		(*v)[(*n)++] = k;
	}
	closedir(d);
	if (*n > 0)
		qsort(*v, *n, sizeof(**v), cmp_desc);
	return 0;
}

void
sr_audit_files_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths != NULL && i < n; i++)
		free(paths[i]);
	free(paths);
}

int
sr_audit_files(char ***paths, size_t *n, const char *path, sr_err *err)
{
	unsigned long *idx;
	size_t i, m, len = strlen(path) + 12;

	*paths = NULL;
	*n = 0;
	if (rotated_list(&idx, &m, path, err) != 0)
		return -1;
	if ((*paths = calloc(m + 1, sizeof(**paths))) == NULL)
		goto oom;
	for (i = 0; i < m; i++) {
		if (((*paths)[i] = malloc(len)) == NULL)
			goto oom;
		snprintf((*paths)[i], len, "%s.%lu", path, idx[i]);
		*n = i + 1;
	}
	if (((*paths)[m] = strdup(path)) == NULL)
		goto oom;
	*n = m + 1;
	free(idx);
	return 0;
oom:
	free(idx);
	sr_audit_files_free(*paths, *n);
	*paths = NULL;
	*n = 0;
	return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "out of memory");
}

/* fsync the directory path is in: the renames are durable after it. */
static int
sync_dir(const char *path, sr_err *err)
{
	char dir[SR_ERR_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) +
	    (slash == path) : 1, slash ? path : ".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot open %s: "
		    "%s", dir, strerror(errno));
	rc = fsync(fd);
	close(fd);
	if (rc != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, dir, 0, "cannot sync %s: "
		    "%s", dir, strerror(errno));
	return 0;
}

static int
rename_to(const char *from, const char *path, unsigned long k, sr_err *err)
{
	char to[SR_ERR_PATH_MAX];

	if ((size_t)snprintf(to, sizeof(to), "%s.%lu", path, k) >= sizeof(to))
		return sr_err_set(err, SR_ERR_SYSTEM, path, 0, "path too long");
	if (rename(from, to) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, from, 0, "cannot rotate "
		    "%s to %s: %s", from, to, strerror(errno));
	return 0;
}

int
audit_rotate(struct audit_head *h, const char *path, sr_err *err)
{
	char from[SR_ERR_PATH_MAX];
	unsigned long *idx;
	size_t i, m;
	int fd, rc = -1;

	if (rotated_list(&idx, &m, path, err) != 0)
		return -1;
	/* highest first, so no rename lands on a file still there */
	for (i = 0; i < m; i++) {
		snprintf(from, sizeof(from), "%s.%lu", path, idx[i]);
		if (idx[i] >= MAX_INDEX) {
			sr_err_set(err, SR_ERR_CONFIG, path, 0, "too many "
			    "rotated audit files beside %s", path);
			goto done;
		}
		if (rename_to(from, path, idx[i] + 1, err) != 0)
			goto done;
	}
	if (rename_to(path, path, 1, err) != 0)
		goto done;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		sr_err_set(err, SR_ERR_SYSTEM, path, 0, "cannot create %s: %s",
		    path, strerror(errno));
		goto done;
	}
	close(fd);
	if (sync_dir(path, err) != 0)
		goto done;
	h->size = 0;
	if (audit_head_write(h, path, err) != 0 ||
	    audit_checkpoint_append(NULL, h, path, err) != 0)
		goto done;
	rc = 0;
done:
	free(idx);
	return rc;
}

int
audit_rotate_resume(struct audit_head *h, const char *path, uint64_t size)
{
	char p1[SR_ERR_PATH_MAX], tail[AUDIT_TAIL_LEN + 1], want[65];
	struct stat st;
	int fd, ok;

	if (size != 0 || h->size < AUDIT_TAIL_LEN + 1 ||
	    (size_t)snprintf(p1, sizeof(p1), "%s.1", path) >= sizeof(p1) ||
	    (fd = open(p1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	ok = fstat(fd, &st) == 0 && (uint64_t)st.st_size == h->size &&
	    pread(fd, tail, sizeof(tail), (off_t)(h->size - sizeof(tail))) ==
	    (ssize_t)sizeof(tail);
	close(fd);
	sodium_bin2hex(want, sizeof(want), h->hash, SR_AUDIT_HASH_BYTES);
	/* ,"hash":"<the head's hash>","mac":"..."}\n */
	if (!ok || memcmp(tail, ",\"hash\":\"", 9) != 0 ||
	    memcmp(tail + 9, want, 64) != 0 || tail[AUDIT_TAIL_LEN] != '\n')
		return 0;
	h->size = 0;
	return 1;
}
