/*
 * provider.c - the provider's process: fork, read, time out (provider.h).
 *
 * The parent polls the two pipes against one deadline. stdout goes
 * straight into a sodium region one byte larger than the limit, so an
 * oversized answer shows without a second copy; stderr is drained so the
 * child never blocks on it, and only its first line is kept.
 */
#define _GNU_SOURCE	/* pipe2 */
#include "provider.h"

#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "secalloc.h"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: nothing of ours but stdin (/dev/null), stdout, stderr. */
static void __attribute__((noreturn))
child(int devnull, int out, int errfd, const char *path, char *const argv[],
    char *const envp[])
{
	int fd;

	setsid();	/* its own group: the timeout kills all of it */
	if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(126);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
		for (fd = 3; fd < 65536; fd++)
			close(fd);
	execve(path, argv, envp);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Keep the first line of stderr (up to the limit), drop the rest. */
static void
keep_errline(char *line, size_t *n, int *done, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && !*done; i++) {
		if (buf[i] == '\n' || *n + 1 >= SR_PROVIDER_ERRLINE_MAX) {
			*done = 1;
			break;
		}
		line[(*n)++] = buf[i];
	}
	line[*n] = '\0';
}

typedef struct pump {
	int fds[2];			/* stdout, stderr; -1 when at EOF */
	unsigned char *out;
	size_t len;
	char errline[SR_PROVIDER_ERRLINE_MAX];
	size_t errlen;
	int errdone, too_big, timed_out;
} pump;

/* One read from the ready descriptor i. */
static void
pump_read(pump *p, int i)
{
	char junk[4096];
	ssize_t n;

	if (i == 0)
		n = read(p->fds[0], p->out + p->len, SR_PROVIDER_OUTPUT_MAX + 1 -
		    p->len);
	else
		n = read(p->fds[1], junk, sizeof(junk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(p->fds[i]);
		p->fds[i] = -1;
		return;
	}
	if (i == 1) {
		keep_errline(p->errline, &p->errlen, &p->errdone, junk,
		    (size_t)n);
		return;
	}
	p->len += (size_t)n;
	if (p->len > SR_PROVIDER_OUTPUT_MAX)
		p->too_big = 1;
}

/* Read both pipes to EOF, the deadline or too much output. */
static void
pump_run(pump *p, int64_t deadline)
{
	struct pollfd pf[2];
	int64_t left;
	int i;

	while ((p->fds[0] >= 0 || p->fds[1] >= 0) && !p->too_big) {
		if ((left = deadline - mono_ms()) <= 0) {
			p->timed_out = 1;
			return;
		}
		for (i = 0; i < 2; i++) {
			pf[i].fd = p->fds[i];
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, 2, (int)(left > 60000 ? 60000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			p->timed_out = 1;	/* cannot wait: give up as late */
			return;
		}
		for (i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && pf[i].revents != 0)
				pump_read(p, i);
	}
}

/*
 * Wait until the child has exited or the deadline: on a pidfd when the
 * kernel has them (5.3), so the usual case (it exits just after closing
 * its stdout) costs no sleep.
 */
static void
wait_exit(pid_t pid, int64_t deadline)
{
#ifdef SYS_pidfd_open
	struct pollfd pf;
	int64_t left;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return;
	pf.fd = fd;
	pf.events = POLLIN;
	while ((left = deadline - mono_ms()) > 0 &&
	    poll(&pf, 1, (int)(left > 60000 ? 60000 : left)) < 0 &&
	    errno == EINTR)
		;
	close(fd);
#else
	(void)pid;
	(void)deadline;
#endif
}

/* The child's status once it is gone; it is killed at the deadline. */
static int
reap(pid_t pid, int64_t deadline, int *timed_out)
{
	struct timespec ms = { 0, 1000000 };
	int st;

	if (!*timed_out)
		wait_exit(pid, deadline);
	while (!*timed_out) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
		if (mono_ms() >= deadline)
			*timed_out = 1;
		else
			nanosleep(&ms, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* Why the run is refused, with the first stderr line escaped. */
static int
refuse(const pump *p, int st, const char *name, int64_t timeout_ms,
    sr_err *err)
{
	char q[4 * SR_ERR_QUOTE_MAX + 8];

	sr_err_quote(q, sizeof(q), p->errline, p->errlen);
	if (p->timed_out)
		return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "denied: provider "
		    "%s gave no answer within %llds and was killed", name,
		    (long long)(timeout_ms / 1000));
	if (p->too_big)
		return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "denied: provider "
		    "%s printed more than %d bytes", name,
		    SR_PROVIDER_OUTPUT_MAX);
	if (WIFSIGNALED(st))
		return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "denied: provider "
		    "%s was killed by signal %d%s%s", name, WTERMSIG(st),
		    p->errlen ? ": " : "", q);
	return sr_err_set(err, SR_ERR_DENIED, NULL, 0, "denied: provider %s "
	    "failed with status %d%s%s", name, WEXITSTATUS(st),
	    p->errlen ? ": " : "", q);
}

/* fork, and child() in the child. 0, or an errno. */
static int
start(pid_t *pid, int devnull, int out, int errfd, const char *path,
    char *const argv[], char *const envp[])
{
	if ((*pid = fork()) < 0)
		return errno;
	if (*pid == 0)
		child(devnull, out, errfd, path, argv, envp);
	return 0;
}

static int
spawn(pid_t *pid, pump *p, const char *path, char *const argv[],
    char *const envp[], sr_err *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, devnull, e = 0;

	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0 ||
	    (e = start(pid, devnull, po[1], pe[1], path, argv, envp)) != 0) {
		e = e ? e : errno;
		close(devnull);
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot start "
		    "the provider: %s", strerror(e));
	}
	close(devnull);
	close(po[1]);
	close(pe[1]);
	p->fds[0] = po[0];
	p->fds[1] = pe[0];
	return 0;
}

int
sr_provider_exec(sr_provider_result *r, const char *name, const char *path,
    char *const argv[], char *const envp[], int64_t timeout_ms, sr_err *err)
{
	pump p;
	int64_t start = mono_ms(), deadline = start + timeout_ms;
	pid_t pid = -1;
	int st, i;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.fds[0] = p.fds[1] = -1;
	if ((p.out = sr_secalloc_alloc(SR_PROVIDER_OUTPUT_MAX + 2)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (spawn(&pid, &p, path, argv, envp, err) != 0) {
		sr_secalloc_free(p.out);
		return -1;
	}
	pump_run(&p, deadline);
	if (p.too_big)
		p.timed_out = 0, kill(-pid, SIGKILL);
	for (i = 0; i < 2; i++)
		if (p.fds[i] >= 0)
			close(p.fds[i]);
	st = reap(pid, deadline, &p.timed_out);
	r->duration_ms = mono_ms() - start;
	r->timed_out = p.timed_out;
	r->too_big = p.too_big;
	if (st == -1 && !p.timed_out && !p.too_big) {
		sr_secalloc_free(p.out);
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot wait for "
		    "provider %s: %s", name, strerror(errno));
	}
	if (p.timed_out || p.too_big || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		sr_secalloc_free(p.out);
		return refuse(&p, st, name, timeout_ms, err);
	}
	p.out[p.len] = '\0';
	r->out = p.out;
	r->len = p.len;
	return 0;
}

void
sr_provider_result_free(sr_provider_result *r)
{
	sr_secalloc_free(r->out);
	r->out = NULL;
	r->len = 0;
}
