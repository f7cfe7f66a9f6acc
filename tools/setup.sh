#!/usr/bin/env bash
# Installs what the project needs on Debian 12, and nothing that is already there.
# Usage: tools/setup.sh [--tests]   (--tests adds what the test suites need: Chromium,
# clang 14 with its sanitizer and libFuzzer runtimes for tools/fuzz, and redis-server)
# Idempotent; quiet and quick when everything is present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want_tests=0
for arg in "$@"; do
    case "$arg" in
    --tests) want_tests=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
    esac
done

packages=(
    g++ cmake ninja-build ccache git pkg-config clang-format
    libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
    libfmt-dev zlib1g-dev libssl-dev libhiredis-dev
)
if [ "$want_tests" = 1 ]; then
    packages+=(chromium openssl libnss3-tools) # TLS tests: make a CA; Chromium trusts it
    # libclang-rt-14-dev holds libFuzzer and the ASan/UBSan runtimes that -fsanitize=fuzzer
    # links; clang-14 only recommends it. (libfuzzer-14-dev, a standalone libFuzzer.a, is not
    # needed.)
    packages+=(clang-14 libclang-rt-14-dev)
    packages+=(redis-server) # the redis tests start their own servers on free ports
fi
# A newer Node.js already on the machine is used as it is; otherwise Debian's (18.x) is enough.
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "setup: run as root or install sudo" >&2; exit 1; }
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "setup: Node.js $(node --version) is too old; 18 or newer is needed" >&2
    exit 1
fi

# npm ci only when the lockfile changed since the last install (npm writes
# node_modules/.package-lock.json); the CMake build uses the same check.
npm_install() {
    local dir=$1
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
        [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "setup: npm ci in ${dir#"$root"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}
npm_install "$root/www"
if [ "$want_tests" = 1 ]; then
    npm_install "$root/tests/js"
fi
