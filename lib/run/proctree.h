/*
 * proctree.h - the live descendants of a process, found through /proc,
 * for the supervisor: a descendant that left the agent's process group
 * (setsid, a double fork) is out of reach of kill(-pgrp) but still ours.
 *
 * Each sweep reads /proc/N/stat for every process once and follows the
 * parent links down from root, so it needs neither CONFIG_PROC_CHILDREN
 * nor a walk per thread (a child forked by any thread has the process as
 * its parent). Zombies are not counted: they run nothing. A process that
 * forks between the read and the signal is found by the next sweep: the
 * caller repeats until none is left.
 */
#ifndef SR_PROCTREE_H
#define SR_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Parse one /proc/N/stat text, buf[0..len): the state letter after the
 * last ')' of the command name (which may hold anything, ')' and spaces
 * included) and the parent pid after it. 0, or -1 when malformed.
 */
int sr_proctree_parse_stat(const char *buf, size_t len, char *state,
    pid_t *ppid);

/*
 * Send sig to every live descendant of root (not to root itself); with
 * SIGTERM a SIGCONT follows, so that a stopped one can act on it.
 * Returns how many were signalled, or -1 when /proc cannot be read.
 */
int sr_proctree_signal(pid_t root, int sig);

#endif
