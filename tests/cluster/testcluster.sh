#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A test cluster on this machine: one network namespace per node (controller, compute1, edge1 by
# default), each joined to a bridge in the caller's namespace by a veth pair, with addresses in a
# private /24 that only these namespaces use, and a real sshd in each. Needs root.
#
#   testcluster.sh up DIR [NODE...]   creates it; writes DIR/cluster.env; tears down on failure
#   testcluster.sh down DIR           removes namespaces, links, sshd processes, users, sudoers
#   testcluster.sh stop-sshd DIR NODE kills the node's sshd and every session process under it
#   testcluster.sh start-sshd DIR NODE
#   testcluster.sh rekey DIR NODE     gives the node a new host key (restarts its sshd)
#
# Logins (the same keys everywhere; DIR/id_ed25519 authorised, DIR/wrong_ed25519 not,
# DIR/locked_ed25519 authorised but protected by the passphrase in cluster.env):
#   root, with the node's sshd allowing root login
#   $RUNE_TEST_USER         plain /bin/sh, empty home, passwordless sudo
#   $RUNE_TEST_SUDO_USER    plain /bin/sh, empty home, sudo with password $RUNE_TEST_SUDO_PASSWORD
set -euo pipefail

cmd=${1:?usage: testcluster.sh up|down|stop-sshd|start-sshd|rekey DIR ...}
dir=${2:?missing DIR}
shift 2

node_index() {
  case "$1" in
  controller) echo 11 ;; compute1) echo 12 ;; edge1) echo 13 ;; compute2) echo 14 ;; *) echo "unknown node $1" >&2; exit 2 ;;
  esac
}

# shellcheck disable=SC1091
load() { . "$dir/cluster.env"; }

sshd_pid_file() { echo "$dir/$1/sshd.pid"; }

# Walks over /proc read each file in the shell: a process may end between the glob and the read
# (awk would give up on the whole list there), and a name in /proc/PID/stat may hold spaces.
children() { # the direct children of pid $1
  local stat line fields
  for stat in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$stat" || continue
    read -r -a fields <<<"${line##*) }" # state ppid ...
    [ "${fields[1]}" = "$1" ] && echo "${stat//[^0-9]/}"
  done
  return 0
}

descendants() { # every process below pid $1, deepest last
  local pid=$1 child
  for child in $(children "$pid"); do
    echo "$child"
    descendants "$child"
  done
}

kill_tree() {
  local pid=$1 all
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
  all="$pid $(descendants "$pid")"
  # shellcheck disable=SC2086
  kill -KILL $all 2>/dev/null || true
}

start_sshd() {
  local node=$1 ns
  load
  ns=${RUNE_TEST_PREFIX}-$node
  mkdir -p /run/sshd
  ip netns exec "$ns" /usr/sbin/sshd -f "$dir/$node/sshd_config" -D -e >>"$dir/$node/sshd.log" 2>&1 &
  echo $! >"$(sshd_pid_file "$node")"
  local i=0 address
  address=$(node_address "$node")
  until ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/$address/22" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "sshd of $node did not start:" >&2; cat "$dir/$node/sshd.log" >&2; return 1; }
    sleep 0.05
  done
}

stop_sshd() {
  local pid_file
  pid_file=$(sshd_pid_file "$1")
  [ -f "$pid_file" ] || return 0
  kill_tree "$(cat "$pid_file")"
  rm -f "$pid_file"
}

node_address() { load; echo "$RUNE_TEST_NET.$(node_index "$1")"; }

host_key() {
  rm -f "$dir/$1/ssh_host_ed25519_key" "$dir/$1/ssh_host_ed25519_key.pub"
  ssh-keygen -q -t ed25519 -N '' -C "rune-test-$1" -f "$dir/$1/ssh_host_ed25519_key"
}

down() {
  [ -f "$dir/cluster.env" ] || return 0
  load
  local node
  for node in $RUNE_TEST_NODES; do
    stop_sshd "$node"
    ip netns pids "${RUNE_TEST_PREFIX}-$node" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "${RUNE_TEST_PREFIX}-$node" 2>/dev/null || true
  done
  ip link del "${RUNE_TEST_PREFIX}br" 2>/dev/null || true
  local user
  for user in "$RUNE_TEST_USER" "$RUNE_TEST_SUDO_USER"; do
    pkill_user "$user"
    userdel "$user" 2>/dev/null || true
  done
  # Agent users the provisioning tests created and did not get to uninstall.
  for user in $(cut -d: -f1 /etc/passwd | grep "^${RUNE_TEST_PREFIX}" || true); do
    pkill_user "$user"
    userdel "$user" 2>/dev/null || true
    groupdel "$user" 2>/dev/null || true
  done
  rm -f "/etc/sudoers.d/$RUNE_TEST_PREFIX" "$registry/$RUNE_TEST_PREFIX"
  rm -f "$dir/cluster.env"
}

pkill_user() { # processes left by a test user, found by uid
  local uid
  uid=$(id -u "$1" 2>/dev/null) || return 0
  local status key real rest
  for status in /proc/[0-9]*/status; do
    while read -r key real rest; do
      if [ "$key" = Uid: ]; then
        [ "$real" = "$uid" ] && kill -KILL "${status//[^0-9]/}" 2>/dev/null
        break
      fi
    done 2>/dev/null <"$status" || true
  done
}

