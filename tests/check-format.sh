#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a tracked C++ file differs from .clang-format's layout, naming each such file.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format is not installed (installers/setup.sh installs it)"; exit 1; }
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "not a git checkout: nothing to check"
  exit 0
fi
# One clang-format for all files: starting it once per file took most of the time.
files=()
while IFS= read -r file; do
  [ -f "$file" ] && files+=("$file")
done < <(git ls-files '*.cpp' '*.h')
[ "${#files[@]}" -gt 0 ] || exit 0
if output=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  exit 0
fi
offenders=$(sed -n -E 's/^(.+):[0-9]+:[0-9]+: error: code should be clang-formatted.*/\1/p' <<<"$output" | sort -u)
if [ -z "$offenders" ]; then
  echo "$output" # clang-format failed for another reason: show it
  exit 1
fi
sed 's/^/needs clang-format: /' <<<"$offenders"
exit 1
