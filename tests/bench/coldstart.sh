#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Cold starts, in one run: the floor a naive runner pays (a fresh `python3 -c 'import handler'`),
# the agent's cold start with its pool of pre-started interpreters and without it, and a warm call.
#   RUNE_BUILD_DIR (default build/), BENCH_SAMPLES (default 20)
source "$(dirname "$0")/benchlib.bash"
samples=${BENCH_SAMPLES:-20}

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

# start_pooled_agent SIZE: an agent with that many pre-started interpreters per kind.
start_pooled_agent() {
  printf 'warm_pool_size = %s\n' "$1" >"$work/agent-$1.conf"
  start_agent "agent-$1" --config "$work/agent-$1.conf"
}

# Microseconds of the first call of freshly deployed functions: each one a cold start.
cold_starts() {
  local control=$1 invoke=$2 name header
  for i in $(seq "$samples"); do
    name="cold-$i"
    deploy "$control" "$name" "$work/code.tgz" '{"runtime":"python3"}'
    sleep 0.4 # let the pool refill, as it would between real cold starts
    header=$(curl -s -o /dev/null -D - -w 'time=%{time_total}\n' -X POST "http://127.0.0.1:$invoke/function/$name")
    echo "$header" | grep -qi '^x-rune-cold-start: 1' || { echo "not a cold start" >&2; exit 1; }
    echo "$header" | awk -F= '/^time=/ {printf "%d\n", $2 * 1000000}'
  done
}

start_pooled_agent 1
control_on=$agent_control
invoke_on=$agent_invoke
start_pooled_agent 0
control_off=$agent_control
invoke_off=$agent_invoke
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
