#!/usr/bin/env bash
# Install the real Sentry clients that sift's SDK suite drives:
#   $SIFT_SDK_DIR/python  a venv with sentry-sdk + brotli (tests/sdk/python/requirements.txt)
#   $SIFT_SDK_DIR/node    @sentry/node + @sentry/cli, and @sentry/browser + jsdom (the README's browser
#                         snippet runs under Node with jsdom), via `npm ci` (tests/sdk/node/package-lock.json)
#   $SIFT_SDK_DIR/sentry-next  getsentry's new `sentry` CLI (npm package `sentry`), via `npm ci`
#                         (tests/sdk/sentry-next/package-lock.json): one JavaScript bundle, no postinstall
#   $SIFT_SDK_DIR/sourcemaps  esbuild, which builds the source-map suite's app
#                         (tests/sdk/sourcemaps/package-lock.json)
#   $SIFT_SDK_DIR/perf    Express, @sentry/node and sql.js for the performance suite's app, via `npm ci`
#                         (tests/sdk/perf/package-lock.json)
#
# Idempotent: each part writes a stamp keyed on its inputs (pin files + tool version)
# and is skipped when the stamp matches. Only package registries are contacted.
# Usage: tests/sdk/install.sh [python|node|sourcemaps|sentry-next|perf]...   (default: all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
sdk_dir="${SIFT_SDK_DIR:-$repo/target/sdk-clients}"

say() { printf '[sdk-install] %s\n' "$*"; }
die() { printf '[sdk-install] error: %s\n' "$*" >&2; exit 1; }

# Hash of the given files plus any extra strings, used as the stamp contents.
fingerprint() {
    local extra="$1"; shift
    { printf '%s\n' "$extra"; cat "$@"; } | sha256sum | cut -d' ' -f1
}

stamp_matches() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

install_python() {
    local req="$here/python/requirements.txt"
    local venv="$sdk_dir/python"
    local stamp="$venv/.sift-stamp"
    command -v python3 >/dev/null || die "python3 not found"
    local want
    want="$(fingerprint "$(python3 --version 2>&1)" "$req")"
    if stamp_matches "$stamp" "$want" && [[ -x "$venv/bin/python" ]]; then
        say "python: up to date in $venv (stamp $want)"
        return
    fi

    say "python: creating venv in $venv"
    rm -rf "$venv"
    # Debian splits ensurepip into python3-venv. Without it, make a pip-less venv
    # and drive the system pip at it with --python (pip >= 22.3).
    local pip=()
    if python3 -m venv "$venv" 2>/dev/null; then
        pip=("$venv/bin/python" -m pip)
    else
        say "python: 'python3 -m venv' failed (no ensurepip?); using a pip-less venv + system pip --python"
        rm -rf "$venv"
        python3 -m venv --without-pip "$venv"
        python3 -m pip --version >/dev/null 2>&1 || die "neither ensurepip nor a system pip is available"
        pip=(python3 -m pip --python "$venv/bin/python")
    fi

    say "python: pip install -r $req"
    "${pip[@]}" install --disable-pip-version-check --no-input --quiet -r "$req"

    "$venv/bin/python" - <<'PY'
import brotli, sentry_sdk
print("[sdk-install] python: sentry-sdk", sentry_sdk.VERSION, "with brotli", brotli.version)
PY
    printf '%s\n' "$want" >"$stamp"
}

install_node() {
    local src="$here/node"
    local dir="$sdk_dir/node"
    local stamp="$dir/.sift-stamp"
    command -v node >/dev/null || die "node not found"
    command -v npm >/dev/null || die "npm not found"
    # @sentry/node 11 declares engines node >=20.19 (<21), >=22.12 (<23) or >=23.2.
    node -e '
        const [maj, min] = process.versions.node.split(".").map(Number);
        const ok = (maj === 20 && min >= 19) || (maj === 22 && min >= 12) || (maj === 23 && min >= 2) || maj >= 24;
        process.exit(ok ? 0 : 1);' \
        || die "node $(node --version) is too old for @sentry/node (needs >=20.19, >=22.12 or >=23.2)"
    local want
    want="$(fingerprint "$(node --version) $(uname -sm)" "$src/package.json" "$src/package-lock.json")"
    if stamp_matches "$stamp" "$want" && [[ -d "$dir/node_modules" ]]; then
        say "node: up to date in $dir (stamp $want)"
        return
    fi

    say "node: npm ci in $dir"
    mkdir -p "$dir"
    rm -f "$stamp"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    # The sentry-cli binary comes from its optional per-platform package
    # (@sentry/cli-linux-x64 etc.). Its postinstall would otherwise fall back to
    # a CDN download, which is unreachable here: forbid that and check below.
    (cd "$dir" && SENTRYCLI_SKIP_DOWNLOAD=1 npm ci --include=optional --no-audit --no-fund)

    local cli="$dir/node_modules/.bin/sentry-cli"
    [[ -x "$cli" ]] || die "sentry-cli wrapper missing at $cli"
    local got pinned
    got="$("$cli" --version)" || die "sentry-cli does not run: is the platform package for $(uname -sm) in the lock file?"
    pinned="$(node -p "require('$src/package.json').dependencies['@sentry/cli']")"
    [[ "$got" == "sentry-cli $pinned" ]] || die "expected 'sentry-cli $pinned', got '$got'"
    say "node: $got"
    local pkg
    for pkg in @sentry/node @sentry/browser jsdom; do
        [[ -f "$dir/node_modules/$pkg/package.json" ]] || die "$pkg missing from $dir/node_modules"
        say "node: $pkg $(node -p "require('$dir/node_modules/$pkg/package.json').version")"
    done
    printf '%s\n' "$want" >"$stamp"
}

