#!/usr/bin/env bash
# Installs every Debian 12 package calibscope needs to build, run, test and show its demo.
# Idempotent and quick when everything is already present. Run as root or with sudo.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config file
  # Qt 6: Widgets, Concurrent, Test, LinguistTools; the offscreen/xcb platform plugins
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-translations-l10n libqt6opengl6-dev qt6-qpa-plugins libgl-dev
  # engine
  libtorch-dev libopencv-dev libspdlog-dev zlib1g-dev
  # an optimized BLAS for LibTorch's matrix products (the reference libblas3 is several times slower)
  libopenblas0-pthread
  # plots
  libqcustomplot-dev libqcustomplot2.1-qt6
  # demo data and PyTorch interop tests
  dataset-fashion-mnist python3 python3-torch python3-torchvision python3-numpy
  python3-onnx
  # headless GUI runs, screenshots with CJK text, packaging checks
  xvfb xauth fonts-dejavu-core fonts-noto-cjk desktop-file-utils appstream dpkg-dev
  # the .deb: icon PNGs rendered from the SVG; man page and MIME type checks
  librsvg2-bin groff-base shared-mime-info
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Installing OpenBLAS does not override a libblas.so.3 alternative that an administrator set by
# hand: say so when it still points at the reference BLAS.
check_blas_alternative() {
  local target
  target=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null) || return 0
  case $target in
    */blas/libblas.so.3*)
      echo "install-deps: warning: libblas.so.3 is the reference BLAS ($target); select OpenBLAS with" \
           "update-alternatives --config libblas.so.3-x86_64-linux-gnu" >&2 ;;
  esac
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  check_blas_alternative
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
check_blas_alternative
