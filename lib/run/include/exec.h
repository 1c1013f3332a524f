/*
 * exec.h - find the command, check it against the allowlist, exec it.
 *
 * The command is looked up in the *child's* PATH (the value the policy
 * gives it), never in scoperun's own, so that what runs is what the policy
 * author can see. Unlike execvp(3), empty and relative PATH components are
 * ignored: they mean "the current directory", and the caller's cwd must not
 * decide which program receives the secrets. Executability is checked with
 * access(2), i.e. against the real ids, which are the ids the child runs
 * with once a setgid scoperun has dropped its group.
 *
 * The allowlist compares files, not strings: an entry names the same file
 * as the command when both stat(2) to the same st_dev/st_ino, so symlinks
 * (/usr/bin/node -> nodejs), `//usr/bin/x`, `/bin` vs `/usr/bin` on a
 * merged-/usr system and bind mounts all match, while a copy elsewhere does
 * not. It costs one stat per entry, where realpath(3) costs one lstat per
 * path component and misses hard links. The final path component must be
 * equal too, because multi-call binaries (busybox, toybox, coreutils
 * --enable-single-binary, common in CI images) choose what they do from
 * argv[0]: on Alpine /bin/ls and /bin/sh are one file, and allowing `ls`
 * must not allow `sh`.
 *
 * Known limit: the check and the exec both go by path, so someone who can
 * write a directory on the path can swap the file in between. A setgid
 * (system mode) build will need to exec the checked descriptor instead.
 *
 * scoperun does not close or touch inherited file descriptors (like env(1)).
 * Exit statuses (125/126/127) are the CLI's business; these functions only
 * say SR_ERR_NOTFOUND or SR_ERR_NOEXEC.
 */
#ifndef SR_EXEC_H
#define SR_EXEC_H

#include "err.h"

/*
 * Find cmd as execvp(3) would, but in path_value (the child's PATH; NULL:
 * the child has none, use confstr(_CS_PATH)). A cmd holding `/` is not
 * searched, only checked. A match that exists but cannot be executed (mode,
 * directory, not a regular file) is remembered and the search goes on; the
 * result is the first executable regular file, in *out (malloc'd).
 * Errors: SR_ERR_NOTFOUND "CMD: command not found"; SR_ERR_NOEXEC
 * "CMD: permission denied" or "CMD: is a directory"; SR_ERR_SYSTEM.
 */
int sr_exec_resolve(char **out, const char *cmd, const char *path_value,
    sr_err *err);

/*
 * 1 when resolved (the result of sr_exec_resolve) is allowed by one of the
 * nallow entries, else 0. An entry holding `/` must be absolute and names
 * a file; a bare name is resolved in path_value like the command. The entry
 * matches when it is the same file (st_dev/st_ino, symlinks followed) under
 * the same final path component as resolved. A relative entry with `/`
 * (`./true`, `bin/x`) never matches; the policy layer should reject it.
 * Errors (a file that vanished, a name not found) just mean "no match".
 */
int sr_exec_allowed(const char *resolved, const char *const *allow,
    size_t nallow, const char *path_value)
    __attribute__((warn_unused_result));

/*
 * execve(2) resolved; returns only on failure, -1 with SR_ERR_NOTFOUND
 * (ENOENT, ENOTDIR: the file or its #! interpreter is missing) or
 * SR_ERR_NOEXEC (anything else). A file the kernel cannot run (ENOEXEC: a
 * script without #!) is run as `/bin/sh resolved argv[1]...`, as execvp(3)
 * does.
 */
int sr_exec_run(const char *resolved, char *const argv[], char *const envp[],
    sr_err *err);

#endif
