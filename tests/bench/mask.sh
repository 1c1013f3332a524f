#!/bin/sh
# mask.sh BUILD_DIR - the speed bar of issue 7, as figures: masking adds
# at most 10% to pushing 100 MB through cat. The data is text (base64
# lines: the worst case for the matcher's skip, since every byte could
# begin a base64 form), the agent has three grants of the usual shapes.
#
# Each figure is the same agent masked against supervised but unmasked,
# writing to one kind of sink, so the only difference is masking:
#   - a reader on a pipe (`| cat`): where agent output goes in practice,
#     a CI log collector, `| tee`, an MCP client. This is the bar.
#   - a pipeline stage: cat's input and output both pipes.
#   - a file, and /dev/null. These sinks cost the unmasked agent next
#     to nothing, while masking must move every byte once more
#     (agent -> pipe -> scoperun): a copy no supervisor that reads the
#     output can avoid. The figures are printed for what they are.
# And the matcher alone, in process (bench_mask): what masking adds once
# the bytes are in scoperun. bench_exec alternates the commands, so
# machine noise hits them alike.
# Exits 0 whatever the ratios; non-zero only when something could not run.
# BENCH_MASK_N (default 15) rounds, BENCH_MASK_MB (default 100) megabytes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
setup "$@"
bar=1.10
n=${BENCH_MASK_N:-15}
mb=${BENCH_MASK_MB:-100}
timer "$build/bench_exec"
# The matcher's own timer links the library as built (not a sanitizer
# build); without it that one figure is left out.
matcher=$build/bench_mask
sublibs forms core
if stale "$matcher" "$here/bench_mask.c" $sub_libs; then
	cc_bench $sub_cflags -o "$matcher" "$here/bench_mask.c" \
	    $sub_libs $(pkg-config --cflags --libs libsodium) \
	    2>/dev/null || rm -f "$matcher"
fi

scratch sr-bench-mask
export SCOPERUN_POLICY_DIR="$T"
home
put() {
	printf '%s' "$2" | "$scoperun" secret set "$1" >/dev/null ||
	    die "secret set $1 failed"
}
put gh/token ghp_R2d2C3poBB8k2so0123456789abcdefXYZ
put api/key sk-proj-4f9a0c1e7b3d5f2a8c6e0b9d7f1a3c5e
put db/password 'correct horse battery staple!'
for agent in masked plain; do
	{
		printf '[env]\ninherit = ["PATH"]\n[secrets]\n'
		printf 'GH = "gh/token"\nAPI = "api/key"\nDB = "db/password"\n'
		printf '[exec]\nallow = ["cat"]\n'
		[ "$agent" = masked ] && printf 'mask_output = true\n' ||
		    printf 'supervise = true\n'
	} | policy "$agent"
done

big=$T/big
head -c $((mb * 3 / 4 * 1000000 + 1000000)) /dev/urandom | base64 -w 76 |
    head -c $((mb * 1000000)) >"$big"
cat=$(command -v cat)
# Each command line runs through sh, so both sides pay for the same exec.
line() {
	printf '%s' "exec $*"
}
sh=$(command -v sh)
# A check run first: the masked copy must be the file, byte for byte.
"$scoperun" masked -- cat "$big" | cmp -s - "$big" ||
    die "masked output differs from its input"

# side_by_side LABEL_A CMD_A LABEL_B CMD_B BAR
side_by_side() {
	pair -n "$n" -w 2 "$sh" -c "$2" ::: "$sh" -c "$4" ||
	    die "a command failed; no figure"
	ratio %.1f %.3f "$1" "$3" "$5"
}

# sink LABEL BAR PREFIX FILE SUFFIX: `cat FILE` as the agent, unmasked,
# then masked, between PREFIX and SUFFIX.
sink() {
	side_by_side "unmasked" "$3$(line "$scoperun" plain -- "$cat" \
	    $4)$5" "masked, $1" "$3$(line "$scoperun" masked -- "$cat" $4)$5" \
	    "$2"
}
echo "bench: ${mb} MB of base64 text, 3 grants masked, $n rounds each"
sink "to a reader on a pipe" "$bar" "" "$big" " | $cat >/dev/null"
sink "as a pipeline stage" "" "$cat $big | " "" " | $cat >/dev/null"
sink "to a file" "" "" "$big" " >$T/sink"
sink "to /dev/null" "" "" "$big" " >/dev/null"
if [ -x "$matcher" ]; then
	"$matcher" "$big" ghp_R2d2C3poBB8k2so0123456789abcdefXYZ \
	    sk-proj-4f9a0c1e7b3d5f2a8c6e0b9d7f1a3c5e \
	    'correct horse battery staple!' | sed -n 's/^result //p' | {
		read -r bytes us rate
		awk -v us="${us#*=}" -v rate="${rate#*=}" 'BEGIN {
			printf "bench: the matcher alone: %.1f ms for the same " \
			    "bytes (%d MB/s)\n", us / 1000, rate
		}'
	}
fi
