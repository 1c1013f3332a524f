/*
 * user.h - the login name of a uid, for the audit record's "user".
 */
#ifndef SR_USER_H
#define SR_USER_H

#include <stddef.h>
#include <sys/types.h>

/* uid's name into buf: 0, or -1 when no source knows it (or it does not
 * fit). /etc/passwd first, then getpwuid_r (see user.c). */
int sr_user_name(uid_t uid, char *buf, size_t size);

/* The /etc/passwd part alone, on the file at path: 1 found, 0 not in
 * it, -1 unreadable, unsafe (sr_file_read_strict), too large, or
 * holding NIS "+"/"-" lines (which only NSS can follow). */
int sr_user_name_in(const char *path, uid_t uid, char *buf, size_t size);
/* The same on the file's text, len bytes (tests/fuzz/fuzz_passwd.c). */
int sr_user_name_parse(const char *text, size_t len, uid_t uid, char *buf,
    size_t size);

#endif
