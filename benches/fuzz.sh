#!/usr/bin/env bash
# Runs each fuzz target (tests/fuzz, cargo-fuzz over libFuzzer) for SECONDS (default 60), with
# its corpus in tests/fixtures/fuzz/TARGET (seeded from the SDK recordings), and prints for
# each its executions and crashes. Crashes are left in tests/fuzz/artifacts/TARGET/ to be
# fixed and turned into tests; the corpus is minimised after each run (cargo fuzz cmin). Needs
# a nightly toolchain (cargo-fuzz builds with sanitizers) and installs cargo-fuzz when missing.
# Usage: benches/fuzz.sh [SECONDS] [TARGET...]. CI runs the same code as bounded proptests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
shift || true
targets=("${@:-envelope decode normalize search render}")
read -r -a targets <<< "${targets[*]}"

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 1
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: every recorded SDK request body (envelopes, compressed or not) and search queries.
seed() {
    local target=$1 dir=tests/fixtures/fuzz/$1
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return
    case $target in
        envelope|normalize)
            # The decoded body: what follows the recorded request's headers.
            for f in tests/fixtures/sdk/*/*/decoded.txt; do
                sed '1,/^\r\?$/d' "$f" > "$dir/$(dirname "$f" | tr '/' '_')"
            done ;;
        decode)
            # The body as sent, behind the byte that names its Content-Encoding.
            for f in tests/fixtures/sdk/*/*/body.bin; do
                encoding=$(grep -i '^content-encoding:' "$(dirname "$f")/decoded.txt" | awk '{print $2}' | tr -d '\r' || true)
                case $encoding in gzip) b='\001' ;; deflate) b='\002' ;; br) b='\003' ;; zstd) b='\004' ;; *) b='\000' ;; esac
                { printf "$b"; cat "$f"; } > "$dir/$(dirname "$f" | tr '/' '_')"
            done ;;
        search)
            printf '%s' 'is:unresolved level:error' > "$dir/q1"
            printf '%s' 'firstSeen:-24h !assigned:me issue.priority:[high,medium] "quoted text"' > "$dir/q2"
            printf '%s' 'lastSeen:>2026-01-01T10:00:00 times_seen:>=10 user.email:*@example.com' > "$dir/q3" ;;
        render)
            cp assets/demo/*.json "$dir/" 2>/dev/null || true ;;
    esac
}

printf '%-10s %14s %8s\n' target executions crashes
for target in "${targets[@]}"; do
    seed "$target"
    log=$(mktemp)
    status=0
    cargo +nightly fuzz run --fuzz-dir tests/fuzz "$target" "tests/fixtures/fuzz/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 >"$log" 2>&1 || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    crashes=$(find "tests/fuzz/artifacts/$target" -type f 2>/dev/null | wc -l)
    # Keep the committed corpus small: only inputs that add coverage.
    cargo +nightly fuzz cmin --fuzz-dir tests/fuzz "$target" "tests/fixtures/fuzz/$target" >/dev/null 2>&1 || true
    printf '%-10s %14s %8s\n' "$target" "${execs:-?}" "$crashes"
    if [ "$status" -ne 0 ]; then
        tail -30 "$log" >&2
    fi
    rm -f "$log"
done