pick_subnet() { # a 10.231.X.0/24 no interface here uses; under a lock so parallel runs differ
  local x
  for x in $(seq $(( (RANDOM % 200) + 20 )) 250) $(seq 20 250); do
    if ! ip -o addr show | grep -q " 10\.231\.$x\."; then
      echo "10.231.$x"
      return 0
    fi
  done
  return 1
}

registry=/run/rune-testcluster

sweep_stale() { # clusters whose test process died without tearing down (a crash)
  local entry owner stale_dir
  mkdir -p "$registry"
  for entry in "$registry"/*; do
    [ -f "$entry" ] || continue
    read -r owner stale_dir <"$entry" || continue
    if [ ! -d "/proc/$owner" ]; then
      "$0" down "$stale_dir" || true
      rm -f "$entry"
    fi
  done
}

up() {
  local nodes=("$@")
  [ ${#nodes[@]} -gt 0 ] || nodes=(controller compute1 edge1)
  [ "$(id -u)" = 0 ] || { echo "testcluster.sh: needs root (network namespaces, sshd, test users)" >&2; exit 77; }
  mkdir -p "$dir"
  chmod 0755 "$dir"
  local id prefix
  id=$(printf '%04x%02x' $(($$ % 65536)) $((RANDOM % 256)))
  prefix=rn$id
  trap 'echo "testcluster.sh: setup failed, tearing down" >&2; down' ERR
  sweep_stale
  # The owner is the test process that asked (RUNE_TEST_OWNER), else whoever called us.
  echo "${RUNE_TEST_OWNER:-$PPID} $dir" >"$registry/$prefix"

  exec 9>/run/rune-testcluster.lock
  flock 9
  local net
  net=$(pick_subnet)
  ip link add "${prefix}br" type bridge
  ip addr add "$net.1/24" dev "${prefix}br"
  ip link set "${prefix}br" up
  flock -u 9

  local user=rt${id}n sudo_user=rt${id}p password=rune-test-sudo-$id
  cat >"$dir/cluster.env" <<ENV
RUNE_TEST_PREFIX=$prefix
RUNE_TEST_NET=$net
RUNE_TEST_NODES="${nodes[*]}"
RUNE_TEST_USER=$user
RUNE_TEST_SUDO_USER=$sudo_user
RUNE_TEST_SUDO_PASSWORD=$password
RUNE_TEST_KEY=$dir/id_ed25519
RUNE_TEST_WRONG_KEY=$dir/wrong_ed25519
RUNE_TEST_LOCKED_KEY=$dir/locked_ed25519
RUNE_TEST_KEY_PASSPHRASE=open-sesame-$id
ENV

  ssh-keygen -q -t ed25519 -N '' -C rune-test -f "$dir/id_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C rune-test-wrong -f "$dir/wrong_ed25519"
  ssh-keygen -q -t ed25519 -N "open-sesame-$id" -C rune-test-locked -f "$dir/locked_ed25519"
  cat "$dir/id_ed25519.pub" "$dir/locked_ed25519.pub" >"$dir/authorized_keys"
  chmod 0644 "$dir/authorized_keys"

  local u
  for u in "$user" "$sudo_user"; do
    mkdir -p "$dir/home/$u"
    useradd --home-dir "$dir/home/$u" --shell /bin/sh --no-user-group --gid nogroup "$u"
    usermod -p '*' "$u" # not locked: sshd without PAM refuses locked accounts
    chown "$u" "$dir/home/$u"
  done
  echo "$sudo_user:$password" | chpasswd
  printf '%s ALL=(ALL) NOPASSWD: ALL\n%s ALL=(ALL) ALL\n' "$user" "$sudo_user" >"/etc/sudoers.d/$prefix"
  chmod 0440 "/etc/sudoers.d/$prefix"

  local node ns index
  for node in "${nodes[@]}"; do
    index=$(node_index "$node")
    ns=$prefix-$node
    mkdir -p "$dir/$node"
    ip netns add "$ns"
    ip link add "${prefix}${index}h" type veth peer name "${prefix}${index}n"
    ip link set "${prefix}${index}n" netns "$ns"
    ip link set "${prefix}${index}h" master "${prefix}br" up
    ip -n "$ns" addr add "$net.$index/24" dev "${prefix}${index}n"
    ip -n "$ns" link set "${prefix}${index}n" up
    ip -n "$ns" link set lo up
    host_key "$node"
    cat >"$dir/$node/sshd_config" <<CONF
ListenAddress $net.$index:22
HostKey $dir/$node/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
MaxSessions 200
MaxStartups 100
LogLevel ERROR
CONF
    start_sshd "$node"
  done
  trap - ERR
  echo "$dir/cluster.env"
}

case "$cmd" in
up) up "$@" ;;
down) down ;;
stop-sshd) stop_sshd "${1:?NODE}" ;;
start-sshd) start_sshd "${1:?NODE}" ;;
rekey)
  stop_sshd "${1:?NODE}"
  host_key "$1"
  start_sshd "$1"
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
