#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Removes rune-agent from this machine, as root: stops it (nothing of it stays running), then
# deletes the unit, binary, scripts, runtimes, configuration, token, state, logs and the system user.
# Works on a half-installed node too.
# usage: uninstall.sh [--root DIR] [--user NAME]
set -eu
root=
user=
while [ $# -gt 0 ]; do
  case "$1" in
  --root) root=${2%/}; shift 2 ;;
  --user) user=$2; shift 2 ;;
  *) echo "uninstall.sh: unknown argument '$1'" >&2; exit 1 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: must run as root" >&2; exit 1; }

env_file=$root/etc/rune-agent/install.env
RUNE_USER=rune
RUNE_INIT=supervisor
if [ -f "$env_file" ]; then
  . "$env_file"
fi
[ -n "$user" ] || user=$RUNE_USER
bin=$root/usr/local/bin/rune-agent
run_dir=$root/run/rune-agent

if [ -z "$root" ] && command -v systemctl >/dev/null 2>&1 && [ -f /etc/systemd/system/rune-agent.service ]; then
  systemctl disable --now rune-agent.service >/dev/null 2>&1 || true
  rm -f /etc/systemd/system/rune-agent.service
  systemctl daemon-reload || true
fi

# The supervisor first (so it restarts nothing), then the agent.
for name in supervisor agent; do
  if [ -f "$run_dir/$name.pid" ]; then
    pid=$(cat "$run_dir/$name.pid" 2>/dev/null || true)
    [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
  fi
done
# Whatever still runs this install's binary, found by its executable's path.
leftovers() {
  for exe in /proc/[0-9]*/exe; do
    case "$(readlink "$exe" 2>/dev/null)" in
    "$bin" | "$bin (deleted)" | "$bin.new" | "$bin.new (deleted)") basename "$(dirname "$exe")" ;;
    esac
  done
  return 0
}
i=0
while [ -n "$(leftovers)" ] && [ $i -lt 100 ]; do
  i=$((i + 1))
  sleep 0.05
done
for pid in $(leftovers); do kill -KILL "$pid" 2>/dev/null || true; done
if [ -f "$run_dir/supervisor.pid" ]; then
  pid=$(cat "$run_dir/supervisor.pid" 2>/dev/null || true)
  [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
fi

# The agent's cgroups (named in its configuration), with whatever its functions left in them.
name=$(sed -n 's/^cgroup_name[[:space:]]*=[[:space:]]*//p' "$root/etc/rune-agent/agent.conf" 2>/dev/null | tail -n 1)
if [ -n "$name" ] && [ -d /sys/fs/cgroup ]; then
  find /sys/fs/cgroup -mindepth 1 -type d -name "$name" 2>/dev/null | while read -r dir; do
    [ ! -f "$dir/cgroup.kill" ] || echo 1 >"$dir/cgroup.kill" 2>/dev/null || true
    i=0
    while [ -d "$dir" ] && [ $i -lt 40 ]; do
      find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      i=$((i + 1))
      [ ! -d "$dir" ] || sleep 0.05
    done
  done
fi

rm -rf "$root/usr/local/bin/rune-agent" "$root/usr/local/bin/rune-agent.new" \
  "$root/usr/local/sbin/rune-agentctl" "$root/usr/local/sbin/rune-agent-supervise" \
  "$root/usr/local/sbin/rune-agent-uninstall" "$root/usr/local/share/rune-agent" \
  "$root/etc/rune-agent" "$root/var/lib/rune-agent" "$run_dir" "$root/var/log/rune-agent"
if id -u "$user" >/dev/null 2>&1; then
  userdel "$user" 2>/dev/null || deluser "$user" 2>/dev/null || true
fi
echo "uninstalled rune-agent${root:+ from $root}"
