#!/bin/sh
# `cmake --install` into a prefix puts every file where its users look
# (README, "Building by hand"): the binary, man pages, templates and the
# three shell completions; the installed bash completion works.
. "$SR_TESTS/e2e/lib.sh"

build=$(dirname "$SCOPERUN")
if ! command -v cmake >/dev/null 2>&1 || [ ! -f "$build/cmake_install.cmake" ]; then
	echo "t_install: no cmake or no build tree beside the binary: skipped"
	exit 77
fi
P="$T/prefix"
cmake --install "$build" --prefix "$P" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "cmake --install"
for f in bin/scoperun share/man/man1/scoperun.1 \
    share/man/man5/scoperun-policy.5 \
    share/scoperun/policies/coding-agent.toml \
    share/bash-completion/completions/scoperun \
    share/zsh/site-functions/_scoperun \
    share/fish/vendor_completions.d/scoperun.fish; do
	[ -s "$P/$f" ] && ok || bad "installed: $f"
done
"$P/bin/scoperun" help secret >"$T/out" 2>&1 && ok || bad "the installed binary"
if command -v bash >/dev/null 2>&1; then
	PATH="$P/bin:$PATH" bash -c '. "$1"; COMP_WORDS=(scoperun sec)
	    COMP_CWORD=1; _scoperun; printf "%s\n" "${COMPREPLY[@]}"' sh \
	    "$P/share/bash-completion/completions/scoperun" >"$T/out" 2>&1
	grep -qx secret "$T/out" && ok || bad "the installed bash completion"
fi

finish
