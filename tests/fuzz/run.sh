#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one fuzzer for a while: run.sh FUZZER SEED_DIR WORK_DIR SECONDS
# New inputs the fuzzer finds go to WORK_DIR/corpus (the seeds in the source tree stay as they
# are); a crashing input is written to WORK_DIR/ and named in the output, to be copied into
# SEED_DIR as a regression case once fixed.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$seeds"
# -rss_limit_mb: a parser that balloons on a small input is a finding, not noise.
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds"
