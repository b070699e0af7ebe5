#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How much processor time a first `installers/setup.sh run` spends compiling the console: a clean
# build of the `rune` target as `run` configures it (clang 19, debug, -O0 -g1, the test command's
# build), beside the same configuration with g++ (how `run` built it before) and g++ at
# RelWithDebInfo (-O2 -g, before that), each in a fresh build directory, without ccache, one after
# the other. Prints wall, user and system seconds of each and their processor time against the
# first. Takes about 40 minutes on 2 cores.
#   RUNE_JOBS   parallel compile jobs (default 2)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/rune-buildtime.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CCACHE_DISABLE=1

# measure NAME CMAKE-ARGS...: configures a fresh build of NAME and prints "wall user sys" of building rune.
measure() {
  local name=$1
  shift
  cmake -S "$here" -B "$work/$name" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER= "$@" >"$work/$name.configure.log" 2>&1 ||
    { cat "$work/$name.configure.log" >&2; exit 1; }
  # bash's own time: wall, then the user and system seconds of the build and every compiler it ran.
  local TIMEFORMAT='%R %U %S'
  { time cmake --build "$work/$name" -j "${RUNE_JOBS:-2}" --target rune >"$work/$name.build.log" 2>&1; } 2>"$work/$name.time" ||
    { tail -n 30 "$work/$name.build.log" >&2; exit 1; }
  cat "$work/$name.time"
}

# report LABEL WALL USER SYS
report() {
  awk -v label="$1" -v wall="$2" -v user="$3" -v sys="$4" \
    'BEGIN { printf "  %-32s %7.0f s wall  %7.0f s CPU (%.0f user, %.0f system)\n", label, wall, user + sys, user, sys }'
}

echo "clean build of the rune target on $(nproc) cores, no ccache"
debug=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1")
measure run -DCMAKE_CXX_COMPILER=clang++-19 "${debug[@]}" >"$work/run.result"
measure gcc -DCMAKE_CXX_COMPILER=g++ "${debug[@]}" >"$work/gcc.result"
measure release -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/release.result"
read -r run_wall run_user run_sys <"$work/run.result"
for name in run gcc release; do
  read -r wall user sys <"$work/$name.result"
  case $name in
  run) label="setup.sh run (clang -O0 -g1):" ;;
  gcc) label="g++ -O0 -g1:" ;;
  release) label="g++ RelWithDebInfo (-O2 -g):" ;;
  esac
  report "$label" "$wall" "$user" "$sys"
  awk -v a="$user" -v b="$sys" -v c="$run_user" -v d="$run_sys" \
    'BEGIN { printf "    processor time against setup.sh run: %.2f\n", (a + b) / (c + d) }'
done
