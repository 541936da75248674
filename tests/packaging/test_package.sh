#!/usr/bin/env bash
# Packaging test (issue 9): builds the .deb from the built tree with CPack, checks its control
# fields and contents, unpacks it with dpkg-deb -x into a scratch root (no root install) and runs
# both programs from the unpacked files: calibscope-cli --version/--help/inspect and a headless
# GUI start that loads a model. Then validates the installed .desktop entry, AppStream metadata,
# icons, translation and man pages.
#
# usage: test_package.sh BUILD_DIR VERSION DEMO_MODEL WORK_DIR
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 BUILD_DIR VERSION DEMO_MODEL WORK_DIR" >&2
  exit 2
fi
build_dir=$1
version=$2
demo_model=$3
work=$4

app_id=io.github.calibscope.calibscope
failures=0
checks=0

step() { echo; echo "== $*"; }
pass() { checks=$((checks + 1)); echo "ok:   $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
die() { echo "FAIL: $*"; echo "packaging test: stopped after $checks checks"; exit 1; }
# check DESCRIPTION COMMAND...: runs the command, passes if it exits 0.
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
# check_none DESCRIPTION PROBLEM ITEM...: passes when no item is given, else fails with the
# problem followed by the items.
check_none() {
  local what=$1 problem=$2
  shift 2
  if [ $# -eq 0 ]; then pass "$what"; else fail "$problem $*"; fi
}

[ -f "$build_dir/CPackConfig.cmake" ] || die "$build_dir/CPackConfig.cmake missing (configure the project first)"
[ -f "$demo_model" ] || die "demo model $demo_model missing (fixture_make_demo makes it)"

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

# ---------------------------------------------------------------------------------------------
step "build the package: cpack -G DEB"
start=$SECONDS
if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/cpack" > "$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  die "cpack failed"
fi
arch=$(dpkg --print-architecture)
deb="$work/cpack/calibscope_${version}_${arch}.deb"
[ -f "$deb" ] || { ls -l "$work/cpack"; die "cpack did not write $deb"; }
pass "cpack wrote $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $((SECONDS - start)) s"

# ---------------------------------------------------------------------------------------------
step "control fields"
dpkg-deb --info "$deb" | sed -n '/^ Package:/,$p'
field() { dpkg-deb --field "$deb" "$1"; }
check "Package is calibscope" test "$(field Package)" = calibscope
check "Version is $version" test "$(field Version)" = "$version"
check "Architecture is $arch" test "$(field Architecture)" = "$arch"
check "Maintainer is set" test -n "$(field Maintainer)"
check "Description is set" test -n "$(field Description)"
depends=$(field Depends)
# The package names of Depends, one a line (alternatives and version constraints dropped).
depends_names=$(tr ',|' '\n\n' <<<"$depends" | awk 'NF {print $1}')
for needed in libc6 libstdc++6 libtorch libqt6core6 libqt6gui6 libqt6widgets6 libqcustomplot2.1-qt6 \
              libopencv-core libopencv-imgcodecs libspdlog qt6-qpa-plugins; do
  found=0
  while read -r name; do
    [[ $name == "$needed"* ]] && found=1
  done <<<"$depends_names"
  if [ $found -eq 1 ]; then pass "Depends names $needed"; else fail "Depends names $needed (Depends: $depends)"; fi
done
# An optimized BLAS: one group of alternatives naming OpenBLAS and none naming the reference
# BLAS (libblas3), so that installing the package never settles for the slow one.
blas_group=$(tr ',' '\n' <<<"$depends" | grep 'libopenblas0-pthread' || true)
check "Depends has an optimized-BLAS group ($blas_group)" test -n "$blas_group"
check "the BLAS group excludes the reference BLAS" bash -c '! grep -qw libblas3 <<<"$1"' _ "$blas_group"
# Every dependency must be satisfiable on this machine, i.e. the package is installable here:
# an installed package of that name and version, or one that provides it (libspdlog1.10
# provides libspdlog1.10-fmt9, which dpkg-shlibdeps asks for).
provided=$(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' | awk '$1 == "ii" {$1 = ""; print}' |
           tr ',' '\n' | awk 'NF {print $1}' | sort -u)
unsatisfied=()
IFS=',' read -r -a groups <<<"$depends"
for group in "${groups[@]}"; do
  satisfied=0
  IFS='|' read -r -a alternatives <<<"$group"
  for alternative in "${alternatives[@]}"; do
    name=$(awk '{print $1}' <<<"$alternative")
    constraint=$(sed -n 's/.*(\(.*\)).*/\1/p' <<<"$alternative")
    installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$name" 2>/dev/null | sed -n 's/^ii *//p') || true
    if [ -z "$installed" ]; then
      if [ -z "$constraint" ] && grep -qxF "$name" <<<"$provided"; then satisfied=1; break; fi
      continue
    fi
    if [ -n "$constraint" ]; then
      op=$(awk '{print $1}' <<<"$constraint")
      ver=$(awk '{print $2}' <<<"$constraint")
      case $op in
        '>=') op=ge ;; '<=') op=le ;; '>>') op=gt ;; '<<') op=lt ;; '=') op=eq ;;
      esac
      dpkg --compare-versions "$installed" "$op" "$ver" || continue
    fi
    satisfied=1
    break
  done
  [ $satisfied -eq 1 ] || unsatisfied+=("$(xargs <<<"$group")")
