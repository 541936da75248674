#!/usr/bin/env bash
# Installs the dependencies and builds calibscope into ./build (RelWithDebInfo, Ninja).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
cmake --preset default > build-configure.log || { cat build-configure.log; exit 1; }
cmake --build --preset default
