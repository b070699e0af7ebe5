#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One command for a fresh Debian 12 machine: installs what is missing, builds, then
#   run   starts the console on the local demo cluster (extra arguments go to the console)
#   test  runs the whole test suite: the GUI tests in the console's own build, then core, the
#         agent, their tests and the fuzzers built with AddressSanitizer and UBSan (clang 19)
#   build only builds
#   bench runs the benchmarks in tests/bench/
#   package builds the .deb packages of the console and the agent (rune_*.deb, rune-agent_*.deb)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${RUNE_BUILD_DIR:-$here/build}
core_build_dir=${RUNE_CORE_BUILD_DIR:-$here/build-core}
gui_build_dir=${RUNE_GUI_BUILD_DIR:-$here/build-gui}
jobs=${RUNE_JOBS:-2}
# One test more than the builds' jobs: tests spend much of their time waiting for the agents and
# programs they start. The sanitized tests kept 2 cores 74 % busy two at a time (538 s) and 85 %
# three at a time (426 s).
test_jobs=${RUNE_TEST_JOBS:-$((jobs + 1))}

# What building the console and the agent, and running them on the demo cluster, need (`run`):
# the compilers (clang for the console, g++ for the portable agent), the libraries, debootstrap
# and objdump for the portable agent, and the programs the demo starts (Mosquitto, HAProxy, python3
# functions, sysbench benchmarks).
run_packages=(g++ clang-19 lld cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-webengine-dev qt6-webchannel-dev libqt6sql6-sqlite libqt6svg6
  libssh-dev nlohmann-json3-dev libboost-dev libarchive-dev libpaho-mqtt-dev libsqlite3-dev
  debootstrap binutils openssh-client mosquitto haproxy python3 sysbench iproute2 procps util-linux)
# And what the tests, the sanitized build, the benchmarks and the packages need besides.
packages=("${run_packages[@]}" libclang-rt-19-dev llvm-19 git clang-format
  xvfb xauth openssh-server sudo mosquitto-clients prometheus wrk curl dpkg-dev file)

# The Debian 11 root the agent the console installs on nodes is built against (glibc 2.31, its kernel
# headers and static libraries: the agent then runs on Debian 11, Ubuntu 20.04 and anything newer),
# and its test runs in (bullseye's python3). Made once with debootstrap and kept; a root whose making
# did not finish has no marker and is made again.
bullseye_root=${RUNE_BULLSEYE_ROOT:-/var/cache/rune/bullseye}
bullseye_packages=libc6-dev,linux-libc-dev,python3,libarchive-dev,zlib1g-dev,libpaho-mqtt-dev,libsqlite3-dev
bullseye_layout="$bullseye_packages relative-links" # what the marker holds: a change remakes the root
debian_mirror=${RUNE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

usage() {
  echo "usage: installers/setup.sh run|test|build|bench|package [console arguments...]" >&2
  exit 2
}

# missing_packages NAMES...: those not installed, and node/npm when missing.
missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node and npm may come from Debian or from another Node.js distribution; either will do.
  # They build the code editor: the build itself runs `npm ci` on resources/editor's lock file
  # (once per lock file, into the build tree) and bundles CodeMirror with esbuild.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  echo "${missing[@]}"
}

# The CodeMirror editor needs node 18 or newer (esbuild); with an older one the build falls
# back to the native editor, and says so when it configures.
check_node() {
  local major
  major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
  if [ -n "$major" ] && [ "$major" -lt 18 ]; then
    echo "rune: node $(node --version) is older than 18: the console gets the native code editor, not CodeMirror" >&2
  fi
}