done
check_none "all ${#groups[@]} dependencies are installed here" "dependencies not satisfied here:" "${unsatisfied[@]}"

# ---------------------------------------------------------------------------------------------
step "contents"
dpkg-deb --contents "$deb" > "$work/contents.txt"
expected=(
  ./usr/bin/calibscope
  ./usr/bin/calibscope-cli
  ./usr/share/applications/$app_id.desktop
  ./usr/share/metainfo/$app_id.metainfo.xml
  ./usr/share/mime/packages/$app_id.xml
  ./usr/share/icons/hicolor/scalable/apps/$app_id.svg
  ./usr/share/calibscope/translations/calibscope_zh_CN.qm
  ./usr/share/man/man1/calibscope.1.gz
  ./usr/share/man/man1/calibscope-cli.1.gz
  ./usr/share/doc/calibscope/README.md
  ./usr/share/doc/calibscope/copyright
)
png_sizes=(16 22 24 32 48 64 128 256)
for size in "${png_sizes[@]}"; do
  expected+=("./usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${expected[@]}"; do
  if awk '{print $6}' "$work/contents.txt" | grep -qxF "$path"; then pass "has $path"; else fail "has $path"; fi
done
if awk '$2 != "root/root"' "$work/contents.txt" | grep -q .; then
  fail "every file is owned by root/root"
else
  pass "every file is owned by root/root"
fi
if grep -E '^-' "$work/contents.txt" | awk '{print $6}' | grep -v '^\./usr/' | grep -q .; then
  fail "every file is under /usr"
else
  pass "every file is under /usr"
fi

# ---------------------------------------------------------------------------------------------
step "unpack into a scratch root (dpkg-deb -x)"
root="$work/root"
dpkg-deb -x "$deb" "$root"
bin="$root/usr/bin"
for exe in calibscope calibscope-cli; do
  check "$exe is executable" test -x "$bin/$exe"
  if readelf -d "$bin/$exe" | grep -E 'RPATH|RUNPATH' | grep -qF "$build_dir"; then
    fail "$exe has no RPATH into the build folder"
  else
    pass "$exe has no RPATH into the build folder"
  fi
  if ldd "$bin/$exe" | grep -q 'not found'; then
    ldd "$bin/$exe" | grep 'not found'
    fail "$exe: every shared library resolves"
  else
    pass "$exe: every shared library resolves"
  fi
  if file "$bin/$exe" | grep -q 'not stripped'; then fail "$exe is stripped"; else pass "$exe is stripped"; fi
done

# Run the unpacked programs in a clean environment: nothing of the build tree on any path.
mkdir -p "$work/home" "$work/runtime"
chmod 700 "$work/runtime"
clean_env=(env -i PATH="$bin:/usr/bin:/bin" HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache"
           XDG_RUNTIME_DIR="$work/runtime" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen)
run() {
  "${clean_env[@]}" "$@"
}

# ---------------------------------------------------------------------------------------------
step "calibscope-cli from the unpacked files"
out=$(run calibscope-cli --version) || true
check "calibscope-cli --version prints 'calibscope-cli $version'" test "$(head -n 1 <<<"$out")" = "calibscope-cli $version"
check "calibscope-cli --version names the BLAS" grep -q '^BLAS: ' <<<"$out"
check "calibscope-cli --version gives LibTorch's threads" grep -q '^LibTorch threads: [1-9]' <<<"$out"
if out=$(run calibscope-cli --help) && grep -q '^Usage: calibscope-cli' <<<"$out" && grep -q 'inspect' <<<"$out"; then
  pass "calibscope-cli --help"
else
  fail "calibscope-cli --help: $out"
fi
for command in calibrate evaluate export inspect make-demo demo; do
  out=$(run calibscope-cli "$command" --help 2>&1) && rc=0 || rc=$?
  if grep -q 'not available in this build' <<<"$out"; then
    echo "skip: calibscope-cli $command is not implemented in this build yet"
  elif [ $rc -eq 0 ] && grep -q -- '--threads' <<<"$out"; then
    pass "calibscope-cli $command --help (exit 0, lists --threads)"
  else
    fail "calibscope-cli $command --help (exit 0, lists --threads): $out"
  fi
done
set +e
run calibscope-cli no-such-command > /dev/null 2>&1
rc=$?
set -e
check "an unknown command exits 2" test $rc -eq 2

set +e
run calibscope-cli inspect --model "$demo_model" > "$work/inspect.txt" 2> "$work/inspect.err"
rc=$?
set -e
cat "$work/inspect.txt" "$work/inspect.err"
if [ $rc -eq 0 ] && grep -q 'block1.add' "$work/inspect.txt"; then
  pass "calibscope-cli inspect --model demo.pt"
else
  fail "calibscope-cli inspect --model demo.pt (exit $rc)"
fi
if run calibscope-cli inspect --model "$demo_model" --format json > "$work/inspect.json" &&
   /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); ops=d["ops"] if isinstance(d,dict) else d; assert len(ops) > 10, len(ops)' \
     "$work/inspect.json"; then
  pass "calibscope-cli inspect --format json is JSON with the ops"
