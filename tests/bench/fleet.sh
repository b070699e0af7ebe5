#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The console's monitoring core at fleet scale: N simulated agents (one process serving N loopback
# endpoints, bench_fleetsim), every node polled at 1 s, the window showing the Overview offscreen.
# Prints, per N, the polls completed per second, the UI event loop's lateness (p50, p99, max of a
# 20 ms timer), the console's RSS and CPU. Target: N=500 with lag p99 < 50 ms and RSS < 400 MB.
#   RUNE_BUILD_DIR      build directory (default: build/)
#   RUNE_FLEET_SIZES    node counts (default "100 500 1000")
#   RUNE_FLEET_SECONDS  measured seconds per size, after 10 s of warm-up (default 30)
#   RUNE_FLEET_PANE     overview (default) or scaling: the Scaling pane with a function in detail
#   RUNE_FLEET_FUNCTIONS  functions per node (default 2)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${RUNE_BUILD_DIR:-$here/build}
cmake --build "$build_dir" -j "${RUNE_JOBS:-2}" --target bench_fleet bench_fleetsim >/dev/null
echo "fleet benchmark on $(nproc) cores: every node polled at 1 s"
for n in ${RUNE_FLEET_SIZES:-100 500 1000}; do
  "$build_dir/tests/bench_fleet" "$n" "${RUNE_FLEET_SECONDS:-30}" 10 "${RUNE_FLEET_PANE:-overview}" \
    "${RUNE_FLEET_FUNCTIONS:-2}"
done
