#!/bin/sh
# include-check.sh SOURCE_DIR - every quoted #include in the project's C
# names a bare file ("audit.h"), never a path ("../lib/audit/audit_impl.h",
# "audit/audit_impl.h"), and no angled one climbs out with "..": a header
# is then found only in the including file's own directory or in the
# include directories the build gives (lib/CMakeLists.txt), which is what
# keeps each folder's private headers private.
set -u
cd "${1:?usage: $0 SOURCE_DIR}" || exit 2
bad=$(find lib cmd tests examples -type f \( -name '*.c' -o -name '*.h' \) \
    2>/dev/null | sort | xargs grep -nE \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*("[^"]*/|<[^>]*\.\.)' \
    /dev/null)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad"
	echo "include-check: an #include with a directory in it (above);" \
	    "name the header alone and link the library that owns it" >&2
	exit 1
fi
n=$(find lib cmd tests examples -type f \( -name '*.c' -o -name '*.h' \) \
    2>/dev/null | wc -l)
echo "include-check: $n files, every #include a bare name"
