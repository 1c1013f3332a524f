#!/bin/sh
# Runs the toml-test suite from ../shared against our decoder. Every valid
# and every invalid case must pass: there is no skip list.
decoder=$1
shared=${SCOPERUN_SHARED:-../shared}
runner=$shared/tools/toml-test-run
if [ ! -x "$runner" ] || [ ! -d "$shared/toml-test" ]; then
	echo "toml conformance: $shared not found; skipped"
	exit 77
fi
exec "$runner" --decoder "$decoder" --suite "$shared/toml-test" \
    --reject-code 1 --details 20
