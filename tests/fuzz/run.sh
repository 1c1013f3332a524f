#!/bin/sh
# Runs every fuzz target for a while over its seed corpus; any finding
# fails. usage: run.sh BUILD_DIR/tests/fuzz SECONDS
set -eu
bin=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
shared=${SCOPERUN_SHARED:-$here/../../../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$bin"/fuzz_*; do
	name=$(basename "$f")
	corpus=$work/$name
	mkdir -p "$corpus"
	[ -d "$here/corpus/$name" ] && cp "$here/corpus/$name"/* "$corpus/"
	# identity seeds are tracked defused (lib/FORMAT.md, Test vectors)
	[ "$name" = fuzz_identity ] &&
	    sed -i 's/SCOPERUN-VECTOR-1/SCOPERUN-SECRET-1/' "$corpus"/*
	if [ "$name" = fuzz_toml ] && [ -d "$shared/toml-test" ]; then
		find "$shared/toml-test" -name '*.toml' -exec cp {} "$corpus/" \;
	fi
	dict=
	[ -f "$here/${name#fuzz_}.dict" ] && dict=-dict=$here/${name#fuzz_}.dict
	"$f" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
	    $dict "$corpus" 2>"$work/log" || { tail -n 60 "$work/log"; exit 1; }
	grep -E '^stat::number_of_executed_units' "$work/log" |
	    sed "s/^/$name: /"
done
