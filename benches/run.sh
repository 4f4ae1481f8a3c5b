#!/usr/bin/env bash
# Runs sift's benchmarks, installing the load tool (wrk, from Debian) and valgrind (for the
# instruction counts) when they are missing.
# Usage: benches/run.sh [ingest|prepare|instructions|writer|store|releases|console|console_start]...   (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v wrk >/dev/null; then
    echo "installing wrk"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(ingest prepare instructions writer store releases console console_start)
if [[ " ${benches[*]} " == *" instructions "* ]] && ! command -v valgrind >/dev/null; then
    echo "installing valgrind"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq valgrind; else sudo apt-get update -qq && sudo apt-get install -y -qq valgrind; fi
fi
for bench in "${benches[@]}"; do
    if [ "$bench" = console_start ]; then
        command -v tmux >/dev/null || { echo "console_start needs tmux" >&2; exit 1; }
        benches/console_start.sh
    else
        cargo bench --bench "$bench"
    fi
done
echo "results: target/bench-results/"
