#!/bin/sh
# `scoperun secret import FILE [--prefix P]`: a .env file's values into
# the vault, each under its KEY; the [secrets] lines to grant them on
# stdout; never a value on either stream. A file that does not parse
# imports nothing. The granted values reach a run byte for byte.
. "$SR_TESTS/e2e/lib.sh"

V="$XDG_DATA_HOME/scoperun/vault.sealed"
sr init
expect_rc 0 "init"
mkdir -p "$T/app"
cd "$T/app" || exit 1
cat >.env <<'DOTENV'
# the app's settings
export DATABASE_URL="postgres://app:pw-7f3a@db/app?ssl=1"
API_KEY='sk-live-$notexpanded "q"'
MULTI="line1\nline2 \"quoted\" \\ end"
  STRIPE_KEY = rk_test_9c1e42 # a comment
EMPTY=

TAB_VALUE="a	b"
DOTENV

sr secret import .env --prefix myapp
expect_rc 0 "import"
expect_out '^\[secrets\]$' "the [secrets] header"
for k in DATABASE_URL API_KEY MULTI STRIPE_KEY TAB_VALUE; do
	expect_out "^$k = \"myapp/$k\"\$" "the grant line for $k"
done
expect_no_out EMPTY "an empty value is not imported"
expect_err "note: EMPTY is empty in .env:6" "the empty value is named"
expect_err "imported 5 secrets from .env into $V \\(0 replaced\\).*delete .env" \
    "the summary says to delete the file"
for v in pw-7f3a sk-live line1 rk_test_9c1e42; do
	expect_no_out "$v" "no value on stdout ($v)"
	expect_no_err "$v" "no value on stderr ($v)"
done
sr secret ls
expect_out '^myapp/STRIPE_KEY ' "the secrets are in the vault"

# The printed lines make a policy; the run gets the exact bytes.
{ header app; printf '[env]\ninherit = ["PATH"]\n'
  "$SCOPERUN" secret import .env --prefix myapp 2>/dev/null; } | policy app
sr app -- sh -c 'printf "%s|" "$DATABASE_URL" "$API_KEY" "$MULTI" "$STRIPE_KEY" "$TAB_VALUE"'
expect_rc 0 "a run with the imported grants"
want=$(printf '%s|' 'postgres://app:pw-7f3a@db/app?ssl=1' \
    'sk-live-$notexpanded "q"' "line1
line2 \"quoted\" \\ end" rk_test_9c1e42 'a	b')
[ "$(cat "$T/out")" = "$want" ] && ok ||
    bad "the values, byte for byte: got $(cat "$T/out")"

# Again: the same names are replaced, and said so.
sr secret import .env --prefix myapp
expect_err "\\(5 replaced\\)" "a second import replaces"
# Without --prefix: KEY itself; from stdin with -.
printf 'PLAIN=value-0123\n' | "$SCOPERUN" secret import - >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "import from stdin"
expect_out '^PLAIN = "PLAIN"$' "no prefix: the KEY is the name"

# A syntax error: nothing imported, the line named, the vault unchanged.
cp "$V" "$T/before"
printf 'NEW_ONE=fine-123\nBROKEN="never closed\nX=1\n' >bad.env
sr secret import bad.env
refused 2 'a double quote that is never closed \(bad.env:2\)' \
    "a bad file is refused with its line"
cmp -s "$V" "$T/before" && ok || bad "a bad file changes nothing"
expect_no_err "never closed.*never" "the value is not quoted back"
# Other refusals, each with the control above.
sr secret import no-such.env
refused 2 "cannot open no-such.env" "a missing file"
printf '# nothing\n' >empty.env
sr secret import empty.env
refused 2 "no KEY=VALUE line to import in empty.env" "an empty file"
sr secret import .env --prefix 'bad prefix'
refused 2 "--prefix wants" "a bad prefix"
printf 'A=1\0B=2\n' >nul.env
sr secret import nul.env
refused 2 "a NUL byte \\(nul.env:1\\)" "a NUL byte"
cmp -s "$V" "$T/before" && ok || bad "refusals change nothing"

# Then the .env must go: committed, check names it.
if command -v git >/dev/null 2>&1; then
	export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
	    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
	git init -q -b main . && git add .env && git commit -qm env
	sr check
	expect_rc 1 "check finds the committed .env"
	expect_out '\.env' "the finding names .env"
fi

finish
