#!/usr/bin/env bash
# Run one client's scenario against $SIFT_DSN with the clients from install.sh.
# Usage: SIFT_DSN=http://KEY@127.0.0.1:PORT/ID tests/sdk/run.sh python|node|cli|rust
# Exit status is the scenario's: 0 only if the client reported no send failure.
# rust is the `sentry` crate (a dev-dependency): the scenario is the ignored child test
# sdk_rust::rust_sdk_child, built and run by cargo, so it needs nothing from install.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export SIFT_SDK_DIR="${SIFT_SDK_DIR:-$repo/target/sdk-clients}"
: "${SIFT_DSN:?SIFT_DSN must be set to the project DSN}"

case "${1:-}" in
    python) cd "$here/python" && exec "$SIFT_SDK_DIR/python/bin/python" scenario.py ;;
    node) cd "$here/node" && exec node scenario.mjs ;;
    cli) exec "$here/cli/send.sh" ;;
    rust)
        cd "$repo" && SIFT_RUST_SDK_DSN="$SIFT_DSN" RUST_BACKTRACE=1 \
            exec cargo test --test it -- --exact sdk_rust::rust_sdk_child --ignored --nocapture
        ;;
    *) echo "usage: $0 python|node|cli|rust" >&2; exit 2 ;;
esac
