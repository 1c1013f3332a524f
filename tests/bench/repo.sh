#!/bin/sh
# repo.sh BUILD_DIR - the repository guard's speed bars (SPEC §8, issue 6),
# in a generated 100,000-file repository:
#   cold  a run whose guard misses the cache (libgit2 loaded, the index
#         scanned, HEAD read) against `git ls-files` in the same
#         repository; bar: ratio <= 1.
#   warm  a repeated run in the unchanged repository (cache hit) against
#         the same run outside any repository: the difference of medians
#         is what the guard costs; bar: < 1 ms.
# Both pairs run alternately through bench_exec, so noise hits both
# sides alike. Every command is wrapped the same way (sh -c 'cd DIR &&
# exec CMD >/dev/null'): git's 100,000 lines go to /dev/null, and each
# side pays the same small shell cost. Runs are dry runs (-n): the guard
# is measured, not the audit log's fdatasync.
# Exits 0 whatever the figures; non-zero only when something could not
# run. BENCH_COLD_N (default 30) and BENCH_WARM_N (default 500) tune it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
nfiles=100000
need_git

scratch sr-bench-repo
home		# audit records go there, not to the caller's HOME
export SCOPERUN_POLICY_DIR="$T"
unset SCOPERUN_DEBUG_CACHE XDG_CACHE_HOME
mkdir -p "$T/plain"

# The timer, built here (not in BUILD_DIR, where run.sh builds its own).
timer "$T/bench_exec"

policy bench <<'EOF'
[env]
inherit = ["PATH", "HOME"]
EOF

# 100,000 files in 1,000 directories of two levels, all one blob, written
# straight into the index; then a tree, a commit, and a packed repository
# like a clone's. No work tree is checked out: neither side reads it.
t0=$(date +%s)
repo=$T/big
"$git" init -q -b main "$repo"
cd "$repo"
blob=$(printf 'x\n' | "$git" hash-object -w --stdin)
awk -v b="$blob" -v n="$nfiles" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "100644 %s\tsrc/d%03d/sub/file%05d.txt\n", b, i % 1000, i
}' | "$git" update-index --add --index-info
tree=$("$git" write-tree)
commit=$("$git" -c user.name=b -c user.email=b@b commit-tree -m bench "$tree")
"$git" update-ref refs/heads/main "$commit"
"$git" repack -adq
echo "bench: generated a $nfiles-file repository in $(($(date +%s) - t0)) s"

# wrap DIR CMD...: the command line that runs CMD in DIR, output dropped
W='cd "$0" && exec "$@" >/dev/null'

# side_by_side LABEL BENCH_EXEC_ARGS...: bench_exec's report, indented;
# the medians in a and b
side_by_side() {
	label=$1
	shift
	pair "$@" || die "$label: a command failed; no figure"
	sed 's/^/  /' "$T/out"
}

# ---- cold: every run a cache miss (the cache directory cannot exist
# under /dev/null), checked once through the debug line.
export XDG_CACHE_HOME=/dev/null
SCOPERUN_DEBUG_CACHE=1 "$scoperun" -n bench -- /bin/true 2>"$T/err" \
    >/dev/null || {
	cat "$T/err" >&2
	die "scoperun refused to run in the generated repository"
}
grep -Eq 'cache (miss|racy), libgit2 loaded' "$T/err" || {
	cat "$T/err" >&2
	die "the cold run was not a cache miss"
}
"$git" ls-files | wc -l | {
	read -r count
	[ "$count" -eq "$nfiles" ] || echo "bench: ls-files lists $count"
}
side_by_side cold -n "${BENCH_COLD_N:-30}" -w 3 \
    /bin/sh -c "$W" "$repo" "$git" ls-files ::: \
    /bin/sh -c "$W" "$repo" "$scoperun" -n bench -- /bin/true
awk -v a="$a" -v b="$b" -v n="$nfiles" 'BEGIN {
	r = b / a
	printf "bench: repo guard cold (cache miss) %.2f ms vs git ls-files " \
	    "%.2f ms in a %d-file repository: ratio %.2f (bar: 1.00)%s\n",
	    b / 1000, a / 1000, n, r, (r > 1 ? " ABOVE BAR" : "")
}'

# ---- warm: the cache answers. The index must be older than the current
# second before a verdict is stored (racy git), so wait for that.
export XDG_CACHE_HOME="$T/cache"
while [ "$(stat -c %Y "$repo/.git/index")" -ge "$(date +%s)" ]; do
	sleep 0.2
done
"$scoperun" -n bench -- /bin/true >/dev/null 2>&1
SCOPERUN_DEBUG_CACHE=1 "$scoperun" -n bench -- /bin/true 2>"$T/err" \
    >/dev/null
grep -q 'cache hit, libgit2 not loaded' "$T/err" || {
	cat "$T/err" >&2
	die "the repeated run was not a cache hit"
}
side_by_side warm -n "${BENCH_WARM_N:-500}" -w 20 \
    /bin/sh -c "$W" "$T/plain" "$scoperun" -n bench -- /bin/true ::: \
    /bin/sh -c "$W" "$repo" "$scoperun" -n bench -- /bin/true
awk -v a="$a" -v b="$b" 'BEGIN {
	d = (b - a) / 1000
	printf "bench: repo guard on a repeated run (cache hit): %.3f ms " \
	    "(run in the repository %.2f ms, outside any %.2f ms; bar: " \
	    "< 1 ms)%s\n", d, b / 1000, a / 1000, (d >= 1 ? " ABOVE BAR" : "")
}'
exit 0
