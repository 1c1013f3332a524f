#!/bin/sh
# lib-noenv.sh SRC_DIR ARCHIVE... - the library reads no environment
# variable (issue 15; lib/settings.h): cmd/ reads the environment once and
# passes what it means in. Two looks, so neither a comment nor a macro
# fools it:
#   - the archives' undefined symbols: no getenv, secure_getenv, environ
#     (or __environ), nor the calls that change the environment;
#   - the sources under lib/ (any depth): no call to getenv or
#     secure_getenv and no declaration of environ, comments included, so
#     a commented-out read is not left waiting (a man page, getenv(3),
#     is not a call).
# A planted read makes each look fail (run with SR_NOENV_SELFTEST=1).
set -u
src=$1
shift
fail=0
syms='^(getenv|secure_getenv|__secure_getenv|environ|__environ|_environ|setenv|unsetenv|putenv|clearenv)$'

look_archive() {
	found=$(nm -u "$1" 2>/dev/null | awk '{ print $NF }' | sed 's/@.*//' |
	    grep -E "$syms" | sort -u)
	if [ -n "$found" ]; then
		echo "lib-noenv: $1 uses: $(echo $found)" >&2
		return 1
	fi
	nm "$1" >/dev/null 2>&1 || {
		echo "lib-noenv: cannot read $1" >&2
		return 1
	}
	return 0
}

look_sources() {
	found=$(find "$1" -name '*.[ch]' -exec grep -nE \
	    '(secure_)?getenv[[:space:]]*\([[:space:]]*[A-Za-z_"]|\*[[:space:]]*(__)?environ\b' {} +)
	if [ -n "$found" ]; then
		echo "lib-noenv: the library reads the environment:" >&2
		echo "$found" >&2
		return 1
	fi
	return 0
}

[ $# -ge 1 ] || { echo "usage: $0 SRC_DIR ARCHIVE..." >&2; exit 2; }
for a in "$@"; do
	look_archive "$a" || fail=1
done
look_sources "$src/lib" || fail=1

# The check must be able to fail: a planted read in a scratch copy is found
# by each look.
if [ "${SR_NOENV_SELFTEST:-1}" = 1 ]; then
	t=$(mktemp -d "${TMPDIR:-/tmp}/sr-noenv.XXXXXX") || exit 1
	trap 'rm -rf "$t"' EXIT
	mkdir "$t/lib"
	printf '#include <stdlib.h>\nconst char *sr_planted(void);\n%s\n' \
	    'const char *sr_planted(void) { return getenv("X"); }' >"$t/lib/p.c"
	if look_sources "$t" 2>/dev/null; then
		echo "lib-noenv: the source look misses a planted getenv" >&2
		fail=1
	fi
	if ${CC:-cc} -c -o "$t/p.o" "$t/lib/p.c" 2>/dev/null &&
	    ar rc "$t/p.a" "$t/p.o" 2>/dev/null; then
		if look_archive "$t/p.a" 2>/dev/null; then
			echo "lib-noenv: the symbol look misses a planted" \
			    "getenv" >&2
			fail=1
		fi
	fi
fi
[ $fail = 0 ] && echo "lib-noenv: lib/ reads no environment variable"
exit $fail
