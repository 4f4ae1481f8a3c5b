#!/usr/bin/env bash
# Cold start of the console to its first frame, in embedded mode, in a real terminal (tmux):
# from spawning the release binary on an empty data directory until the status tabs are on
# screen. Prints the median and worst of RUNS starts (default 10). Needs tmux.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${RUNS:-10}"
cargo build --release --quiet
bin="$PWD/target/release/sift"
times=()
for i in $(seq "$runs"); do
    dir="$(mktemp -d)"
    mkdir -p "$dir/config"
    printf '[server]\nlisten = "127.0.0.1:0"\n' > "$dir/config/config.toml"
    session="sift-start-$$-$i"
    start=$(date +%s%N)
    tmux new-session -d -s "$session" -x 120 -y 40 \
        "env -u SENTRY_URL -u SENTRY_AUTH_TOKEN HOME=$dir SIFT_CONFIG_DIR=$dir/config $bin --data-dir $dir/data"
    until tmux capture-pane -p -t "$session" | grep -q "Unresolved"; do sleep 0.002; done
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    tmux kill-session -t "$session"
    rm -rf "$dir"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( runs / 2 ))]}
worst=${sorted[$(( runs - 1 ))]}
mkdir -p target/bench-results
printf '| cold start to first frame, embedded, empty data dir (%s runs) | %s ms | %s ms |\n' "$runs" "$median" "$worst" \
    | tee target/bench-results/console_start.md