else
  fail "calibscope-cli inspect --format json is JSON with the ops"
fi
set +e
err=$(run calibscope-cli inspect --model "$work/missing.pt" 2>&1 >/dev/null)
rc=$?
set -e
if [ $rc -eq 1 ] && [ "$(wc -l <<<"$err")" -eq 1 ] && grep -qF "missing.pt" <<<"$err"; then
  pass "a missing model: exit 1, one line naming the file"
else
  fail "a missing model: exit 1, one line naming the file (exit $rc: $err)"
fi

# ---------------------------------------------------------------------------------------------
step "calibscope (GUI) from the unpacked files, headless"
out=$(run calibscope --version 2>/dev/null) || true
check "calibscope --version prints 'calibscope $version'" test "$out" = "calibscope $version"
if out=$(run calibscope --help 2>/dev/null) && grep -q -- '--language' <<<"$out"; then
  pass "calibscope --help"
else
  fail "calibscope --help: $out"
fi

# start_gui LOG ARGS...: starts the GUI in the background (pid in $gui_pid). The background
# subshell execs env, which execs calibscope, so $! is the pid of calibscope itself: a signal to
# it reaches the GUI, not a shell that would leave the GUI running as an orphan.
gui_pid=
start_gui() {
  local log=$1
  shift
  (exec "${clean_env[@]}" calibscope "$@") > "$log" 2>&1 &
  gui_pid=$!
}
# stop_gui: ends the GUI started by start_gui (TERM, then KILL after 10 s); returns 0 if it was
# still running.
stop_gui() {
  [ -n "$gui_pid" ] || return 1
  local pid=$gui_pid i
  gui_pid=
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 0
  fi
  wait "$pid" 2>/dev/null || true
  return 1
}
# Whatever way the script ends (a failed check, die, set -e, a signal), no GUI outlives it.
trap 'stop_gui || true' EXIT
trap 'exit 130' INT TERM
# wait_for LOG PATTERN SECONDS: polls LOG until PATTERN appears, the GUI exits or time runs out.
wait_for() {
  local log=$1 pattern=$2 seconds=$3 i
  for ((i = 0; i < seconds * 4; i++)); do
    grep -qE "$pattern" "$log" && return 0
    kill -0 "$gui_pid" 2>/dev/null || { grep -qE "$pattern" "$log"; return; }
    sleep 0.25
  done
  return 1
}

