#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sanitizer reports of a test run (tests/sanitizers/sanitizers.cmake):
#   reports.sh reset DIR   empties DIR (writable by every user: agents may run as their own)
#   reports.sh check DIR   prints each report in DIR and fails if there is one
set -euo pipefail
action=$1 dir=$2
case "$action" in
reset)
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 1777 "$dir"
  ;;
check)
  shopt -s nullglob
  reports=("$dir"/*)
  for report in "${reports[@]}"; do
    echo "==== $(basename "$report") (test name, then the reporting process's id)"
    cat "$report"
  done
  if [ "${#reports[@]}" -gt 0 ]; then
    echo "${#reports[@]} sanitizer report(s) in $dir"
    exit 1
  fi
  echo "no sanitizer reports"
  ;;
*)
  echo "usage: reports.sh reset|check DIR" >&2
  exit 2
  ;;
esac
