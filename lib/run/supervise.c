/*
 * supervise.c - the supervisor of supervise.h.
 *
 * Order in sr_supervise_start: the output pipes or ptys, then the signal
 * handlers with those signals blocked, then fork; the child unblocks
 * them only after restoring the caller's dispositions, so no signal is
 * lost or handled by the wrong image. The parent sets the child's group
 * too (as shells do): whichever of the two runs first, the group exists
 * before a signal can be forwarded to it.
 *
 * The loop polls a self-pipe the handlers write to and the output
 * streams. Once the child has ended it is reaped at once; its group id
 * is then signalled only while waiting out the grace period after a
 * timeout (the group's other members keep the id from being reused).
 * scoperun is a child subreaper, so orphans of the child come back to it
 * and are reaped by the same waitpid(-1) loop.
 * Output still in flight is drained until EOF, or until 100 ms pass
 * without any, at most 2 s: a daemon the child left behind holding the
 * pipe must not keep scoperun alive.
 */
#define _GNU_SOURCE	/* ptsname_r, pipe2, F_SETPIPE_SZ */
#include "supervise.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "exec.h"
#include "proctree.h"
#include "secalloc.h"

#define READ_SIZE (1024 * 1024)
#define PIPE_SIZE (1024 * 1024)
#define WINSIZE_POLL_MS 250
#define DRAIN_IDLE_MS 100
#define DRAIN_MAX_MS 2000
#define GROUP_POLL_MS 50
#define KILL_SWEEP_MS 1000		/* KILL rounds before giving up */
#define KILL_ROUND_MS 10

/* Passed on to the child's group; and what scoperun handles itself. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
    SIGUSR2, SIGWINCH, SIGTSTP, SIGCONT };
static const int own[] = { SIGCHLD, SIGALRM, SIGTTOU, SIGPIPE };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))
#define NSIGNALS (NFORWARDED + sizeof(own) / sizeof(own[0]))

/* What the handlers see: one supervisor per process. */
static volatile sig_atomic_t g_pgrp;		/* the child's group, 0: none */
static volatile sig_atomic_t g_wake = -1;	/* self-pipe, write end */
static volatile sig_atomic_t g_phase;		/* 1: TERM sent, 2: KILL */
static volatile sig_atomic_t g_timed_out;	/* max_runtime fired */
static volatile sig_atomic_t g_grace;		/* seconds from TERM to KILL */
static volatile sig_atomic_t g_loop_winch;	/* WINCH via the loop (pty) */

struct stream {
	int src, dst;			/* pipe read end or pty master; 1, 2 */
	int pty;
	struct winsize ws;		/* last size given to the pty */
	sr_mask_stream *ms;
};

struct sr_supervisor {
	pid_t pid;
	pid_t self;			/* scoperun, the child's parent */
	int term_swept;			/* every descendant got TERM */
	int execfd;			/* the exec report, read end */
	int wake[2];
	int child_fd[3];		/* the child's 1 and 2; -1: as is */
	int ctty;			/* our controlling tty (0-2), or -1 */
	int fg;				/* the child got the foreground */
	struct stream st[2];
	size_t nst;
	unsigned char *buf;		/* sodium: the child's output */
	struct sigaction old[NSIGNALS];
	sigset_t oldmask;
	int64_t t0, end;		/* ms, monotonic */
	int64_t drain_from;		/* the end, or the wait for its group */
	int exited, wstatus;
	int armed;			/* our handlers are installed */
};

/* What a child that could not exec writes back. */
struct exec_report {
	int kind;
	char msg[SR_ERR_MSG_MAX];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
sys_error(sr_err *err, const char *what)
{
	return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot %s: %s", what,
	    strerror(errno));
}

/* ---- signals ------------------------------------------------------ */

static void
wake_loop(int sig)
{
	unsigned char c = (unsigned char)sig;
	ssize_t r;

	if (g_wake >= 0) {
		r = write(g_wake, &c, 1);	/* full: the loop is awake */
		(void)r;
	}
}

/* Only async-signal-safe calls: kill, alarm, write. */
static void
on_signal(int sig)
{
	int saved = errno;
	pid_t pg = g_pgrp;

	if (sig == SIGALRM) {
		if (pg > 0 && g_phase == 0) {
			g_phase = 1;
			g_timed_out = 1;
			kill(-pg, SIGTERM);
			alarm((unsigned)g_grace);
		} else if (g_phase == 1) {
			g_phase = 2;	/* the loop kills the rest */
			if (pg > 0)
				kill(-pg, SIGKILL);
		}
	} else if (sig != SIGCHLD && sig != SIGCONT &&
	    !(sig == SIGWINCH && g_loop_winch) && pg > 0) {
		kill(-pg, sig);
	}
	wake_loop(sig);
	errno = saved;
}

