#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How much processor time a first `installers/setup.sh run` spends compiling the console: a clean
# build of the `rune` target as `run` configures it (debug, -O0 -g1, the test command's build)
# beside the same target at RelWithDebInfo (-O2 -g, how `run` built it before), each in a fresh
# build directory, without ccache, one after the other. Prints wall, user and system seconds of
# each and the ratio of their processor times. Takes about 30 minutes on 2 cores.
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
    'BEGIN { printf "  %-25s %7.0f s wall  %7.0f s CPU (%.0f user, %.0f system)\n", label, wall, user + sys, user, sys }'
}

echo "clean build of the rune target on $(nproc) cores, no ccache"
measure run -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" >"$work/run.result"
read -r run_wall run_user run_sys <"$work/run.result"
report "setup.sh run (-O0 -g1):" "$run_wall" "$run_user" "$run_sys"
measure release -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/release.result"
read -r rel_wall rel_user rel_sys <"$work/release.result"
report "RelWithDebInfo (-O2 -g):" "$rel_wall" "$rel_user" "$rel_sys"
awk -v a="$run_user" -v b="$run_sys" -v c="$rel_user" -v d="$rel_sys" \
  'BEGIN { printf "  processor time, run against RelWithDebInfo: %.2f\n", (a + b) / (c + d) }'
