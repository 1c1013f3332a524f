/*
 * user.c - the login name of a uid, by /etc/passwd, then NSS.
 *
 * getpwuid_r costs a run about 70 us cold: glibc asks nscd twice,
 * parses nsswitch.conf, and only then reads /etc/passwd. The users
 * agents run as are local ones, in /etc/passwd, which nsswitch.conf
 * lists first ("passwd: files ..." on Debian, Fedora, Arch, Alpine), so
 * that file is read directly; a uid it does not hold (LDAP, sssd) goes
 * through getpwuid_r. A system that puts another source before files,
 * and names a local uid differently there, would see the files name.
 * The record's "uid" is the authority; "user" is for people.
 */
#include "user.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

#define PASSWD_MAX (64 * 1024)	/* larger ones are left to NSS */

/* "name:pw:uid:..." -> is it uid's line? The name in *name, *nlen. */
static int
line_is(const char *l, size_t len, uid_t uid, const char **name,
    size_t *nlen)
{
	const char *c1 = memchr(l, ':', len), *c2, *p, *end;
	unsigned long long v = 0;

	if (c1 == NULL || c1 == l || memchr(l, '\0', (size_t)(c1 - l)) ||
	    (c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - l))) == NULL)
		return 0;
	end = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - l));
	if (end == NULL || end == c2 + 1 || end - (c2 + 1) > 10)
		return 0;
	for (p = c2 + 1; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (v != (unsigned long long)uid)
		return 0;
	*name = l;
	*nlen = (size_t)(c1 - l);
	return 1;
}

int
sr_user_name_parse(const char *text, size_t len, uid_t uid, char *buf,
    size_t size)
{
	const char *l = text, *nl, *name;
	size_t n, nlen;

	for (; l < text + len; l = nl + 1) {
		nl = memchr(l, '\n', (size_t)(text + len - l));
		if (nl == NULL)
			nl = text + len;
		n = (size_t)(nl - l);
		if (n > 0 && (l[0] == '+' || l[0] == '-'))
			return -1;	/* NIS compat: NSS's to follow */
		if (!line_is(l, n, uid, &name, &nlen))
			continue;
		if (nlen >= size)
			return 0;
		memcpy(buf, name, nlen);
		buf[nlen] = '\0';
		return 1;
	}
	return 0;
}

int
sr_user_name_in(const char *path, uid_t uid, char *buf, size_t size)
{
	sr_err err = SR_ERR_INIT;
	char *text;
	size_t len;
	int rc;

	/* read as scoperun reads its own files: no link followed, nothing
	 * others could have written, nor larger than PASSWD_MAX */
	if (sr_file_read_strict(&text, &len, path, PASSWD_MAX, 0, &err) != 0)
		return -1;
	rc = sr_user_name_parse(text, len, uid, buf, size);
	free(text);
	return rc;
}

int
sr_user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char pwbuf[2048];

	if (sr_user_name_in("/etc/passwd", uid, buf, size) == 1)
		return 0;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) != 0 ||
	    res == NULL || strlen(pw.pw_name) >= size)
		return -1;
	memcpy(buf, pw.pw_name, strlen(pw.pw_name) + 1);
	return 0;
}
