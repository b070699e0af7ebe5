#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput and latency through the controller's built-in gateway, through HAProxy running the
# generated haproxy.cfg, and calling the compute nodes directly, in one run: one controller and two
# compute agents on loopback, wrk at 32 connections.
#   RUNE_BUILD_DIR (default build/; needs rune-agent and bench_haproxycfg), BENCH_SECONDS (default 10)
source "$(dirname "$0")/benchlib.bash"
seconds=${BENCH_SECONDS:-10}
require wrk
require haproxy
haproxycfg=$build/tests/bench_haproxycfg
[ -x "$haproxycfg" ] || { echo "build bench_haproxycfg first: cmake --build build --target bench_haproxycfg"; exit 1; }

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

# HAProxy in master-worker mode, as on a controller, with the same two nodes.
haproxy_port=$(free_port)
"$haproxycfg" "$haproxy_port" "$work/haproxy.sock" echo \
  "compute-1=http://127.0.0.1:$c1_invoke" "compute-2=http://127.0.0.1:$c2_invoke" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -W -db -f "$work/haproxy.cfg" >"$work/haproxy.out" 2>&1 &
pids+=($!)
# Ready once both nodes passed a health check: answers come from each of them.
for _ in $(seq 100); do
  seen=$(for _ in 1 2 3 4 5 6; do
    curl -s -o /dev/null -D - -d warm "http://127.0.0.1:$haproxy_port/function/echo" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-rune-node" {print $2}'
  done | sort -u | wc -l)
  [ "$seen" = 2 ] && break
  sleep 0.1
done
[ "$seen" = 2 ] || { echo "HAProxy did not route to both nodes:" >&2; cat "$work/haproxy.out" >&2; exit 1; }

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
read -r haproxy_rps p50 p99 errors < <(measure "http://127.0.0.1:$haproxy_port/function/echo")
printf '%-44s %12s %10s %10s %7s\n' "through HAProxy (2 compute nodes)" "$haproxy_rps" "$p50" "$p99" "$errors"
awk -v g="$gateway_rps" -v h="$haproxy_rps" -v d="$direct_rps" \
  'BEGIN {printf "\ngateway / direct: %.2f\nHAProxy / direct: %.2f\n", g / d, h / d}'
