#!/usr/bin/env bash
# The library as another project uses it: installs BUILD_DIR into a fresh prefix, builds
# examples/hello and examples/chat against it (find_package, a build directory of their own,
# nothing else from this tree), builds hello once more with nothing but
# `pkg-config --cflags --libs socketio_cpp`, then drives the programs with the official
# socket.io-client (tests/js/install_examples.test.mjs).
#
#   run.sh BUILD_DIR
#
# From the environment (tests/install/CMakeLists.txt sets them from the build tree, so that
# the examples are built the same way): SIO_CXX, SIO_BUILD_TYPE, SIO_CXX_FLAGS,
# SIO_LINKER_FLAGS, SIO_LAUNCHER (ccache, or empty), SIO_WERROR (ON/OFF), SIO_NODE.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "$1" && pwd)
cxx=${SIO_CXX:-c++}
build_type=${SIO_BUILD_TYPE:-RelWithDebInfo}
cxx_flags=${SIO_CXX_FLAGS:-}
linker_flags=${SIO_LINKER_FLAGS:-}
node=${SIO_NODE:-node}
# The examples' own code is held to warnings as errors when the library is (the ci preset).
if [ "${SIO_WERROR:-OFF}" = ON ]; then
    cxx_flags="$cxx_flags -Wall -Wextra -Wpedantic -Werror"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sio-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
# ccache hits across runs although each run has its own folder.
export CCACHE_BASEDIR=$work

step() { printf '\n== %s\n' "$*"; }

# Installed into one folder, used from another: the package must be relocatable.
step "cmake --install $build --prefix $work/staged, then moved to $prefix"
cmake --install "$build" --prefix "$work/staged" > "$work/install.log" ||
    { cat "$work/install.log"; exit 1; }
mv "$work/staged" "$prefix"
# What must not be there: the build tree's links, tests, tools, the demo app, msgpack.
if find "$prefix" -type l | grep -q .; then
    echo "FAIL: symbolic links installed:"; find "$prefix" -type l; exit 1
fi
if grep -rlE 'msgpack|sio_warnings|/\.deps/|staged|'"$root" "$prefix/lib/cmake" "$prefix/lib/pkgconfig"; then
    echo "FAIL: the installed package refers to build-only things or to the source tree"; exit 1
fi
if grep -rl '#include <msgpack' "$prefix/include"; then
    echo "FAIL: an installed header includes msgpack"; exit 1
fi
[ -d "$prefix/include/app" ] && { echo "FAIL: src/app installed"; exit 1; }
for layer in core http engineio protocol adapter redis cluster socketio; do
    [ -f "$prefix/lib/libsio_$layer.a" ] || { echo "FAIL: no lib/libsio_$layer.a"; exit 1; }
    ls "$prefix/include/sio/$layer/"*.hpp > /dev/null
done
# Every header an installed header includes is installed (src/CMakeLists.txt leaves some out).
missing=$(cd "$prefix/include" && find sio -name '*.hpp' -exec grep -ho '^#include "sio/[^"]*"' {} + |
    sed 's/^#include "\(.*\)"/\1/' | sort -u | while read -r h; do [ -f "$h" ] || echo "$h"; done)
[ -z "$missing" ] || { echo "FAIL: installed headers include headers not installed: $missing"; exit 1; }
echo "installed: $(find "$prefix/include" -name '*.hpp' | wc -l) headers," \
    "$(find "$prefix/lib" -maxdepth 1 -name '*.a' | wc -l) libraries"

launcher=()
[ -n "${SIO_LAUNCHER:-}" ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$SIO_LAUNCHER")
for example in hello chat; do
    step "examples/$example against the installed package"
    # A fresh configure with nothing from the build tree: no cache, no package registry.
    cmake -S "$root/examples/$example" -B "$work/build-$example" -G Ninja \
        -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
        -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        "${launcher[@]}" > "$work/configure-$example.log" ||
        { cat "$work/configure-$example.log"; exit 1; }
    grep -q "socketio_cpp_DIR:PATH=$prefix/" "$work/build-$example/CMakeCache.txt" ||
        { echo "FAIL: socketio_cpp was not found in $prefix"; exit 1; }
    cmake --build "$work/build-$example" --parallel 2
done

step "socketio_cpp::cluster alone, and the version file"
cmake -S "$root/tests/install/emitter_only" -B "$work/build-emitter" -G Ninja \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    "${launcher[@]}" | grep 'socketio_cpp'
cmake --build "$work/build-emitter" --parallel 2
link=$(ninja -C "$work/build-emitter" -t commands emitter_only | tail -n 1)
if ! grep -q 'libsio_cluster\.a' <<< "$link" || grep -qE 'libsio_(socketio|engineio|http)\.a' <<< "$link"; then
    echo "FAIL: socketio_cpp::cluster should link the cluster layer and not the server's: $link"
    exit 1
fi
emitted=$("$work/build-emitter/emitter_only")
echo "$emitted"
if ! grep -q '^socket\.io#/#room-A# ' <<< "$emitted" ||
    ! grep -q '^socket\.io-request#/admin# ' <<< "$emitted"; then
    echo "FAIL: the emitter did not publish on the channels Node's emitter uses"; exit 1
fi

step "pkg-config --cflags --libs socketio_cpp"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pc_cflags=$(pkg-config --cflags socketio_cpp)
pc_libs=$(pkg-config --libs socketio_cpp)
echo "$pc_cflags $pc_libs"
[ "$(pkg-config --modversion socketio_cpp)" = "$(sed -n 's/^#define SIO_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/sio/version.hpp")" ] ||
    { echo "FAIL: the .pc file's version is not sio/version.hpp's"; exit 1; }
# The hello example again, compiled and linked with those flags alone.
# shellcheck disable=SC2086 # the flags are words
"${SIO_LAUNCHER:-env}" "$cxx" -std=c++20 $cxx_flags $pc_cflags -c "$root/examples/hello/main.cpp" \
    -o "$work/hello-pc.o"
# shellcheck disable=SC2086
"$cxx" $linker_flags "$work/hello-pc.o" $pc_libs -o "$work/hello-pc"

step "the examples with socket.io-client"
cd "$root/tests/js"
SIO_EXAMPLE_HELLO="$work/build-hello/hello:$work/hello-pc" SIO_EXAMPLE_CHAT="$work/build-chat/chat" \
    "$node" --test install_examples.test.mjs