if run calibscope --help 2>/dev/null | grep -q -- '--quit-after-load'; then
  # The GUI can tell by itself that the model loaded: exit status 0.
  set +e
  run timeout 120 calibscope --quit-after-load "$demo_model" > "$work/gui.log" 2>&1
  rc=$?
  set -e
  cat "$work/gui.log"
  check "calibscope --quit-after-load demo.pt exits 0" test $rc -eq 0
else
  # Start it, wait for the loader's "Loaded <model>" log line, check that no error was logged
  # and that it is still running a second later, then end it.
  start_gui "$work/gui.log" "$demo_model"
  loaded=0
  wait_for "$work/gui.log" "\[info\] Loaded .*demo\.pt" 60 && loaded=1
  sleep 1
  alive=0
  stop_gui && alive=1
  cat "$work/gui.log"
  check "calibscope demo.pt logs 'Loaded ...demo.pt'" test $loaded -eq 1
  check "calibscope demo.pt is still running after the load" test $alive -eq 1
  if grep -qE '\[(error|critical)\]' "$work/gui.log"; then fail "calibscope demo.pt logs no error"; else pass "calibscope demo.pt logs no error"; fi
fi
# The same start on a missing model must report the error (this is what makes the check above
# meaningful: a load failure shows up in the log).
start_gui "$work/gui-missing.log" "$work/missing.pt"
reported=0
wait_for "$work/gui-missing.log" "\[error\] .*missing\.pt" 30 && reported=1
stop_gui || true
check "calibscope missing.pt logs the error" test $reported -eq 1
# Every GUI this test started has ended: no process runs the unpacked calibscope.
left=()
for exe in /proc/[0-9]*/exe; do
  [ "$(readlink "$exe" 2>/dev/null)" = "$bin/calibscope" ] && left+=("$(basename "$(dirname "$exe")")")
done
check_none "no calibscope started by this test is still running" \
  "calibscope started by this test still running: pid" "${left[@]}"

# ---------------------------------------------------------------------------------------------
step "desktop entry, AppStream metadata, icons"
desktop="$root/usr/share/applications/$app_id.desktop"
metainfo="$root/usr/share/metainfo/$app_id.metainfo.xml"
if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
  pass "desktop-file-validate (no error, warning or hint)"
else
  fail "desktop-file-validate: $out"
fi
if out=$(appstreamcli validate --no-net --pedantic "$metainfo" 2>&1); then
  pass "appstreamcli validate --no-net --pedantic"
else
  fail "appstreamcli validate --no-net --pedantic: $out"
fi
if out=$(appstreamcli validate-tree --no-net "$root" 2>&1); then
  pass "appstreamcli validate-tree --no-net (metainfo + desktop entry of the unpacked tree)"
