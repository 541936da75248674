#!/usr/bin/env bash
# README command (a): install, build, then open the GUI on the bundled demo. Without a
# display it runs the headless demo flow of calibscope-cli instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/build.sh
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec ./build/app/calibscope "$@"
fi
echo "No display found: running the headless demo (calibscope-cli demo)."
exec ./build/app/calibscope-cli demo "$@"
