#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Soak: one agent under 32 connections of load for SOAK_SECONDS (default 600) while it is
# redeployed, scales a function to zero and back, and serves a function that misbehaves in every
# way it can (crashes, hangs, floods, hogs memory, prints bytes that are not UTF-8, leaves
# processes behind). Prints the calls and errors per function (every function but the
# misbehaving one must have none) and the agent's resident memory and open descriptors after
# warming up and at the end (target: less than 10 % growth).
#   RUNE_BUILD_DIR (default build/), SOAK_SECONDS (default 600)
source "$(dirname "$0")/benchlib.bash"
seconds=${SOAK_SECONDS:-600}
require wrk
require curl

mkdir -p "$work/echo" "$work/exec" "$work/zero" "$work/bad"
cat >"$work/echo/handler.py" <<'PY'
def handle(event, context):
    return event["body"]
PY
printf '#!/bin/sh\ncat\n' >"$work/exec/echo.sh"
chmod 755 "$work/exec/echo.sh"
cat >"$work/zero/handler.py" <<'PY'
import os
def handle(event, context):
    return str(os.getpid())
PY
cat >"$work/bad/handler.py" <<'PY'
import os, subprocess, sys, time
calls = 0
def handle(event, context):
    global calls
    calls += 1
    what = calls % 8
    if what == 0:
        os._exit(3)                                   # crash
    if what == 1:
        raise RuntimeError("a bug")                   # an exception: 500
    if what == 2:
        time.sleep(3)                                 # past its 1 s timeout: 504, replaced
    if what == 3:
        sys.stdout.buffer.write(b"\xff\xfe not UTF-8 \xc3\n" + b"\xe2\x82" * 9000 + b"\n")
        sys.stdout.flush()
        return "printed"
    if what == 4:
        return "x" * (8 << 20)                        # over the response limit: 502
    if what == 5:
        hog = bytearray(512 << 20)                    # over its 128 MiB: out of memory
        return str(len(hog))
    if what == 6:
        subprocess.Popen(["/usr/bin/setsid", "/bin/sleep", "777.7171"], start_new_session=True)
        return "left a process behind"
    return ("evil", 200, {"X-Evil": "a\r\nInjected: yes"})   # a header that would split the answer
PY
tar -C "$work/echo" -czf "$work/echo.tgz" handler.py
tar -C "$work/exec" -czf "$work/exec.tgz" echo.sh
tar -C "$work/zero" -czf "$work/zero.tgz" handler.py
tar -C "$work/bad" -czf "$work/bad.tgz" handler.py

start_agent agent
control=$agent_control
invoke=$agent_invoke
deploy "$control" echo "$work/echo.tgz" '{"runtime":"python3","max_replicas":4}'
deploy "$control" cat "$work/exec.tgz" '{"runtime":"exec","handler":"echo.sh","max_replicas":2}'
deploy "$control" zero "$work/zero.tgz" '{"runtime":"python3","idle_to_zero_seconds":1}'
deploy "$control" bad "$work/bad.tgz" '{"runtime":"python3","timeout_seconds":1,"memory_mib":128,"max_replicas":2}'

# Counts the answers by status in every thread and prints them at the end ("status count" lines).
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "hello"
local threads = {}
function setup(thread) table.insert(threads, thread) end
counts = {}
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\n", status, count)) end
end
LUA

resources() { # prints "RSS_KiB FDS"
  echo "$(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status") $(ls "/proc/$agent_pid/fd" | wc -l)"
}

# Warm up every path once, then note where the agent stands.
for _ in $(seq 20); do
  for name in echo cat zero bad; do curl -s -o /dev/null -d x "http://127.0.0.1:$invoke/function/$name" || true; done
done
echo "soaking for ${seconds}s: 32 connections (echo 24, exec 4, misbehaving 4), redeploys every 5 s, scale to zero every 3 s"

run_wrk() { # NAME CONNECTIONS
  wrk -t1 -c"$2" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$invoke/function/$1" >"$work/wrk-$1.txt" 2>&1 &
  pids+=("$!")
}
run_wrk echo 24
run_wrk cat 4
run_wrk bad 4

# Redeploys of the loaded function and a function deployed and deleted, while the load runs.
(
  end=$((SECONDS + seconds))
  deploys=0 failed=0
  while [ $SECONDS -lt $end ]; do
    deploy "$control" echo "$work/echo.tgz" '{"runtime":"python3","max_replicas":4}' || failed=$((failed + 1))
    deploy "$control" scratch "$work/zero.tgz" '{"runtime":"python3"}' || failed=$((failed + 1))
    curl -sf -o /dev/null -X DELETE "http://127.0.0.1:$control/v1/functions/scratch" || failed=$((failed + 1))
    deploys=$((deploys + 3))
    sleep 5
  done
  echo "$deploys $failed" >"$work/deploys.txt"
) &
pids+=("$!")

# A function that goes to zero between calls and starts again for each.
(
  end=$((SECONDS + seconds))
  calls=0 failed=0
  while [ $SECONDS -lt $end ]; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$invoke/function/zero")
    calls=$((calls + 1))
    [ "$status" = 200 ] || failed=$((failed + 1))
    sleep 3
  done
  echo "$calls $failed" >"$work/zero.txt"
) &
pids+=("$!")

# "Start" is once the load has settled (every replica up, every connection open), not before it.
settle=$((seconds / 10 > 10 ? seconds / 10 : 10))
sleep "$settle"
read -r rss_start fds_start < <(resources)
wait "${pids[@]:1}" 2>/dev/null || true
read -r rss_end fds_end < <(resources)

# Calls answered, calls answered with anything but 2xx, and calls that got no answer at all.
calls() { awk '/^status/ {n += $3} END {print n + 0}' "$work/wrk-$1.txt"; }
failures() {
  awk '/^status/ && ($2 < 200 || $2 > 299) {n += $3}
       /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
       END {print n + 0}' "$work/wrk-$1.txt"
}
statuses() { awk '/^status/ {printf "%s%s x%s", sep, $2, $3; sep = ", "}' "$work/wrk-$1.txt"; }

printf '\n%-28s %10s %10s\n' "function" "calls" "errors"
for name in echo cat; do
  printf '%-28s %10s %10s   %s\n' "$name" "$(calls "$name")" "$(failures "$name")" "$(statuses "$name")"
done
read -r zero_calls zero_failed <"$work/zero.txt"
printf '%-28s %10s %10s\n' "zero (scaled to zero each)" "$zero_calls" "$zero_failed"
read -r deploys deploy_failed <"$work/deploys.txt"
printf '%-28s %10s %10s\n' "deploys and deletes" "$deploys" "$deploy_failed"
printf '%-28s %10s %10s   %s (it misbehaves on purpose)\n' "bad" "$(calls bad)" "$(failures bad)" "$(statuses bad)"
growth() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f", (b - a) * 100 / a}'; }
printf '\nagent RSS  %s KiB after %ss -> %s KiB at the end (%s %%)\n' "$rss_start" "$settle" "$rss_end" "$(growth "$rss_start" "$rss_end")"
printf 'agent fds  %s -> %s (%s %%)\n' "$fds_start" "$fds_end" "$(growth "$fds_start" "$fds_end")"
curl -sf -o /dev/null -X DELETE "http://127.0.0.1:$control/v1/functions/bad"
sleep 1
echo "processes the misbehaving function started, still running after its deletion: $(pgrep -fc 'sleep 777.7171' || true)"
curl -sf "http://127.0.0.1:$control/v1/health" >/dev/null && echo "agent healthy at the end"
