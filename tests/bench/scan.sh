#!/bin/sh
# scan.sh BUILD_DIR - the leak check's speed bar (issue 6): `scoperun
# check --staged` on a 1,000-file commit (about 4 MB staged, loose
# objects as `git add` leaves them) against a vault of 1,000 values, each
# searched for in 10 or so forms. Bar: under 100 ms for the whole
# command (libgit2 loaded, the vault unlocked and every value decrypted,
# the forms made, every staged blob read and scanned).
#
# Side by side through bench_exec, so noise hits both alike: the same
# check with an empty vault (libgit2, the index, every blob read and
# searched for identity material, no value to match); then where the time
# goes, from the check's own
# SCOPERUN_DEBUG_CHECK line. Exits 0 whatever the figures; non-zero only
# when something could not run. BENCH_SCAN_N (default 30).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
nfiles=1000
nvalues=1000
need_git

scratch sr-bench-scan
timer "$T/bench_exec"

# The vaults: 1,000 random values of 16 to 64 characters, set through the
# real CLI; an empty one beside it.
t0=$(date +%s)
home
export XDG_CACHE_HOME="$H/.cache"
vault=$XDG_DATA_HOME/scoperun/vault.sealed
cp "$vault" "$T/empty.sealed"
known=$(head -c 24 /dev/urandom | base64 -w0)
printf %s "$known" | "$scoperun" secret set svc/known >/dev/null 2>&1 ||
    die "secret set failed"
i=2
while [ "$i" -le "$nvalues" ]; do
	head -c 48 /dev/urandom | base64 -w0 | head -c $((16 + i % 49)) |
	    "$scoperun" secret set "$(printf 'svc/key%04d' "$i")" \
	    >/dev/null 2>&1 || die "secret set failed"
	i=$((i + 1))
done

# The commit: 1,000 source-like files of about 4 KB in 50 directories.
repo=$T/repo
"$git" init -q -b main "$repo"
cd "$repo"
awk -v n="$nfiles" 'BEGIN {
	srand(42)
	for (f = 0; f < n; f++) {
		path = sprintf("src/m%02d/file%04d.c", f % 50, f)
		if (f < 50)
			system("mkdir -p src/m" sprintf("%02d", f))
		for (l = 0; l < 70; l++)
			printf "static int v%d_%d = %d; /* %08x %s */\n", f, l,
			    int(rand() * 1e6), int(rand() * 2^31),
			    "token=abcdefghijklmnop" > path
		close(path)
	}
}'
"$git" add -A
echo "bench: $nvalues values and a $nfiles-file commit" \
    "($(find src -type f -exec cat {} + | wc -c) bytes) made in" \
    "$(($(date +%s) - t0)) s"

# Sanity: clean as made; a planted value (base64, second alignment) found.
"$scoperun" check --staged >/dev/null 2>"$T/err" || {
	cat "$T/err" >&2
	die "the generated commit is not clean"
}
printf %s "x$known" | base64 -w0 >planted.txt
"$git" add planted.txt
"$scoperun" check --staged >"$T/out" 2>&1 &&
    die "a planted value was not found"
grep -q '^planted\.txt:1:3: value of secret svc/known (base64)$' "$T/out" || {
	cat "$T/out" >&2
	die "a planted value was not reported as expected"
}
"$git" rm -q --cached planted.txt
rm planted.txt
W='cd "$0" && exec "$@" >/dev/null'
pair -n "${BENCH_SCAN_N:-30}" -w 3 \
    /bin/sh -c "$W" "$repo" "$scoperun" check --staged --vault \
    "$T/empty.sealed" ::: \
    /bin/sh -c "$W" "$repo" "$scoperun" check --staged ||
    die "a command failed; no figure"
sed 's/^/  /' "$T/out"

# Where the time goes: SCOPERUN_DEBUG_CHECK's line, medians of 15 runs.
i=0
while [ "$i" -lt 15 ]; do
	SCOPERUN_DEBUG_CHECK=1 "$scoperun" check --staged 2>&1 >/dev/null |
	    sed -n 's/^scoperun: check: values \([0-9.]*\) ms.*repository \([0-9.]*\) ms.*matching \([0-9.]*\) ms$/\1 \2 \3/p'
	i=$((i + 1))
done >"$T/phases"
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pv=$(cut -d' ' -f1 <"$T/phases" | med)
pr=$(cut -d' ' -f2 <"$T/phases" | med)
pm=$(cut -d' ' -f3 <"$T/phases" | med)
awk -v a="$a" -v b="$b" -v n="$nfiles" -v v="$nvalues" -v pv="$pv" \
    -v pr="$pr" -v pm="$pm" 'BEGIN {
	above = b >= 100000 ? " ABOVE BAR" : ""
	printf "bench: check --staged, %d files x %d values: %.1f ms " \
	    "(bar: < 100 ms)%s\n", n, v, b / 1000, above
	printf "bench:   of it: decrypting the values and making their " \
	    "forms %.1f ms; libgit2, the index and reading the blobs " \
	    "%.1f ms; matching %.1f ms (medians). The same check with an " \
	    "empty vault: %.1f ms\n", pv, pr - pm, pm, a / 1000
}'
exit 0
