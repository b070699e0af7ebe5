#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Cold starts, in one run: the floor a naive runner pays (a fresh `python3 -c 'import handler'`),
# the agent's cold start with its pool of pre-started interpreters and without it, and a warm call.
#   RUNE_BUILD_DIR (default build/), BENCH_SAMPLES (default 20)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${RUNE_BUILD_DIR:-$here/build}
samples=${BENCH_SAMPLES:-20}
agent_bin=$build/remote-agent/rune-agent
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
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

mkdir -p "$work/code"
cat > "$work/code/handler.py" <<'PY'
import json, re, urllib.parse   # a realistic handler imports a few modules
def handle(event, context):
    return {"ok": True}
PY
tar -C "$work/code" -czf "$work/code.tgz" handler.py

# The floor: a fresh interpreter importing the handler, as a process-per-call runner would pay.
floor=$(for _ in $(seq "$samples"); do
  start=$(date +%s%N); (cd "$work/code" && /usr/bin/python3 -c 'import handler'); end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
done | median)

# Starts an agent with the given warm_pool_size; prints "control invoke".
start_agent() {
  local pool=$1 control invoke
  control=$(free_port); invoke=$(free_port)
  printf 'warm_pool_size = %s\n' "$pool" > "$work/agent-$pool.conf"
  "$agent_bin" --config "$work/agent-$pool.conf" --listen "127.0.0.1:$control" --invoke-listen "127.0.0.1:$invoke" \
    --state-dir "$work/state-$pool" >"$work/agent-$pool.out" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do grep -q "listening on" "$work/agent-$pool.out" 2>/dev/null && break; sleep 0.05; done
  echo "$control $invoke"
}

# Microseconds of the first call of freshly deployed functions: each one a cold start.
cold_starts() {
  local control=$1 invoke=$2 name header
  for i in $(seq "$samples"); do
    name="cold-$i"
    curl -sf -X PUT --data-binary @"$work/code.tgz" -H 'X-Rune-Config: {"runtime":"python3"}' \
      "http://127.0.0.1:$control/v1/functions/$name" >/dev/null
    sleep 0.4 # let the pool refill, as it would between real cold starts
    header=$(curl -s -o /dev/null -D - -w 'time=%{time_total}\n' -X POST "http://127.0.0.1:$invoke/function/$name")
    echo "$header" | grep -qi '^x-rune-cold-start: 1' || { echo "not a cold start" >&2; exit 1; }
    echo "$header" | awk -F= '/^time=/ {printf "%d\n", $2 * 1000000}'
  done
}

read -r control_on invoke_on < <(start_agent 1)
read -r control_off invoke_off < <(start_agent 0)
sleep 1
pooled=$(cold_starts "$control_on" "$invoke_on" | median)
plain=$(cold_starts "$control_off" "$invoke_off" | median)
warm=$(for _ in $(seq $(( samples * 5 ))); do
  curl -s -o /dev/null -w '%{time_total}\n' -X POST "http://127.0.0.1:$invoke_on/function/cold-1"
done | awk '{printf "%d\n", $1 * 1000000}' | median)

echo "cold-start benchmark: $samples samples each (median), $(nproc) cores, $(/usr/bin/python3 --version)"
printf '%-58s %10s\n' "measure" "ms"
row() { awk -v label="$1" -v us="$2" 'BEGIN {printf "%-58s %10.2f\n", label, us / 1000}'; }
row "python3 -c 'import handler' (fresh interpreter, the floor)" "$floor"
row "agent cold start, pre-started interpreters (call, curl)" "$pooled"
row "agent cold start, no pool (call, curl)" "$plain"
row "agent warm call (curl)" "$warm"
echo
awk -v p="$pooled" -v f="$floor" 'BEGIN {printf "pooled cold start / fresh interpreter: %.2f (target <= 0.5)\n", p / f}'
awk -v p="$plain" -v f="$floor" 'BEGIN {printf "unpooled cold start / fresh interpreter: %.2f\n", p / f}'
