#!/usr/bin/env bash
# Fails when a C++ file of the project is not clang-formatted (.clang-format at the top).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
    'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'tools/*.cpp' 'tools/*.hpp' \
    'examples/*.cpp')
[ ${#files[@]} -gt 0 ] || { echo "check-format: no files"; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
