#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The agent's cpu and memory benchmarks next to Debian's sysbench on this machine, in one run:
# prime counting up to 10000 on one thread and on every core (the same workload), and sequential
# memory write and read over the same buffer size. Prints both figures and agent/sysbench.
# The two take turns for a few rounds and each figure is the best of its rounds: other work on
# the machine slows one program now and the other later, and the best round is the least disturbed.
#   RUNE_BUILD_DIR (default build/), BENCH_SECONDS per phase (default 5), BENCH_ROUNDS (default 3),
#   BENCH_BUFFER_MIB (default 256)
source "$(dirname "$0")/benchlib.bash"
require sysbench
require curl
seconds=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
buffer_mib=${BENCH_BUFFER_MIB:-256}
cores=$(nproc)

start_agent node

# agent_run TEST BODY PHASES: starts a run, waits for its end, prints its results as "metric value"
# lines. Nothing else runs here during its PHASES timed phases: the first look comes after them.
agent_run() {
  local id
  id=$(curl -sf -X POST --data "$2" "http://127.0.0.1:$agent_control/v1/bench/$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["run"]["id"])')
  sleep $(($3 * seconds))
  while :; do
    sleep 0.5
    curl -sf "http://127.0.0.1:$agent_control/v1/bench/runs/$id" >"$work/run.json"
    python3 - "$work/run.json" <<'PY' && break
import json, sys
run = json.load(open(sys.argv[1]))["run"]
if run["state"] == "running":
    sys.exit(1)
if run["state"] != "done":
    sys.exit("run " + run["id"] + " " + run["state"] + ": " + run.get("error", ""))
for result in run["results"]:
    print(result["metric"], result["value"])
PY
  done
}

# sysbench_value ARGS...: the figure sysbench prints (events per second, or MiB/sec).
sysbench_value() {
  sysbench "$@" --time="$seconds" run | awk '
    /events per second:/ {print $4}
    /MiB\/sec\)/ {gsub(/[()]/, "", $4); print $4}' | head -1
}

metric() { awk -v name="$2" '$1 == name {print $2}' <<<"$1"; }
best() { sort -g | tail -1; }

memory_options=(--memory-block-size="${buffer_mib}M" --memory-total-size=100T --memory-access-mode=seq --threads=1)
for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  agent_cpu=$(agent_run cpu "{\"seconds\": $seconds, \"max_prime\": 10000, \"threads\": 0, \"priority\": \"normal\"}" 2)
  agent_memory=$(agent_run memory "{\"seconds\": $seconds, \"buffer_mib\": $buffer_mib, \"priority\": \"normal\"}" 2)
  echo "agent_single $(metric "$agent_cpu" events_per_s_single)" >>"$work/figures"
  echo "agent_multi $(metric "$agent_cpu" events_per_s_multi)" >>"$work/figures"
  echo "agent_write $(metric "$agent_memory" write_mib_s)" >>"$work/figures"
  echo "agent_read $(metric "$agent_memory" read_mib_s)" >>"$work/figures"
  echo "sys_single $(sysbench_value cpu --cpu-max-prime=10000 --threads=1)" >>"$work/figures"
  echo "sys_multi $(sysbench_value cpu --cpu-max-prime=10000 --threads="$cores")" >>"$work/figures"
  echo "sys_write $(sysbench_value memory "${memory_options[@]}" --memory-oper=write)" >>"$work/figures"
  echo "sys_read $(sysbench_value memory "${memory_options[@]}" --memory-oper=read)" >>"$work/figures"
done
sed 's/^/  /' "$work/figures" >&2 # every round's figures, for a look at the spread
figure() { awk -v name="$1" '$1 == name {print $2}' "$work/figures" | best; }

row() { awk -v what="$1" -v unit="$2" -v agent="$3" -v sys="$4" \
  'BEGIN {printf "%-40s %12.1f %12.1f %8.3f\n", what " (" unit ")", agent, sys, (sys > 0 ? agent / sys : 0)}'; }
echo "$(sysbench --version), $cores cores, $(uname -m), ${seconds}s per phase, best of $rounds rounds"
printf "%-40s %12s %12s %8s\n" "test" "agent" "sysbench" "ratio"
row "cpu max_prime 10000, 1 thread" "events/s" "$(figure agent_single)" "$(figure sys_single)"
row "cpu max_prime 10000, $cores threads" "events/s" "$(figure agent_multi)" "$(figure sys_multi)"
row "memory write, ${buffer_mib} MiB buffer" "MiB/s" "$(figure agent_write)" "$(figure sys_write)"
row "memory read, ${buffer_mib} MiB buffer" "MiB/s" "$(figure agent_read)" "$(figure sys_read)"
