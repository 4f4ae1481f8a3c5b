#!/usr/bin/env bash
# Cold build of the sift binary, one profile after the other, each from an empty target
# directory of its own (dependencies included, as on a fresh clone), and the binary's size.
# The sources of the dependencies are fetched first and not timed: a fresh clone downloads
# them once whichever profile it builds. With `install`, also times `cargo install --path .`
# into a scratch root (it builds the release profile in a target directory of its own).
#
# Usage: benches/build_times.sh [release|dist|install]...   (default: release dist)
# Writes the table to target/bench-results/build_times.md. Takes minutes per profile on two
# cores; run it on a quiet machine, since wall-clock time is what a new user waits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(release dist)
scratch="$PWD/target/build-times"
mkdir -p "$scratch" target/bench-results
cargo fetch --locked --quiet

rows=()
for run in "${runs[@]}"; do
    dir="$scratch/$run"
    rm -rf "$dir"
    case "$run" in
        release | dist) cmd=(cargo build --locked --profile "$run" --bin sift --target-dir "$dir") ;;
        install) cmd=(cargo install --locked --path . --root "$dir/root" --target-dir "$dir/target") ;;
        *) echo "unknown run '$run' (expected release, dist or install)" >&2; exit 2 ;;
    esac
    echo "== $run: ${cmd[*]}"
    start=$(date +%s.%N)
    # Children's CPU time (user + system) as the shell counts it: what the build cost in all.
    before=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    "${cmd[@]}" --quiet
    end=$(date +%s.%N)
    after=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
    ticks=$(getconf CLK_TCK)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%d:%02d", (b - a) / 60, (b - a) % 60 }')
    cpu=$(awk -v a="$before" -v b="$after" -v t="$ticks" 'BEGIN { s = (b - a) / t; printf "%d:%02d", s / 60, s % 60 }')
    case "$run" in
        install) bin="$dir/root/bin/sift" ;;
        *) bin="$dir/$run/sift" ;;
    esac
    size=$(awk -v b="$(stat -c %s "$bin")" 'BEGIN { printf "%.1f MB", b / 1e6 }')
    rows+=("| \`$run\` | $wall | $cpu | $size |")
    echo "   wall $wall, cpu $cpu, binary $size"
done

{
    echo "| profile | cold build (wall) | CPU time | binary |"
    echo "|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "$(nproc) cores, $(date -u +%Y-%m-%d), $(rustc --version)"
} | tee target/bench-results/build_times.md
