/*
 * sbx_probe.c - what t_sandbox.sh's attacker cannot do with the shell
 * alone. Built by the test with cc; not part of scoperun.
 *
 *   sbx_probe ptrace PID          attach and detach: 0 done, 1 refused
 *   sbx_probe connect PORT        TCP to 127.0.0.1:PORT: 0 connected, 1 not
 *   sbx_probe listen PORT SECS    accept and close connections on
 *                                 127.0.0.1:PORT for SECS seconds
 *   sbx_probe bind PORT           bind 127.0.0.1:PORT: 0 bound, 1 refused
 *   sbx_probe takefd PID FD       a copy of PID's descriptor FD
 *                                 (pidfd_getfd): 0 taken, 1 refused
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sockaddr_in
local(const char *port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int
do_ptrace(const char *pid_s)
{
	pid_t pid = (pid_t)atoi(pid_s);
	int st;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) {
		fprintf(stderr, "ptrace: %s\n", strerror(errno));
		return 1;
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static int
do_connect(const char *port)
{
	struct sockaddr_in a = local(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "connect %s: %s\n", port, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

static int
do_bind(const char *port, int *out)
{
	struct sockaddr_in a = local(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "bind %s: %s\n", port, strerror(errno));
		return 1;
	}
	if (out != NULL)
		*out = fd;
	else
		close(fd);
	return 0;
}

static int
do_listen(const char *port, const char *secs)
{
	int fd, c;

	if (do_bind(port, &fd) != 0 || listen(fd, 16) != 0)
		return 1;
	alarm((unsigned)atoi(secs));	/* bounded in time, whatever happens */
	for (;;)
		if ((c = accept(fd, NULL, NULL)) >= 0)
			close(c);
}

static int
do_takefd(const char *pid, const char *fd)
{
	int pfd = (int)syscall(SYS_pidfd_open, atoi(pid), 0U), got = -1;

	if (pfd >= 0)
		got = (int)syscall(SYS_pidfd_getfd, pfd, atoi(fd), 0U);
	if (got < 0) {
		fprintf(stderr, "pidfd_getfd %s %s: %s\n", pid, fd,
		    strerror(errno));
		return 1;
	}
	close(got);
	close(pfd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ptrace") == 0)
		return do_ptrace(argv[2]);
	if (argc == 3 && strcmp(argv[1], "connect") == 0)
		return do_connect(argv[2]);
	if (argc == 3 && strcmp(argv[1], "bind") == 0)
		return do_bind(argv[2], NULL);
	if (argc == 4 && strcmp(argv[1], "listen") == 0)
		return do_listen(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "takefd") == 0)
		return do_takefd(argv[2], argv[3]);
	fprintf(stderr, "usage: sbx_probe ptrace PID | connect PORT | "
	    "bind PORT | listen PORT SECS | takefd PID FD\n");
	return 2;
}
