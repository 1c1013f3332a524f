# lib.sh - what the benches share, sourced as `. "$here/lib.sh"` once the
# bench has set here (this directory). POSIX sh: no locals, so the few
# variables set here are named in each function's comment.

# die MSG: every failure is one "bench:" line and exit 1, so a figure is
# never printed from a setup that did not run
die() {
	echo "bench: $*" >&2
	exit 1
}

# setup "$@": the one argument is the build directory; sets src, build
# and scoperun, and stops unless scoperun is built
setup() {
	[ $# -eq 1 ] || {
		echo "usage: $0 BUILD_DIR" >&2
		exit 2
	}
	src=$(cd "$here/../.." && pwd)
	build=$(cd "$1" && pwd)
	scoperun=$build/scoperun
	[ -x "$scoperun" ] || die "$scoperun not built"
}

# scratch NAME: a private directory T for the bench's files, removed
# however the bench ends; umask 077 keeps vaults and policies private
scratch() {
	umask 077
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap 'rm -rf "$T"' EXIT
	chmod 700 "$T"
}

# stale OUT SRC...: OUT is missing or older than a SRC (find -newer: test
# -nt is not POSIX); sets stale_out
stale() {
	stale_out=$1
	shift
	[ ! -x "$stale_out" ] || [ -n "$(find "$@" -newer "$stale_out")" ]
}

# cc_bench CC_ARGS...: the helpers build as strictly as the project does
cc_bench() {
	${CC:-cc} -std=c17 -O2 -Wall -Wextra -Werror -Wconversion \
	    -Wno-sign-conversion -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wvla -D_POSIX_C_SOURCE=200809L \
	    -D_DEFAULT_SOURCE "$@"
}

# sublibs SUB...: what a helper built outside CMake needs of lib/'s
# subsystems SUB... (each before the ones it uses, as the linker reads
# them): their public headers' directories in sub_cflags, their
# archives in sub_libs; sets sub_cflags, sub_libs and s
sublibs() {
	sub_cflags= sub_libs=
	for s in "$@"; do
		sub_cflags="$sub_cflags -I$src/lib/$s/include"
		sub_libs="$sub_libs $build/lib/libsr_$s.a"
	done
}

# timer PATH: bench_exec at PATH in bench, built only when missing or stale
timer() {
	bench=$1
	if stale "$bench" "$here/bench_exec.c"; then
		cc_bench -o "$bench" "$here/bench_exec.c"
	fi
}

# home: a throwaway HOME (H) with its own identity and vault, so the
# user's are neither read nor touched
home() {
	H=$T/home
	mkdir -m 700 "$H"
	export HOME="$H" XDG_CONFIG_HOME="$H/.config" \
	    XDG_DATA_HOME="$H/.local/share" XDG_STATE_HOME="$H/.local/state"
	unset SCOPERUN_IDENTITY SCOPERUN_VAULT SCOPERUN_AUDIT
	"$scoperun" init >/dev/null || die "scoperun init failed"
}

# need_git: git by path, its repository found from the directory alone,
# whatever the caller's git environment says
need_git() {
	git=$(command -v git) || die "git not found"
	export GIT_CONFIG_NOSYSTEM=1
	unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES \
	    GIT_COMMON_DIR
}

# policy NAME: $T/NAME.toml, the [agent] table every bench agent has, then
# the rest from stdin; mode 600, as scoperun wants a policy private
policy() {
	{
		printf '[agent]\nname = "%s"\nowner = "bench@example.com"\n' "$1"
		printf 'purpose = "benchmark"\nexpires = 2099-01-01T00:00:00Z\n'
		cat
	} >"$T/$1.toml"
	chmod 600 "$T/$1.toml"
}

# pair BENCH_EXEC_ARGS...: bench_exec's report in $T/out, its medians (us)
# in a and b, b/a in r; false, the report shown, if a command failed
pair() {
	"$bench" "$@" >"$T/out" || {
		cat "$T/out"
		return 1
	}
	set -- $(sed -n 's/^result //p' "$T/out")
	a=${1#*=} b=${2#*=} r=${3#*=}
}

# ratio MS_FMT R_FMT LABEL_A LABEL_B [BAR]: pair's figures in one line, B
# first (the side under test), and whether the ratio is above the bar
ratio() {
	awk -v a="$a" -v b="$b" -v r="$r" -v ms="$1" -v rf="$2" -v la="$3" \
	    -v lb="$4" -v bar="${5-}" 'BEGIN {
		printf "bench: %s " ms " ms vs %s " ms " ms: ratio " rf, \
		    lb, b / 1000, la, a / 1000, r
		if (bar != "")
			printf " (bar: %s)%s", bar, \
			    (r > bar ? " ABOVE BAR" : "")
		printf "\n"
	}'
}
