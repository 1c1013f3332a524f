#!/bin/sh
# Installs scoperun's build and test dependencies from Debian when any is
# missing; a no-op when all are there. Used by the README's two commands
# and by .ci/run, so a fresh machine needs nothing else.
set -eu
pkgs="build-essential cmake pkg-config git python3 clang libsodium-dev
libgit2-dev libcmocka-dev libjansson-dev pre-commit rsyslog zsh fish"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "run as root: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
