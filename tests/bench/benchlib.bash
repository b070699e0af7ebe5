# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmark scripts: the build to use, a scratch directory removed on exit with
# every process started here, and helpers to start agents and deploy functions.
#   RUNE_BUILD_DIR (default build/)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${RUNE_BUILD_DIR:-$here/build}
agent_bin=$build/remote-agent/rune-agent
[ -x "$agent_bin" ] || { echo "build the agent first: installers/setup.sh build"; exit 1; }

work=$(mktemp -d)
chmod 755 "$work" # functions run as another user when the agent is root
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

require() { command -v "$1" >/dev/null || { echo "$1 is missing (installers/setup.sh installs it)"; exit 1; }; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# start_agent NAME [agent options...]: sets agent_control, agent_invoke and agent_pid.
start_agent() {
  local name=$1
  shift
  agent_control=$(free_port)
  agent_invoke=$(free_port)
  "$agent_bin" --listen "127.0.0.1:$agent_control" --invoke-listen "127.0.0.1:$agent_invoke" \
    --state-dir "$work/$name" "$@" >"$work/$name.out" 2>&1 &
  agent_pid=$!
  pids+=("$agent_pid")
  for _ in $(seq 100); do grep -q "listening on" "$work/$name.out" 2>/dev/null && return 0; sleep 0.05; done
  echo "the agent $name did not start:" >&2
  cat "$work/$name.out" >&2
  exit 1
}

# deploy CONTROL_PORT NAME ARCHIVE CONFIG_JSON
deploy() {
  curl -sf -X PUT --data-binary @"$3" -H "X-Rune-Config: $4" "http://127.0.0.1:$1/v1/functions/$2" >/dev/null
}
