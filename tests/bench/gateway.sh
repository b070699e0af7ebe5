#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput and latency through the controller's gateway against calling the compute nodes
# directly, in one run: one controller and two compute agents on loopback, wrk at 32 connections.
#   RUNE_BUILD_DIR (default build/), BENCH_SECONDS (default 10)
source "$(dirname "$0")/benchlib.bash"
seconds=${BENCH_SECONDS:-10}
require wrk

mkdir -p "$work/code"
printf 'def handle(event, context):\n    return event["body"]\n' > "$work/code/handler.py"
tar -C "$work/code" -czf "$work/code.tgz" handler.py

start_agent controller --role controller
controller_control=$agent_control
controller_invoke=$agent_invoke
start_agent compute-1
c1_control=$agent_control
c1_invoke=$agent_invoke
start_agent compute-2
c2_control=$agent_control
c2_invoke=$agent_invoke
for control in "$c1_control" "$c2_control"; do
  deploy "$control" echo "$work/code.tgz" '{"runtime":"python3","min_replicas":2,"max_replicas":2}'
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
