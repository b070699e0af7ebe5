#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput and latency through the controller's gateway against calling the compute nodes
# directly, in one run: one controller and two compute agents on loopback, wrk at 32 connections.
#   RUNE_BUILD_DIR (default build/), BENCH_SECONDS (default 10)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${RUNE_BUILD_DIR:-$here/build}
seconds=${BENCH_SECONDS:-10}
agent_bin=$build/remote-agent/rune-agent
command -v wrk >/dev/null || { echo "wrk is missing (installers/setup.sh installs it)"; exit 1; }
[ -x "$agent_bin" ] || { echo "build the agent first: installers/setup.sh build"; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$work/code"
printf 'def handle(event, context):\n    return event["body"]\n' > "$work/code/handler.py"
tar -C "$work/code" -czf "$work/code.tgz" handler.py

start_agent() { # name role -> "control invoke"
  local control invoke
  control=$(free_port); invoke=$(free_port)
  "$agent_bin" --role "$2" --listen "127.0.0.1:$control" --invoke-listen "127.0.0.1:$invoke" \
    --state-dir "$work/$1" >"$work/$1.out" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do grep -q "listening on" "$work/$1.out" 2>/dev/null && break; sleep 0.05; done
  echo "$control $invoke"
}

read -r controller_control controller_invoke < <(start_agent controller controller)
read -r c1_control c1_invoke < <(start_agent compute-1 compute)
read -r c2_control c2_invoke < <(start_agent compute-2 compute)
for control in "$c1_control" "$c2_control"; do
  curl -sf -X PUT --data-binary @"$work/code.tgz" -H 'X-Rune-Config: {"runtime":"python3","min_replicas":2,"max_replicas":2}' \
    "http://127.0.0.1:$control/v1/functions/echo" >/dev/null
done
curl -sf -X PUT "http://127.0.0.1:$controller_control/v1/cluster" -d "{\"nodes\":[
  {\"name\":\"compute-1\",\"url\":\"http://127.0.0.1:$c1_invoke\",\"functions\":[\"echo\"]},
  {\"name\":\"compute-2\",\"url\":\"http://127.0.0.1:$c2_invoke\",\"functions\":[\"echo\"]}]}" >/dev/null
sleep 1
curl -sf -d warm "http://127.0.0.1:$controller_invoke/function/echo" >/dev/null

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "hello"
LUA
measure() {
  wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/post.lua" "$1" >"$work/wrk.txt" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
       /Non-2xx/ {e+=$NF} /Socket errors/ {e+=1} END {printf "%s %s %s %d\n", rps, p50, p99, e}' "$work/wrk.txt"
}

echo "gateway benchmark: ${seconds}s per run, 32 connections, $(nproc) cores (agents and wrk share them)"
printf '%-44s %12s %10s %10s %7s\n' "target" "requests/s" "p50" "p99" "errors"
read -r direct_rps p50 p99 errors < <(measure "http://127.0.0.1:$c1_invoke/function/echo")
printf '%-44s %12s %10s %10s %7s\n' "compute-1 directly" "$direct_rps" "$p50" "$p99" "$errors"
read -r gateway_rps p50 p99 errors < <(measure "http://127.0.0.1:$controller_invoke/function/echo")
printf '%-44s %12s %10s %10s %7s\n' "through the controller (2 compute nodes)" "$gateway_rps" "$p50" "$p99" "$errors"
awk -v g="$gateway_rps" -v d="$direct_rps" 'BEGIN {printf "\ngateway / direct: %.2f\n", g / d}'