static int
signal_at(size_t i)
{
	return i < NFORWARDED ? forwarded[i] : own[i - NFORWARDED];
}

static void
handled_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < NSIGNALS; i++)
		sigaddset(set, signal_at(i));
}

/* A signal ignored on entry stays ignored (a shell's rule for `cmd &`
 * and nohup); TTOU is ignored so scoperun can write to and hand over
 * the terminal from the background, PIPE so a closed reader is EPIPE. */
static void
install_handlers(sr_supervisor *sv)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	handled_set(&sa.sa_mask);
	for (i = 0; i < NSIGNALS; i++) {
		int sig = signal_at(i);
		sigaction(sig, NULL, &sv->old[i]);
		if (i < NFORWARDED && sv->old[i].sa_handler == SIG_IGN)
			continue;
		sa.sa_handler = sig == SIGTTOU || sig == SIGPIPE ? SIG_IGN :
		    on_signal;
		sa.sa_flags = sa.sa_handler == SIG_IGN ? 0 : SA_RESTART;
		sigaction(sig, &sa, NULL);
	}
}

static void
restore_handlers(sr_supervisor *sv)
{
	size_t i;

	for (i = 0; i < NSIGNALS; i++)
		sigaction(signal_at(i), &sv->old[i], NULL);
}

/* ---- output ------------------------------------------------------- */