# install_packages [NAMES...]: installs those missing (all the packages when none given).
install_packages() {
  local missing
  if [ $# -eq 0 ]; then
    set -- "${packages[@]}"
  fi
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "rune: these Debian packages are missing. Install them as root, then run this again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
  echo "rune: installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
}

# A link to an absolute path (lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-2.31.so) points
# into this machine, not the root, when the linker uses the root as its sysroot: made relative.
relative_library_links() {
  local link target
  find "$1/usr/lib64" "$1/usr/lib/x86_64-linux-gnu" -maxdepth 1 -type l -lname '/*' -print0 |
    while IFS= read -r -d '' link; do
      target=$(readlink "$link")
      ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$1$target")" "$link"
    done
}

# The Debian 12 root the package test installs both packages in (tests/packages/debian.sh), with the
# console's runtime libraries preinstalled so that `apt-get install ./*.deb` there needs no network.
# Made once like the Debian 11 root; the test mounts an overlay over it and never changes it.
bookworm_root=${RUNE_BOOKWORM_ROOT:-/var/cache/rune/bookworm}
bookworm_packages=libqt6core6,libqt6gui6,libqt6widgets6,libqt6network6,libqt6sql6,libqt6sql6-sqlite,libqt6concurrent6
bookworm_packages+=,libqt6charts6,libqt6webenginewidgets6,libqt6webenginecore6,libqt6webchannel6,libqt6svg6
bookworm_packages+=,qt6-qpa-plugins,libssh-4
# An SSH server: the test also provisions the root as a Debian node, the way the console does.
bookworm_packages+=,openssh-server
bookworm_layout=$bookworm_packages

# make_root NAME SUITE ROOT PACKAGES LAYOUT: debootstrap SUITE into ROOT once; the marker file holds
# LAYOUT, and a root whose making did not finish, or of another layout, is made again.
make_root() {
  local name=$1 suite=$2 root=$3 include=$4 layout=$5
  local marker=$root/.rune-root partial=$root.partial
  root_is_ready "$root" "$layout" && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "rune: the $name root ($root) is missing or incomplete." >&2
    echo "  Make it once as root (debootstrap): sudo installers/setup.sh $cmd" >&2
    exit 1
  fi
  # A test that died with its mounts in place would have rm follow them into the host.
  if grep -q " $root[/ ]\| $partial[/ ]" /proc/mounts; then
    echo "rune: something is mounted inside $root; unmount it first" >&2
    exit 1
  fi
  echo "rune: making the $name root $root (debootstrap from $debian_mirror, once)"
  rm -rf --one-file-system "$partial"
  mkdir -p "$(dirname "$root")"
  if ! debootstrap --variant=minbase --include="$include" "$suite" "$partial" "$debian_mirror" \
    >"$partial.log" 2>&1; then
    tail -n 20 "$partial.log" >&2
    echo "rune: debootstrap failed (whole log: $partial.log)" >&2
    exit 1
  fi
  [ "$suite" != bullseye ] || relative_library_links "$partial"
  rm -rf --one-file-system "$root"
  mv "$partial" "$root"
  rm -f "$partial.log"
  echo "$layout" >"$marker"
}

# root_is_ready ROOT LAYOUT: made, complete, of that layout.
root_is_ready() {
  [ -f "$1/.rune-root" ] && [ "$(cat "$1/.rune-root")" = "$2" ]
}

ensure_bullseye_root() {
  make_root "Debian 11" bullseye "$bullseye_root" "$bullseye_packages" "$bullseye_layout"
}

# wait_for_background PID LOG: the job's output, and its exit status.
wait_for_background() {
  local status=0
  wait "$1" || status=$?
  cat "$2"
  rm -f "$2"
  return $status
}

ensure_bookworm_root() {
  make_root "Debian 12" bookworm "$bookworm_root" "$bookworm_packages" "$bookworm_layout"
}

ensure_roots() {
  ensure_bullseye_root && ensure_bookworm_root
}

configure() {
  local dir=$1
  shift
  check_node
  cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
}

configure_and_build() {
  configure "$@"
  cmake --build "$1" -j "$jobs"
}

# Runs a step and says how long it took; phases_summary lists them all at the end (where the
# time of a first run or of CI goes).
phases=()
current_phase=""
timed() {
  local start=$SECONDS status=0
  current_phase=$1
  shift
  "$@" || status=$?
  if [ $status -ne 0 ]; then
    phases+=("$(printf '%6d s  %s: failed' $((SECONDS - start)) "$current_phase")")
    current_phase=""
    return $status
  fi
  phases+=("$(printf '%6d s  %s' $((SECONDS - start)) "$current_phase")")
  echo "rune: $current_phase took $((SECONDS - start)) s"
  current_phase=""
}

# Work started in the background (a Debian root): stopped if the command ends first.
background_jobs=()
# in_background COMMAND...: starts it with its output kept aside; background_job and
# background_log name it for wait_for_background.
in_background() {
  background_log=$(mktemp)
  "$@" >"$background_log" 2>&1 &
  background_job=$!
  background_jobs+=("$background_job")
}
stop_background_jobs() {
  local job
  for job in "${background_jobs[@]}"; do
    kill "$job" 2>/dev/null || true
  done
}

# At the end, also when a step failed (set -e leaves through here).
phases_summary() {
  [ ${#phases[@]} -gt 0 ] || [ -n "$current_phase" ] || return 0
  echo "rune: time by phase"
  [ ${#phases[@]} -eq 0 ] || printf '  %s\n' "${phases[@]}"
  [ -z "$current_phase" ] || echo "  $current_phase: failed"
  printf '  %6d s  in all\n' "$SECONDS"
}
trap 'stop_background_jobs; phases_summary' EXIT

# The console's build (`run` builds and starts it; the test command runs there the GUI tests, the
# layout check, the portable agent's tests (its linkage, and the agent in a Debian 11 root) and the
# packages' test (both .deb files installed in Debian 12 and 11 roots)). The portable agent, built
# optimised with g++ in its own build directory, is the one the GUI tests start: it is what the
# console installs, and this build then compiles no other agent. A debug build, so assertions are
# on, unoptimised and with line tables only, with clang 19, which compiles the console in less
# processor time than g++ (tests/bench/buildtime.sh).
gui_compiler=clang++-19
gui_tests='^(gui_tst_.*|format_check|moc_includes_check|portable_tst_.*|packages_tst_.*)$'
gui_test_targets=(gui_tests portable_tests packages_tst_debian) # the programs those tests run
gui_test_options=(-DCMAKE_CXX_COMPILER="$gui_compiler" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1")

# The agent the console installs on nodes: built against the Debian 11 root (cmake/portableagent.cmake).
portable_options=("-DRUNE_PORTABLE_SYSROOT=$bullseye_root" "-DRUNE_BOOKWORM_ROOT=$bookworm_root")

# The sanitized build: clang 19 (libFuzzer and the sanitizers' runtimes), without any widget module
# (which keeps the layers honest), ASan+UBSan and the fuzzers. A debug build, so assertions (the
# project's, Qt's, Boost's) are on too; unoptimised with line tables only, which builds in less
# than half the time of -O1 and still names the file and line of every frame of a report.
sanitized_compiler=clang++-19
sanitized_options=(-DRUNE_GUI=OFF -DCMAKE_CXX_COMPILER="$sanitized_compiler" -DRUNE_SANITIZE=ON -DRUNE_FUZZ=ON
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -gline-tables-only")

# CMake cannot switch the compiler of a configured build directory: one configured with another
# (an older build-core/ built with g++) is configured afresh.
forget_other_compiler() {
  local cache=$1/CMakeCache.txt
  [ -f "$cache" ] || return 0
  grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=.*$2\$" "$cache" || rm -rf "$cache" "$1/CMakeFiles"
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

case "$cmd" in
run)
  timed "installing packages" install_packages "${run_packages[@]}"
  # The test command's console build: clang, unoptimised, it compiles in 41 % of the processor
  # time of g++ at -O2 with debug information (tests/bench/buildtime.sh). The window's work is
  # Qt's, optimised in Debian's libraries; the agent that runs functions is the optimised portable
  # one; and `test` then reuses this build. Only what it starts: the console, and the agent it
  # installs on nodes and runs on the demo cluster.
  forget_other_compiler "$gui_build_dir" "$gui_compiler"
  if root_is_ready "$bullseye_root" "$bullseye_layout"; then
    timed "configuring $gui_build_dir" configure "$gui_build_dir" "${gui_test_options[@]}" "${portable_options[@]}"
    timed "building the console and the agent" cmake --build "$gui_build_dir" -j "$jobs" --target rune rune-agent-portable
  else
    # Only the agent needs the Debian 11 root, and making it is mostly downloads: on a first run
    # it is made while the console compiles, and the agent is configured and built after.
    [ "$(id -u)" -eq 0 ] || ensure_bullseye_root # says how to make it, and stops
    in_background ensure_bullseye_root
    timed "configuring $gui_build_dir" configure "$gui_build_dir" "${gui_test_options[@]}" -DRUNE_PORTABLE_SYSROOT=
    timed "building the console" cmake --build "$gui_build_dir" -j "$jobs" --target rune
    timed "waiting for the Debian 11 root" wait_for_background "$background_job" "$background_log"
    timed "configuring $gui_build_dir for the agent" configure "$gui_build_dir" "${portable_options[@]}"
    timed "building the agent" cmake --build "$gui_build_dir" -j "$jobs" --target rune-agent-portable
  fi
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "rune: no display (DISPLAY/WAYLAND_DISPLAY unset). Run it from a desktop session," >&2
    echo "      or try it headless: QT_QPA_PLATFORM=offscreen installers/setup.sh run" >&2
    exit 2
  fi
  if [ "$(id -u)" -eq 0 ]; then
    export QTWEBENGINE_DISABLE_SANDBOX=1 # Chromium refuses to run as root with its sandbox
  fi
  # The portable agent, for the nodes and the demo alike (it runs on this machine's glibc too).
  phases_summary
  trap - EXIT
  exec "$gui_build_dir/app/rune" --agent-binary "$gui_build_dir/portable-agent/remote-agent/rune-agent" "$@"
  ;;
test)
  timed "installing packages" install_packages
  # The Debian roots are mostly downloads (once): made while the sanitized build compiles. Only
  # the console's build, after it, needs them.
  [ "$(id -u)" -eq 0 ] || ensure_roots # says how to make them, and stops, when missing
  in_background ensure_roots
  forget_other_compiler "$core_build_dir" "$sanitized_compiler"
  timed "configuring $core_build_dir" configure "$core_build_dir" "${sanitized_options[@]}"
  timed "building $core_build_dir" cmake --build "$core_build_dir" -j "$jobs"
  timed "waiting for the Debian 11 and 12 roots" wait_for_background "$background_job" "$background_log"
  # A failed test does not stop the other build's: both run, and the command fails after.
  failed=()
  timed "testing $core_build_dir" ctest --test-dir "$core_build_dir" --output-on-failure -j "$test_jobs" \
    -E '^format_check$' || failed+=("$core_build_dir")
  forget_other_compiler "$gui_build_dir" "$gui_compiler"
  timed "configuring $gui_build_dir" configure "$gui_build_dir" "${gui_test_options[@]}" "${portable_options[@]}"
  timed "building $gui_build_dir" cmake --build "$gui_build_dir" -j "$jobs" --target rune bench_fleet "${gui_test_targets[@]}"
  timed "testing $gui_build_dir" ctest --test-dir "$gui_build_dir" --output-on-failure -j "$test_jobs" \
    -R "$gui_tests" || failed+=("$gui_build_dir")
  if [ ${#failed[@]} -gt 0 ]; then
    echo "rune: tests failed in ${failed[*]}" >&2
    exit 1
  fi
  ;;
build)
  install_packages
  ensure_bullseye_root
  configure_and_build "$build_dir" "${portable_options[@]}"
  ;;
package)
  timed "installing packages" install_packages
  timed "checking the Debian 11 root" ensure_bullseye_root
  timed "configuring $build_dir" configure "$build_dir" "${portable_options[@]}"
  timed "building the packages" cmake --build "$build_dir" -j "$jobs" --target packages
  version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  echo "rune: the packages (install them with: sudo apt-get install ./rune_${version}_amd64.deb ./rune-agent_${version}_amd64.deb):"
  for deb in rune rune-agent; do
    echo "  $build_dir/packages/${deb}_${version}_amd64.deb"
  done
  echo "rune: for the console to install the agent package on Debian and Ubuntu nodes, set Settings >"
  echo "  Provisioning > Agent package (.deb) to $build_dir/packages/rune-agent_${version}_amd64.deb"
  ;;
bench)
  install_packages
  configure_and_build "$build_dir"
  for script in "$here"/tests/bench/*.sh; do
    [ -e "$script" ] || continue
    echo "== $script"
    RUNE_BUILD_DIR="$build_dir" bash "$script"
  done
  ;;
*)
  usage
  ;;
esac
