#!/usr/bin/env bash
# Installs what the project needs on Debian 12, and nothing that is already there.
# Usage: tools/setup.sh [--tests] [--cluster]   (--cluster adds redis-server for tools/cluster;
# --tests adds what the test suites need: Chromium,
# clang 14 with its sanitizer and libFuzzer runtimes for tools/fuzz, redis-server and nginx)
# Idempotent; quiet and quick when everything is present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want_tests=0
want_cluster=0
for arg in "$@"; do
    case "$arg" in
    --tests) want_tests=1 ;;
    --cluster) want_cluster=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
    esac
done

packages=(
    g++ cmake ninja-build ccache git pkg-config clang-format
    libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
    libfmt-dev zlib1g-dev libssl-dev libhiredis-dev
    libcrypt-dev # crypt_rn (libxcrypt): bcrypt for the Admin UI's password
)
if [ "$want_tests" = 1 ]; then
    packages+=(chromium openssl libnss3-tools) # TLS tests: make a CA; Chromium trusts it
    # libclang-rt-14-dev holds libFuzzer and the ASan/UBSan runtimes that -fsanitize=fuzzer
    # links; clang-14 only recommends it. (libfuzzer-14-dev, a standalone libFuzzer.a, is not
    # needed.)
    packages+=(clang-14 libclang-rt-14-dev)
    packages+=(redis-server) # the redis tests start their own servers on free ports
    packages+=(nginx)        # cluster_nginx: sticky sessions in front of two servers
    packages+=(prometheus)   # promtool: the metrics test checks what /metrics serves
fi
if [ "$want_cluster" = 1 ]; then
    packages+=(redis-server) # tools/cluster runs a private one
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

# Root's commands (apt-get update / install), through sudo when not root.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    else
        command -v sudo >/dev/null 2>&1 || { echo "setup: run as root or install sudo" >&2; exit 1; }
        sudo "$@"
    fi
}
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# msgpack-cxx (headers and a CMake config only), for the cluster layer's Redis wire format.
# Debian's libmsgpack-cxx-dev depends on Boost 1.74, which conflicts with the 1.81 packages
# above, so its .deb is unpacked into .deps/msgpack (git-ignored) instead of installed;
# CMakeLists.txt finds it there.
msgpack_dir="$root/.deps/msgpack"
if [ ! -f "$msgpack_dir/usr/include/msgpack.hpp" ]; then
    echo "setup: unpacking libmsgpack-cxx-dev into .deps/msgpack"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # apt-get download needs the package lists: update them once if that is why it failed.
    if ! (cd "$tmp" && apt-get download libmsgpack-cxx-dev >"$tmp/log" 2>&1); then
        as_root apt-get update -qq
        (cd "$tmp" && apt-get download libmsgpack-cxx-dev >"$tmp/log" 2>&1) ||
            { cat "$tmp/log" >&2; echo "setup: apt-get download libmsgpack-cxx-dev failed" >&2; exit 1; }
    fi
    # Unpacked beside, then renamed: an interrupted run leaves no half-filled .deps/msgpack.
    rm -rf "$msgpack_dir.partial"
    mkdir -p "$(dirname "$msgpack_dir")"
    dpkg -x "$tmp"/libmsgpack-cxx-dev_*.deb "$msgpack_dir.partial"
    rm -rf "$msgpack_dir"
    mv "$msgpack_dir.partial" "$msgpack_dir"
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
