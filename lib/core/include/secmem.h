/*
 * secmem.h - keep decrypted secrets out of core dumps.
 *
 * Before the first secret is decrypted, scoperun makes itself
 * non-dumpable (prctl PR_SET_DUMPABLE 0, which also keeps other processes
 * of the same user from ptrace-attaching or reading /proc/PID/mem) and sets
 * RLIMIT_CORE to 0. The core limit is inherited across exec, so it is put
 * back just before the exec: the agent keeps the limit the user chose,
 * while the kernel resets dumpability for the new program image.
 */
#ifndef SR_SECMEM_H
#define SR_SECMEM_H

#include "err.h"

int sr_secmem_begin(sr_err *err);
/* Restore the caller's core limit, if begin changed it. */
void sr_secmem_restore_limits(void);

#endif
