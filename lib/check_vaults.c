/*
 * check_vaults.c - the scoperun vaults a repository tracks
 * (check_vaults.h).
 */
#include "check_vaults.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repo_impl.h"

typedef struct found {
	char *path;
	unsigned char oid[REPO_OID_RAW];
} found;

typedef struct lister {
	repo_git *git;
	int rootfd;
	found *v;
	size_t n, cap;
	sr_err *err;
	/* for the blob callback */
	sr_check_vault_fn fn;
	void *arg;
	const char *path;
} lister;

/* Does the work tree's file at path start with the vault header? */
static int
looks_like_vault(int rootfd, const char *path)
{
	char head[sizeof(SR_VAULT_HEADER) - 1];
	ssize_t n;
	int fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n == (ssize_t)sizeof(head) && memcmp(head, SR_VAULT_HEADER,
	    sizeof(head)) == 0;
}

static int
on_entry(void *arg, const char *path, size_t len, unsigned mode,
    const unsigned char oid[REPO_OID_RAW])
{
	lister *l = arg;
	found *grown;

	(void)len;
	/* regular files only (100644, 100755), and one stage of each */
	if ((mode & 0170000) != 0100000 || (l->n > 0 &&
	    strcmp(l->v[l->n - 1].path, path) == 0) ||
	    !looks_like_vault(l->rootfd, path))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		if ((grown = realloc(l->v, l->cap * sizeof(*l->v))) == NULL)
			return sr_err_set(l->err, SR_ERR_SYSTEM, NULL, 0, "out "
			    "of memory");
		l->v = grown;
	}
	if ((l->v[l->n].path = strdup(path)) == NULL)
		return sr_err_set(l->err, SR_ERR_SYSTEM, NULL, 0, "out of "
		    "memory");
	memcpy(l->v[l->n++].oid, oid, REPO_OID_RAW);
	return 0;
}

static int
on_blob(void *arg, const unsigned char *data, size_t len)
{
	lister *l = arg;

	/* the staged bytes must be a vault too, not only the work tree's */
	if (len < sizeof(SR_VAULT_HEADER) - 1 || memcmp(data, SR_VAULT_HEADER,
	    sizeof(SR_VAULT_HEADER) - 1) != 0)
		return 0;
	if (l->fn(l->arg, repo_git_root(l->git), l->path, (const char *)data,
	    len) != 0)
		return sr_err_set(l->err, SR_ERR_SYSTEM, NULL, 0, "stopped");
	return 0;
}

int
sr_check_vaults_each(const char *dir, sr_check_vault_fn fn, void *arg,
    sr_err *err)
{
	lister l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	l.rootfd = -1;
	l.err = err;
	l.fn = fn;
	l.arg = arg;
	if ((rc = repo_git_open(&l.git, dir ? dir : ".", err)) <= 0)
		return rc;
	rc = -1;
	if ((l.rootfd = open(repo_git_root(l.git), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot open %s: %s",
		    repo_git_root(l.git), strerror(errno));
		goto done;
	}
	if (repo_git_index_each(l.git, on_entry, &l, err) != 0)
		goto done;
	for (i = 0; i < l.n; i++) {
		l.path = l.v[i].path;
		if (repo_git_blob(l.git, l.v[i].oid, on_blob, &l, err) != 0)
			goto done;
	}
	rc = 0;
done:
	for (i = 0; i < l.n; i++)
		free(l.v[i].path);
	free(l.v);
	if (l.rootfd >= 0)
		close(l.rootfd);
	repo_git_close(l.git);
	return rc;
}
