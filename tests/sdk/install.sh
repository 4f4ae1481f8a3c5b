#!/usr/bin/env bash
# Install the real Sentry clients that sift's SDK suite drives:
#   $SIFT_SDK_DIR/python  a venv with sentry-sdk + brotli (tests/sdk/python/requirements.txt)
#   $SIFT_SDK_DIR/node    @sentry/node + @sentry/cli, and @sentry/browser + jsdom (the README's browser
#                         snippet runs under Node with jsdom), via `npm ci` (tests/sdk/node/package-lock.json)
#   $SIFT_SDK_DIR/perf    Express, @sentry/node and sql.js for the performance suite's app, via `npm ci`
#                         (tests/sdk/perf/package-lock.json)
#
# Idempotent: each half writes a stamp keyed on its inputs (pin files + tool version)
# and is skipped when the stamp matches. Only package registries are contacted.
# Usage: tests/sdk/install.sh [python|node|perf]...   (default: all three)
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

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(python node perf)
say "installing into $sdk_dir: ${targets[*]}"
mkdir -p "$sdk_dir"
for t in "${targets[@]}"; do
    case "$t" in
        python) install_python ;;
        node) install_node ;;
        perf) install_perf ;;
        *) die "unknown target '$t' (expected python, node or perf)" ;;
    esac
done
say "done"