install_sentry_next() {
    local src="$here/sentry-next"
    local dir="$sdk_dir/sentry-next"
    local stamp="$dir/.sift-stamp"
    command -v node >/dev/null || die "node not found"
    command -v npm >/dev/null || die "npm not found"
    local want
    want="$(fingerprint "$(node --version)" "$src/package.json" "$src/package-lock.json")"
    if stamp_matches "$stamp" "$want" && [[ -x "$dir/node_modules/.bin/sentry" ]]; then
        say "sentry-next: up to date in $dir (stamp $want)"
        return
    fi
    say "sentry-next: npm ci in $dir"
    mkdir -p "$dir"
    rm -f "$stamp"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    # The package is the CLI itself, bundled JavaScript with no install script and no binary to
    # fetch; --ignore-scripts makes sure nothing else runs at install time.
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund)
    local cli="$dir/node_modules/.bin/sentry"
    [[ -x "$cli" ]] || die "sentry wrapper missing at $cli"
    local got pinned
    got="$(SENTRY_CLI_NO_TELEMETRY=1 SENTRY_CLI_NO_UPDATE_CHECK=1 "$cli" --version)" || die "sentry does not run"
    pinned="$(node -p "require('$src/package.json').dependencies.sentry")"
    [[ "$got" == *"$pinned"* ]] || die "expected sentry $pinned, got '$got'"
    say "sentry-next: sentry $got"
    printf '%s\n' "$want" >"$stamp"
}

install_sourcemaps() {
    local src="$here/sourcemaps"
    local dir="$sdk_dir/sourcemaps"
    local stamp="$dir/.sift-stamp"
    command -v npm >/dev/null || die "npm not found"
    local want
    want="$(fingerprint "$(node --version) $(uname -sm)" "$src/package.json" "$src/package-lock.json")"
    if stamp_matches "$stamp" "$want" && [[ -d "$dir/node_modules" ]]; then
        say "sourcemaps: up to date in $dir (stamp $want)"
        return
    fi
    say "sourcemaps: npm ci in $dir"
    mkdir -p "$dir"
    rm -f "$stamp"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    # esbuild's binary is its optional per-platform package (@esbuild/linux-x64 etc.); the
    # wrapper finds it there, so its install script (which may download) is not needed.
    (cd "$dir" && npm ci --include=optional --ignore-scripts --no-audit --no-fund)
    local got pinned
    got="$("$dir/node_modules/.bin/esbuild" --version)" || die "esbuild does not run: is its platform package for $(uname -sm) in the lock file?"
    pinned="$(node -p "require('$src/package.json').dependencies.esbuild")"
    [[ "$got" == "$pinned" ]] || die "expected esbuild $pinned, got $got"
    say "sourcemaps: esbuild $got"
    printf '%s\n' "$want" >"$stamp"
}

targets=("$@")
install_perf() {
    local src="$here/perf"
    local dir="$sdk_dir/perf"
    local stamp="$dir/.sift-stamp"
    command -v npm >/dev/null || die "npm not found"
    local want
    want="$(fingerprint "$(node --version) $(uname -sm)" "$src/package.json" "$src/package-lock.json")"
    if stamp_matches "$stamp" "$want" && [[ -d "$dir/node_modules" ]]; then
        say "perf: up to date in $dir (stamp $want)"
        return
    fi
    say "perf: npm ci in $dir"
    mkdir -p "$dir"
    rm -f "$stamp"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund)
    local pkg
    for pkg in @sentry/node express sql.js; do
        [[ -f "$dir/node_modules/$pkg/package.json" ]] || die "$pkg missing from $dir/node_modules"
        say "perf: $pkg $(node -p "require('$dir/node_modules/$pkg/package.json').version")"
    done
    printf '%s\n' "$want" >"$stamp"
}

[[ ${#targets[@]} -gt 0 ]] || targets=(python node sourcemaps sentry-next perf)
say "installing into $sdk_dir: ${targets[*]}"
mkdir -p "$sdk_dir"
for t in "${targets[@]}"; do
    case "$t" in
        python) install_python ;;
        node) install_node ;;
        sourcemaps) install_sourcemaps ;;
        sentry-next) install_sentry_next ;;
        perf) install_perf ;;
        *) die "unknown target '$t' (expected python, node, sourcemaps, sentry-next or perf)" ;;
    esac
done
say "done"
