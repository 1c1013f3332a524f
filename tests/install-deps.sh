#!/bin/sh
# Installs from Debian what a fresh machine lacks; a no-op when all is
# there. usage: install-deps.sh [build|test] (default: test)
#   build  what building scoperun needs (examples/demo.sh)
#   test   that, plus what tests/run.sh needs: cmocka, python3, git,
#          pre-commit, rsyslog, and clang with the compiler runtime the
#          fuzz targets (libFuzzer + ASan + UBSan) link against (.ci/run)
# Packages go in with --no-install-recommends, so nothing a stage needs
# may hide in a Recommends: the clang runtime is one (on bookworm
# libclang-rt-14-dev is only recommended, by libclang-common-14-dev), so
# it is asked for by name for the clang actually installed, and then
# proven by linking a fuzzer.
set -eu
mode=${1:-test}
build="build-essential cmake pkg-config libsodium-dev libgit2-dev
libjansson-dev"
case $mode in
build) pkgs=$build ;;
test) pkgs="$build git python3 clang libcmocka-dev pre-commit rsyslog
	zsh fish" ;;
*)
	echo "usage: install-deps.sh [build|test]" >&2
	exit 2
	;;
esac

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	sudo=none
fi
updated=
# refresh: apt-get update, once
refresh() {
	[ -z "$updated" ] && [ "$sudo" != none ] || return 0
	$sudo apt-get update -qq
	updated=1
}
# install PKG...: apt-get install those not yet installed
install() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$sudo" = none ]; then
		echo "run as root: apt-get install$missing" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	refresh
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# fuzzer_links: clang can link a libFuzzer + ASan program
fuzzer_links() {
	d=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' \
	    'int LLVMFuzzerTestOneInput(const char *d, size_t n)' \
	    '{ (void)d; (void)n; return 0; }' >"$d/f.c"
	clang -fsanitize=fuzzer,address,undefined -o "$d/f" "$d/f.c" \
	    >"$d/log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || cat "$d/log" >&2
	rm -rf "$d"
	return $rc
}

# shellcheck disable=SC2086
install $pkgs
[ "$mode" = test ] || exit 0
fuzzer_links 2>/dev/null && exit 0
# the runtime of the clang that `clang` runs, whatever its version
major=$(clang -dumpversion | cut -d. -f1)
refresh
if apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
	install "libclang-rt-$major-dev"
else
	install "libclang-common-$major-dev"	# held it before Debian 12
fi
fuzzer_links || {
	echo "install-deps.sh: clang $major cannot link a libFuzzer program" \
	    "with ASan and UBSan (the compiler runtime above is missing)" >&2
	exit 1
}
