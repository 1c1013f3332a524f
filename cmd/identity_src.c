/*
 * identity_src.c - where a verb's identity comes from: a file, a file
 * descriptor, or the key itself in $SCOPERUN_IDENTITY_KEY (as sops takes
 * SOPS_AGE_KEY beside SOPS_AGE_KEY_FILE). The key text is copied into
 * sodium memory at once and wiped wherever else it was; no message
 * quotes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "secalloc.h"
#include "vault_session.h"

#define KEY_VAR "SCOPERUN_IDENTITY_KEY"

/* "N" as a descriptor number, or -1. */
static int
fd_number(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    n > INT_MAX)
		return -1;
	return (int)n;
}

/*
 * The descriptor's bytes to its end, into sodium memory. It is closed
 * after (0..2 are pointed at /dev/null instead), so the command run
 * inherits neither the key nor a way to read it again.
 */
static int
read_fd(char **buf, size_t *len, int fd, const char *label, sr_err *err)
{
	size_t cap = SR_IDENTITY_MAX_BYTES + 1;
	ssize_t n;
	int e = 0, null;

	*len = 0;
	if ((*buf = sr_secure_alloc(cap)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	while (*len < cap) {
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : 0;
			break;
		}
		*len += (size_t)n;
	}
	if (fd > 2)
		close(fd);
	else if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, fd);
		close(null);
	}
	if (e != 0 || *len >= cap) {
		sr_secure_free(*buf);
		*buf = NULL;
		if (e != 0)
			return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "cannot "
			    "read the identity from %s: %s", label, strerror(e));
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "the identity "
		    "on %s is over %d bytes", label, SR_IDENTITY_MAX_BYTES);
	}
	return 0;
}

/* The source before parse's message, which names none when a grant's
 * error takes the policy's place. */
static int
parse_from(sr_identity **id, const char *text, size_t len, const char *label,
    sr_err *err)
{
	char msg[SR_ERR_MSG_MAX];

	if (sr_identity_parse(id, text, len, label, err) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	return sr_err_set(err, err->kind, NULL, 0, "%s: %s", label, msg);
}

/* The descriptor's text, read once (vs_identity_fd_take) and kept in
 * sodium memory for the process. */
static char *fd_text;
static size_t fd_len;
static char fd_label[48];

int
vs_identity_fd_take(const char *arg, sr_err *err)
{
	int fd = fd_number(arg);

	if (fd_text != NULL)
		return 0;
	if (fd < 0)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "--identity-fd "
		    "takes a file descriptor number");
	snprintf(fd_label, sizeof(fd_label), "--identity-fd %d", fd);
	if (fcntl(fd, F_GETFD) < 0)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s: %s",
		    fd_label, strerror(errno));
	return read_fd(&fd_text, &fd_len, fd, fd_label, err);
}

static int
from_fd(sr_identity **id, const char *arg, sr_err *err)
{
	if (vs_identity_fd_take(arg, err) != 0)
		return -1;
	return parse_from(id, fd_text, fd_len, fd_label, err);
}

/* The key text of $SCOPERUN_IDENTITY_KEY into sodium memory, the
 * variable's own bytes wiped (/proc/PID/environ reads them) and the
 * variable removed; the copy stays for the process, as later loads in
 * it no longer find the variable. NULL when it is not set. */
static const char *
key_var(size_t *len)
{
	static char *copy;
	static size_t copylen;
	char *v;

	if (copy == NULL && (v = getenv(KEY_VAR)) != NULL && v[0] != '\0') {
		copylen = strlen(v);
		if ((copy = sr_secure_alloc(copylen + 1)) == NULL)
			return NULL;
		memcpy(copy, v, copylen + 1);
		sodium_memzero(v, copylen);
		unsetenv(KEY_VAR);
	}
	*len = copylen;
	return copy;
}

int
vs_identity_load(sr_identity **id, const vault_args *a, char *path,
    size_t size, sr_err *err)
{
	const char *text;
	size_t len;

	*id = NULL;
	path[0] = '\0';
	if (a->identity_fd != NULL && a->identity != NULL)
		return sr_err_set(err, SR_ERR_USAGE, NULL, 0, "give "
		    "--identity or --identity-fd, not both");
	if (a->identity_fd != NULL)
		return from_fd(id, a->identity_fd, err);
	if (a->identity == NULL && (text = key_var(&len)) != NULL)
		return parse_from(id, text, len, KEY_VAR, err);
	if (a->identity == NULL && getenv(KEY_VAR) != NULL &&
	    getenv(KEY_VAR)[0] != '\0')
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (sr_path_get(path, size, SR_PATH_IDENTITY, a->identity, err) != 0)
		return -1;
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "no identity at "
		    "%s (create one with `scoperun init`, or give "
		    "--identity)", path);
	return sr_identity_load(id, path, err);
}
