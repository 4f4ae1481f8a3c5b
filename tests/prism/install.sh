#!/usr/bin/env bash
# Installs the pinned Stoplight Prism (see package.json / package-lock.json beside this
# script) into <crate>/target/prism, so the ignored contract suite (tests/prism_suite.rs)
# can start `target/prism/node_modules/.bin/prism` (tests/it/prism.rs). Idempotent; needs node >= 20.19 + npm.
# Install scripts are skipped (the only one is a telemetry ping in @scarf/scarf).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
crate="$(cd "$here/../.." && pwd)"
dest="${SIFT_PRISM_DIR:-$crate/target/prism}"
mkdir -p "$dest"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
if [ -x node_modules/.bin/prism ] && cmp -s package-lock.json node_modules/.package-lock.json.src 2>/dev/null; then
  echo "prism already installed in $dest"
else
  npm ci --ignore-scripts --no-audit --no-fund
  cp package-lock.json node_modules/.package-lock.json.src
fi
echo "prism $(node_modules/.bin/prism --version) at $dest/node_modules/.bin/prism"
