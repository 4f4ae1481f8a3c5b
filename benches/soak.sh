#!/usr/bin/env bash
# Soak: the compiled server under mixed load (ingest, Web API reads, triage updates) for
# SECONDS (default 1800, 30 minutes). Fails if anything errors or resident memory grows more
# than 10% after warm-up; prints the counts and the memory at warm-up and at the end.
# CI runs the same test (same build) for 2 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIFT_SOAK_SECS="${1:-1800}" cargo test --test it soak:: -- --ignored --nocapture
