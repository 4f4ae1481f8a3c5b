#!/usr/bin/env bash
# Re-record the committed wire fixtures for one client:
#   tests/sdk/record.sh python|node|cli|rust
# Starts capture.py on a free loopback port, runs the scenario against it, stops
# the capture, and writes decoded.txt next to each recorded request under
# tests/fixtures/sdk/<client>/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export SIFT_SDK_DIR="${SIFT_SDK_DIR:-$repo/target/sdk-clients}"
client="${1:?usage: $0 python|node|cli|rust}"
py="$SIFT_SDK_DIR/python/bin/python"   # has brotli, so br bodies decode
out="$repo/tests/fixtures/sdk"

port_file="$(mktemp)"
rm -f "$port_file"
"$py" "$here/capture.py" serve --client "$client" --out "$out" --port-file "$port_file" --replace &
capture_pid=$!
trap 'kill "$capture_pid" 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 100); do [[ -s "$port_file" ]] && break; sleep 0.05; done
port="$(cat "$port_file")"

status=0
SIFT_DSN="http://5f2e0c1ab3d94b7e8c6a1d0e9f8b7a6c@127.0.0.1:$port/1" "$here/run.sh" "$client" || status=$?
sleep 1   # let late envelopes (sessions, client reports) land
kill "$capture_pid"
wait "$capture_pid" || true
"$py" "$here/capture.py" decode "$out/$client"
echo "record: $client scenario exit status $status"
exit "$status"