else
  fail "appstreamcli validate-tree --no-net: $out"
fi
# The session MIME type: the desktop entry handles it, and shared-mime-info maps *.cscope to it.
mime_type=application/x-calibscope-session
check "the desktop entry handles $mime_type" grep -q "^MimeType=.*$mime_type;" "$desktop"
mkdir -p "$work/mime/packages"
cp "$root/usr/share/mime/packages/$app_id.xml" "$work/mime/packages/"
if out=$(XDG_DATA_HOME="$work" update-mime-database "$work/mime" 2>&1) && [ -z "$out" ] &&
   grep -qxF "50:$mime_type:*.cscope" "$work/mime/globs2"; then
  pass "update-mime-database maps *.cscope to $mime_type"
else
  fail "update-mime-database maps *.cscope to $mime_type: $out"
fi
exec_cmd=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
check "the desktop entry's Exec ($exec_cmd) is an installed program" test -x "$bin/$exec_cmd"
icon=$(sed -n 's/^Icon=//p' "$desktop")
check "the desktop entry's Icon is $app_id" test "$icon" = "$app_id"
check "the SVG icon is SVG" grep -q '<svg' "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg"
# PNG width and height: big-endian 32-bit integers at bytes 16 and 20 of the IHDR chunk.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }
for size in "${png_sizes[@]}"; do
  png="$root/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png"
  if [ -f "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] &&
     [ "$(png_size "$png")" = "${size}x${size}" ]; then
    pass "the ${size}x${size} icon is a ${size}x${size} PNG"
  else
    fail "the ${size}x${size} icon is a ${size}x${size} PNG"
  fi
done

# ---------------------------------------------------------------------------------------------
step "translation and man pages"
qm="$root/usr/share/calibscope/translations/calibscope_zh_CN.qm"
# Qt's .qm magic number: 3c b8 64 18 ca ef 9c 95 cd 21 1c bf 60 a1 bd dd.
if [ -s "$qm" ] && [ "$(head -c 16 "$qm" | od -An -tx1 | tr -d ' \n')" = 3cb86418caef9c95cd211cbf60a1bddd ]; then
  pass "calibscope_zh_CN.qm is a Qt translation"
else
  fail "calibscope_zh_CN.qm is a Qt translation"
fi
for page in calibscope calibscope-cli; do
  man="$root/usr/share/man/man1/$page.1.gz"
  if gzip -t "$man" && out=$(zcat "$man" | LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1) && [ -z "$out" ] &&
     zcat "$man" | grep -q "^\.SH NAME" && zcat "$man" | grep -q "^$page \\\\-"; then
    pass "man page $page(1) is gzipped and renders without warnings"
  else
    fail "man page $page(1) is gzipped and renders without warnings: $out"
  fi
done

# Every option that a subcommand's --help lists is documented in calibscope-cli(1).
man_text=$(zcat "$root/usr/share/man/man1/calibscope-cli.1.gz" | sed 's/\\-/-/g')
for command in calibrate evaluate export inspect make-demo demo; do
  help=$(run calibscope-cli "$command" --help 2>/dev/null) || continue
  missing=()
  for option in $(grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' <<<"$help" | grep -oE -- '--[a-z0-9-]+' | sort -u); do
    grep -qE -- "${option}([^a-z0-9-]|\$)" <<<"$man_text" || missing+=("$option")
  done
  check_none "calibscope-cli(1) documents every option of '$command --help'" \
    "calibscope-cli(1) documents every option of '$command --help'; add to packaging/calibscope-cli.1:" "${missing[@]}"
done

echo
echo "packaging test: $((checks - failures)) passed, $failures failed"
if [ $failures -ne 0 ]; then
  echo "(the package and the unpacked tree are kept in $work)"
  exit 1
fi
rm -rf "$root" "$work/cpack/_CPack_Packages"
