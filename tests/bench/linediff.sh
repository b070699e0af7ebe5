#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The version diff (the Versions tab's compare of two versions) against GNU diff on the
# same files, in one run: unrelated texts (its worst case) and texts with one line in a hundred
# edited, at 1,000, 5,000 and 20,000 lines. Prints the median of five runs of each, in ms.
#   RUNE_BUILD_DIR       build directory (default: build/, optimised)
#   RUNE_LINEDIFF_SIZES  line counts (default "1000 5000 20000")
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${RUNE_BUILD_DIR:-$here/build}
cmake --build "$build_dir" -j "${RUNE_JOBS:-2}" --target bench_linediff >/dev/null
echo "line diff benchmark on $(nproc) cores, $(diff --version | head -1)"
# shellcheck disable=SC2086
"$build_dir/tests/bench_linediff" ${RUNE_LINEDIFF_SIZES:-1000 5000 20000}
