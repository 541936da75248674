#!/usr/bin/env bash
# README command (b): install, build, and run the whole test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build.sh
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j2 --timeout 1200
