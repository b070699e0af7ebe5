#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Removes rune-agent from this machine, as root: stops it (nothing of it stays running), then
# deletes the unit, binary, scripts, runtimes, configuration, token, state, logs and the system user.
# Works on a half-installed node too. Where the rune-agent package is installed, purges it.
# usage: uninstall.sh [--root DIR] [--user NAME] [--cgroups-only]
#   --cgroups-only  removes only the stopped agent's cgroups (the package's prerm, on removal)
set -eu
root=
user=
cgroups_only=no
while [ $# -gt 0 ]; do
  case "$1" in
  --root) root=${2%/}; shift 2 ;;
  --user) user=$2; shift 2 ;;
  --cgroups-only) cgroups_only=yes; shift ;;
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

# The agent's cgroups (named in its configuration, read before anything is removed, and handed to
# its user), with whatever its functions left in them.
cgroup_name=$(sed -n 's/^cgroup_name[[:space:]]*=[[:space:]]*//p' "$root/etc/rune-agent/agent.conf" 2>/dev/null | tail -n 1)
remove_cgroups() {
  if [ -n "$cgroup_name" ] && [ -d /sys/fs/cgroup ]; then
    find /sys/fs/cgroup -mindepth 1 -type d -name "$cgroup_name" -user "$user" 2>/dev/null | while read -r dir; do
      [ ! -f "$dir/cgroup.kill" ] || echo 1 >"$dir/cgroup.kill" 2>/dev/null || true
      i=0
      while [ -d "$dir" ] && [ $i -lt 40 ]; do
        find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        i=$((i + 1))
        [ ! -d "$dir" ] || sleep 0.05
      done
    done
  fi
}
if [ "$cgroups_only" = yes ]; then
  remove_cgroups
  exit 0
fi

if [ -z "$root" ] && dpkg-query -W -f '${Status}' rune-agent 2>/dev/null | grep -q ' installed$'; then
  # Its prerm stops the agent and removes the cgroups; its postrm removes the user, state and configuration.
  DEBIAN_FRONTEND=noninteractive dpkg --purge rune-agent
fi

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

remove_cgroups

rm -rf "$root/usr/local/bin/rune-agent" "$root/usr/local/bin/rune-agent.new" \
  "$root/usr/local/sbin/rune-agentctl" "$root/usr/local/sbin/rune-agent-supervise" \
  "$root/usr/local/sbin/rune-agent-uninstall" "$root/usr/local/share/rune-agent" \
  "$root/etc/rune-agent" "$root/var/lib/rune-agent" "$run_dir" "$root/var/log/rune-agent"
if id -u "$user" >/dev/null 2>&1; then
  userdel "$user" 2>/dev/null || deluser "$user" 2>/dev/null || true
fi
echo "uninstalled rune-agent${root:+ from $root}"