static int
write_out(void *arg, const void *p, size_t n)
{
	const struct stream *s = arg;
	const char *c = p;
	struct pollfd pf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(s->dst, c, n)) > 0) {
			c += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			pf.fd = s->dst;
			pf.events = POLLOUT;
			poll(&pf, 1, -1);
		} else if (w == 0 || errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

/*
 * A pty like the terminal on fd like: its modes and size, but no output
 * processing, since the real terminal turns \n into \r\n already. -1
 * when ptys are not available: the caller uses a pipe.
 */
static int
open_pty(int *master, int *slave, struct winsize *ws, int like)
{
	char name[128];
	struct termios tio;

	*slave = -1;
	if ((*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	if (grantpt(*master) != 0 || unlockpt(*master) != 0 ||
	    ptsname_r(*master, name, sizeof(name)) != 0 ||
	    (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		close(*master);
		return -1;
	}
	if (tcgetattr(like, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(*slave, TCSANOW, &tio);
	}
	if (ioctl(like, TIOCGWINSZ, ws) == 0)
		ioctl(*master, TIOCSWINSZ, ws);
	return 0;
}

/*
 * When our output is a pipe too, let it take what we read in one write:
 * in a 64K pipe each 1M write is sixteen hand-overs to the reader. Only
 * ever larger, and a pipe the system will not grow stays as it is.
 */
static void
grow_pipe(int fd)
{
	struct stat st;
	int size;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    (size = fcntl(fd, F_GETPIPE_SZ)) > 0 && size < PIPE_SIZE)
		fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}

/* Not 0-2: the child's dup2 onto 1 and 2 must not clobber its own. */
static int
high_fd(int fd)
{
	int h;

	if (fd > 2)
		return fd;
	h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return h;
}

/* A pty (fd is a terminal) or a pipe from the child's fd to ours. */
static int
add_stream(sr_supervisor *sv, int fd, const sr_mask *mask, sr_err *err)
{
	struct stream *s = &sv->st[sv->nst];
	int p[2];

	memset(s, 0, sizeof(*s));
	s->dst = fd;
	if (isatty(fd) && open_pty(&s->src, &p[1], &s->ws, fd) == 0) {
		s->pty = 1;
	} else {
		if (pipe2(p, O_CLOEXEC) != 0)
			return sys_error(err, "create a pipe");
		s->src = p[0];
		fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE);	/* fewer switches */
		grow_pipe(fd);
	}
	if ((sv->child_fd[fd] = high_fd(p[1])) < 0 ||
	    (s->src = high_fd(s->src)) < 0) {
		sys_error(err, "duplicate a descriptor");
		close(s->src);
		return -1;
	}
	if (sr_mask_stream_new(&s->ms, mask, err) != 0) {
		close(s->src);
		return -1;
	}
	sv->nst++;
	return 0;
}

/* stdout and stderr, one stream when they are the same file (2>&1, a
 * terminal) so their order survives. A closed fd stays closed. */
static int
setup_output(sr_supervisor *sv, const sr_mask *mask, sr_err *err)
{
	struct stat a, b;
	int same = fstat(1, &a) == 0 && fstat(2, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;

	if ((sv->buf = sr_secalloc_alloc(READ_SIZE)) == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (fcntl(1, F_GETFD) != -1 && add_stream(sv, 1, mask, err) != 0)
		return -1;
	if (same)
		sv->child_fd[2] = sv->child_fd[1];
	else if (fcntl(2, F_GETFD) != -1 && add_stream(sv, 2, mask, err) != 0)
		return -1;
	return 0;
}

static void
close_stream(struct stream *s)
{
	if (s->src < 0)
		return;
	close(s->src);
	s->src = -1;
	sr_mask_stream_free(s->ms);
	s->ms = NULL;
}

/* Read what the child wrote, mask it, write it. At EOF (EIO from a pty
 * whose child is gone) or when our reader is gone, the stream ends: the
 * child then gets EPIPE, as it would without scoperun. */
static void
relay(sr_supervisor *sv, struct stream *s)
{
	ssize_t n = read(s->src, sv->buf, READ_SIZE);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 && sr_mask_feed(s->ms, sv->buf, (size_t)n, write_out,
	    s) == 0)
		return;
	if (n <= 0)
		sr_mask_flush(s->ms, write_out, s);
	close_stream(s);
}

/* Give up on a stream after the child ended: write what it held back. */
static void
relay_end(struct stream *s)
{
	if (s->src < 0)
		return;
	sr_mask_flush(s->ms, write_out, s);
	close_stream(s);
}

/* ---- the terminal ------------------------------------------------- */

/* Our controlling terminal, if one of 0-2 is, and whether we hold its
 * foreground (tcgetpgrp fails on a terminal that is not ours). */
static void
find_ctty(sr_supervisor *sv, int *fg)
{
	int fd;

	sv->ctty = -1;
	*fg = 0;
	for (fd = 0; fd <= 2 && sv->ctty < 0; fd++) {
		pid_t pg = isatty(fd) ? tcgetpgrp(fd) : -1;
		if (pg != -1) {
			sv->ctty = fd;
			*fg = pg == getpgrp();
		}
	}
}

/* Give the window size of each terminal to its pty; WINCH to the child
 * when one changed, or always (force) after a WINCH to us. */
static void
sync_winsize(sr_supervisor *sv, int force)
{
	struct winsize ws;
	size_t i;
	int changed = 0;

	for (i = 0; i < sv->nst; i++) {
		struct stream *s = &sv->st[i];
		if (!s->pty || s->src < 0 ||
		    ioctl(s->dst, TIOCGWINSZ, &ws) != 0 ||
		    memcmp(&ws, &s->ws, sizeof(ws)) == 0)
			continue;
		ioctl(s->src, TIOCSWINSZ, &ws);
		s->ws = ws;
		changed = 1;
	}
	if ((changed || force) && g_pgrp > 0)
		kill(-g_pgrp, SIGWINCH);
}

/* The child stopped (Ctrl-Z, or it read the terminal from the
 * background): take the terminal back and stop our own job, as the
 * terminal would have stopped it. SIGCONT brings us back. */
static void
job_stop(sr_supervisor *sv)
{
	if (sv->ctty < 0)
		return;
	if (tcgetpgrp(sv->ctty) == sv->pid)
		tcsetpgrp(sv->ctty, getpgrp());
	kill(0, SIGSTOP);
}

/* We were continued: in the foreground (fg), the terminal goes to the
 * child again; in the background (bg), it does not. */
static void
job_continue(sr_supervisor *sv)
{
	if (sv->ctty >= 0 && tcgetpgrp(sv->ctty) == getpgrp()) {
		tcsetpgrp(sv->ctty, sv->pid);
		sv->fg = 1;
	}
	if (g_pgrp > 0)
		kill(-g_pgrp, SIGCONT);
}

/* ---- the child ---------------------------------------------------- */

/*
 * The agent must not outlive its supervisor: the kernel sends it KILL
 * when scoperun dies, however (kill -9 included). Kept across the exec,
 * not inherited by the agent's own children. Should scoperun have died
 * before the prctl, the parent is already someone else: end here.
 */
static void
child_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
}

static void __attribute__((noreturn))
child(sr_supervisor *sv, const sr_supervise_opts *o, int report_fd)
{
	struct exec_report rep;
	sr_err err = SR_ERR_INIT;
	ssize_t r;

	child_die_with_parent(sv->self);
	setpgid(0, 0);
	if (sv->fg)
		tcsetpgrp(sv->ctty, getpid());	/* TTOU is blocked */
	if ((sv->child_fd[1] >= 0 && dup2(sv->child_fd[1], 1) < 0) ||
	    (sv->child_fd[2] >= 0 && dup2(sv->child_fd[2], 2) < 0)) {
		sys_error(&err, "set up the command's output");
	} else {
		restore_handlers(sv);
		sigprocmask(SIG_SETMASK, &sv->oldmask, NULL);
		if (sr_sandbox_apply(o->sandbox, &err) == 0)
			sr_exec_run(o->path, o->argv, o->envp, &err);
	}
	memset(&rep, 0, sizeof(rep));
	rep.kind = (int)err.kind;
	memcpy(rep.msg, err.msg, sizeof(rep.msg));
	r = write(report_fd, &rep, sizeof(rep));
	(void)r;
	_exit(127);
}

/* EOF: the exec happened (the pipe is close-on-exec); else its error. */
static int
read_report(sr_supervisor *sv, sr_err *err)
{
	struct exec_report rep;
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(rep) && ((n = read(sv->execfd, (char *)&rep + got,
	    sizeof(rep) - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(sv->execfd);
	sv->execfd = -1;
	if (got == 0)
		return 0;
	if (got < sizeof(rep) || (rep.kind != SR_ERR_NOTFOUND &&
	    rep.kind != SR_ERR_NOEXEC && rep.kind != SR_ERR_SYSTEM))
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "the command "
		    "failed before it could be executed");
	rep.msg[sizeof(rep.msg) - 1] = '\0';
	return sr_err_set(err, (sr_err_kind)rep.kind, NULL, 0, "%s", rep.msg);
}

/*
 * The child stopped, or ended (reaped; its group id is then not signalled
 * unless a timeout is waiting for the rest of the group). Orphans of the
 * child come to us (a subreaper) and are reaped too, so that a group
 * whose members died is seen empty even where init does not reap.
 */
static void
child_changed(sr_supervisor *sv)
{
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(-1, &st, WNOHANG | WUNTRACED);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		if (r != sv->pid || sv->exited)
			continue;
		if (WIFSTOPPED(st)) {
			job_stop(sv);
			continue;
		}
		sv->exited = 1;
		sv->wstatus = st;
		sv->end = sv->drain_from = now_ms();
		if (g_phase != 1)
			g_pgrp = 0;
	}
}

/* ---- descendants ------------------------------------------------- */

/*
 * 1 while some child of ours has not been reaped. As a subreaper, every
 * live descendant (even one that left the group with setsid) has an
 * ancestor among our children, so none left means none at all.
 */
static int
have_children(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* The run is ending (timeout, or the agent ended and left processes):
 * TERM to every descendant, once; the group got it already at a timeout.
 * Without /proc only the group is reached. */
static void
end_term(sr_supervisor *sv)
{
	if (sv->term_swept)
		return;
	sv->term_swept = 1;
	sr_proctree_signal(sv->self, SIGTERM);
}

/* The grace is over: KILL every descendant, in rounds, reaping between
 * them (the orphans of the killed come back to us), until none is left
 * or KILL_SWEEP_MS pass (a fork bomb, a process stuck in the kernel). */
static void
end_kill(sr_supervisor *sv)
{
	struct timespec round = { 0, KILL_ROUND_MS * 1000000L };
	int64_t until = now_ms() + KILL_SWEEP_MS;

	while (sr_proctree_signal(sv->self, SIGKILL) > 0 &&
	    now_ms() < until) {
		nanosleep(&round, NULL);
		child_changed(sv);
	}
	child_changed(sv);
}

/* Start the grace by hand when the agent ended on its own and left
 * descendants: KILL comes kill_grace later, from SIGALRM as at a timeout. */
static void
start_ending(void)
{
	sigset_t alrm, old;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	if (g_phase == 0) {
		g_phase = 1;
		alarm((unsigned)g_grace);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ---- the loop ----------------------------------------------------- */

static void
on_wake(sr_supervisor *sv)
{
	unsigned char sigs[64];
	ssize_t n, i;

	while ((n = read(sv->wake[0], sigs, sizeof(sigs))) > 0) {
		for (i = 0; i < n; i++) {
			if (sigs[i] == SIGCONT)
				job_continue(sv);
			else if (sigs[i] == SIGWINCH && g_loop_winch)
				sync_winsize(sv, 1);
		}
	}
	child_changed(sv);
	if (g_phase >= 1)
		end_term(sv);
	if (g_phase == 2)
		end_kill(sv);
}

/*
 * No descendant outlives the run: once the agent has ended, whatever it
 * left (in its group or not) gets TERM, and KILL when the grace ends.
 * 1 while waiting for them; 0 once none is left, or KILL has been sent.
 */
static int
waiting_for_descendants(sr_supervisor *sv)
{
	if (!have_children()) {
		g_pgrp = 0;
		return 0;
	}
	start_ending();
	end_term(sv);
	if (g_phase != 2)
		return 1;
	end_kill(sv);
	g_pgrp = 0;
	return 0;
}

static int
open_streams(const sr_supervisor *sv, struct pollfd *pfd, size_t *map)
{
	size_t i;
	int n = 0;

	for (i = 0; i < sv->nst; i++) {
		if (sv->st[i].src < 0)
			continue;
		pfd[n].fd = sv->st[i].src;
		pfd[n].events = POLLIN;
		map[n++] = i;
	}
	return n;
}

static int
poll_timeout(const sr_supervisor *sv, int waiting)
{
	int64_t left;

	if (sv->exited && waiting)
		return GROUP_POLL_MS;
	if (sv->exited) {
		left = sv->drain_from + DRAIN_MAX_MS - now_ms();
		return left < 0 ? 0 : left < DRAIN_IDLE_MS ? (int)left :
		    DRAIN_IDLE_MS;
	}
	return g_loop_winch && sv->fg ? WINSIZE_POLL_MS : -1;
}

/* One round: 1 to go on, 0 when done, -1 on a failed poll. */
static int
loop_once(sr_supervisor *sv)
{
	struct pollfd pfd[3];
	size_t map[2], i;
	int waiting = sv->exited && waiting_for_descendants(sv), n, r;

	if (waiting)
		sv->drain_from = now_ms();	/* the drain starts after it */
	n = open_streams(sv, pfd + 1, map);
	if (sv->exited && !waiting && n == 0)
		return 0;
	pfd[0].fd = sv->wake[0];
	pfd[0].events = POLLIN;
	if ((r = poll(pfd, (nfds_t)n + 1, poll_timeout(sv, waiting))) < 0)
		return errno == EINTR ? 1 : -1;
	if (pfd[0].revents & POLLIN)
		on_wake(sv);
	for (i = 0; i < (size_t)n; i++)
		if (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR))
			relay(sv, &sv->st[map[i]]);
	if (g_loop_winch && sv->fg && !sv->exited)
		sync_winsize(sv, 0);
	if (sv->exited && !waiting && (r == 0 ||
	    now_ms() >= sv->drain_from + DRAIN_MAX_MS))
		for (i = 0; i < sv->nst; i++)
			relay_end(&sv->st[i]);
	return 1;
}

/* ---- start and finish --------------------------------------------- */

static sr_supervisor *
supervisor_new(void)
{
	sr_supervisor *sv = calloc(1, sizeof(*sv));

	if (sv == NULL)
		return NULL;
	sv->pid = -1;
	sv->ctty = -1;
	sv->execfd = sv->wake[0] = sv->wake[1] = -1;
	sv->child_fd[0] = sv->child_fd[1] = sv->child_fd[2] = -1;
	sv->st[0].src = sv->st[1].src = -1;
	return sv;
}

static void
close_child_ends(sr_supervisor *sv)
{
	if (sv->child_fd[2] >= 0 && sv->child_fd[2] != sv->child_fd[1])
		close(sv->child_fd[2]);
	if (sv->child_fd[1] >= 0)
		close(sv->child_fd[1]);
	sv->child_fd[1] = sv->child_fd[2] = -1;
}

/* Everything but the child: the terminal back to our group first (TTOU
 * is still ignored), then the caller's signal dispositions. */
static void
supervisor_free(sr_supervisor *sv)
{
	size_t i;

	alarm(0);
	g_pgrp = 0;
	if (sv->ctty >= 0 && sv->pid > 0 && tcgetpgrp(sv->ctty) == sv->pid)
		tcsetpgrp(sv->ctty, getpgrp());
	if (sv->armed) {
		restore_handlers(sv);
		g_wake = -1;
	}
	for (i = 0; i < sv->nst; i++)
		relay_end(&sv->st[i]);
	close_child_ends(sv);
	if (sv->execfd >= 0)
		close(sv->execfd);
	if (sv->wake[0] >= 0)
		close(sv->wake[0]);
	if (sv->wake[1] >= 0)
		close(sv->wake[1]);
	sr_secalloc_free(sv->buf);
	free(sv);
}

/* In the parent: the child's group, the terminal, the time limit. */
static void
parent_setup(sr_supervisor *sv, const sr_supervise_opts *o)
{
	g_pgrp = sv->pid;
	setpgid(sv->pid, sv->pid);	/* EACCES: the child has exec'd */
	if (sv->fg)
		tcsetpgrp(sv->ctty, sv->pid);
	close_child_ends(sv);
	if (o->max_runtime > 0)
		alarm((unsigned)o->max_runtime);
}

/* The handlers in place, their signals blocked until after the fork
 * (sv->oldmask keeps the caller's mask). */
static void
arm_signals(sr_supervisor *sv, const sr_supervise_opts *o)
{
	sigset_t block;

	handled_set(&block);
	sigaddset(&block, SIGTTIN);
	sigprocmask(SIG_BLOCK, &block, &sv->oldmask);
	g_phase = 0;
	g_timed_out = 0;
	g_grace = (sig_atomic_t)(o->kill_grace > 0 ? o->kill_grace :
	    SR_SUPERVISE_KILL_GRACE);
	g_loop_winch = sv->nst > 0 && (sv->st[0].pty || sv->st[1].pty);
	g_wake = sv->wake[1];
	install_handlers(sv);
	sv->armed = 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);	/* not inherited by the child */
}

int
sr_supervise_start(sr_supervisor **out, const sr_supervise_opts *o,
    sr_err *err)
{
	sr_supervisor *sv = supervisor_new();
	int report[2] = { -1, -1 };

	*out = NULL;
	if (sv == NULL)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
	if (pipe2(report, O_CLOEXEC) != 0 ||
	    pipe2(sv->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		sys_error(err, "create a pipe");
		goto fail;
	}
	sv->execfd = report[0];
	if (o->mask != NULL && setup_output(sv, o->mask, err) != 0)
		goto fail;
	find_ctty(sv, &sv->fg);
	arm_signals(sv, o);
	sv->t0 = now_ms();
	sv->self = getpid();
	if ((sv->pid = fork()) == 0)
		child(sv, o, report[1]);
	if (sv->pid < 0) {
		sys_error(err, "fork");
		sigprocmask(SIG_SETMASK, &sv->oldmask, NULL);
		goto fail;
	}
	close(report[1]);
	parent_setup(sv, o);
	sigprocmask(SIG_SETMASK, &sv->oldmask, NULL);
	*out = sv;
	return 0;
fail:
	if (report[1] >= 0)
		close(report[1]);
	supervisor_free(sv);
	return -1;
}

static void
result(const sr_supervisor *sv, sr_supervise_result *res)
{
	memset(res, 0, sizeof(*res));
	if (WIFSIGNALED(sv->wstatus)) {
		res->signal = WTERMSIG(sv->wstatus);
		res->status = 128 + res->signal;
	} else {
		res->status = WEXITSTATUS(sv->wstatus);
	}
	res->duration_ms = sv->end - sv->t0;
	res->timed_out = g_timed_out;
}

int
sr_supervise_wait(sr_supervisor *sv, sr_supervise_result *res, sr_err *err)
{
	int rc, st;

	if (read_report(sv, err) != 0) {
		while (waitpid(sv->pid, &st, 0) < 0 && errno == EINTR)
			;
		supervisor_free(sv);
		return -1;
	}
	while ((rc = loop_once(sv)) > 0)
		;
	if (rc < 0) {
		sys_error(err, "wait for the command");
		kill(-sv->pid, SIGKILL);
		sr_proctree_signal(sv->self, SIGKILL);
		while (waitpid(sv->pid, &st, 0) < 0 && errno == EINTR)
			;
	} else {
		result(sv, res);
	}
	supervisor_free(sv);
	return rc;
}
