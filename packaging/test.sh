#!/usr/bin/env bash
# README command (b): install, build, and run the whole test suite headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build.sh
# Two test processes share two cores: LibTorch's OpenMP workers must sleep, not spin, while
# they wait (BENCHMARKS.md, "OpenMP wait policy").
OMP_WAIT_POLICY=PASSIVE QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j2 --timeout 1200
