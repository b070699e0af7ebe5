#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Provisioning time for 1 node and for 3 nodes in parallel, and exec on a reused SSH session vs.
# a new connection per command, side by side. Needs root (it builds the namespaced test cluster of
# tests/cluster/testcluster.sh) and a build with the tests (installers/setup.sh build).
#   RUNE_BUILD_DIR   build directory (default: build/)
#   RUNE_BENCH_ROUNDS rounds per provisioning figure (default 3; the median is printed)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${RUNE_BUILD_DIR:-$here/build}
cmake --build "$build_dir" -j "${RUNE_JOBS:-2}" --target bench_provision rune-agent >/dev/null
if [ "$(id -u)" -ne 0 ]; then
  echo "provision.sh: skipped, needs root (network namespaces, sshd, test users)"
  exit 0
fi
exec "$build_dir/tests/bench_provision"
