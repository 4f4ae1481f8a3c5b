#!/usr/bin/env bash
# Send sift's sentry-cli scenario: one parameterized message, twice, with different
# arguments (must become ONE issue grouped by the "Deploy %s finished with %s" template).
# Needs SIFT_DSN (or SENTRY_DSN); uses the sentry-cli installed by tests/sdk/install.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
sdk_dir="${SIFT_SDK_DIR:-$repo/target/sdk-clients}"
cli="$sdk_dir/node/node_modules/.bin/sentry-cli"
[[ -x "$cli" ]] || { echo "sentry-cli not installed at $cli: run tests/sdk/install.sh node" >&2; exit 2; }

export SENTRY_DSN="${SIFT_DSN:-${SENTRY_DSN:-}}"
[[ -n "$SENTRY_DSN" ]] || { echo "SIFT_DSN is not set" >&2; exit 2; }
# Never phone home for a newer version; the suite only talks to loopback.
export SENTRY_DISABLE_UPDATE_CHECK=true

# Run from an empty folder: inside a git checkout sentry-cli would set the event's
# release to HEAD's sha, and it would also pick up any .sentryclirc or .env there.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"

send() {
    "$cli" send-event --no-environ -m "Deploy %s finished with %s" "$@" --tag area:deploy
}

send -a v42 -a warnings
send -a v43 -a errors
echo "cli scenario sent"
