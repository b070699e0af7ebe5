#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# debian.sh PACKAGE_DIR VERSION BOOKWORM_ROOT BULLSEYE_ROOT RUNE
# The .deb packages in PACKAGE_DIR (cmake/packages.cmake; the packages_tst_debian target makes them):
#   - their control fields: name, version, amd64, Depends, the agent's conffile;
#   - both installed with `apt-get install ./*.deb` in a Debian 12 root: `rune --version` runs, the
#     agent's postinst made its user, token and install.env, rune-agentctl starts the agent (no
#     systemd in a chroot) and /v1/health answers on the default port; purge stops it and removes
#     the user, the state, the configuration and the agent's cgroups;
#   - the agent package installed and started the same way in a Debian 11 root;
#   - a Debian 12 root running its own sshd, provisioned by the console's command line RUNE (`rune
#     node add --provision`, which finds the package beside it in the build tree): apt-get installs
#     the package there, the console's settings and token go into it, the agent answers the
#     console, and what a binary install left there is stopped and removed; suspend and resume
#     use the package's rune-agentctl; `rune node terminate` purges the package.
# Each root is an overlay over the cached one (installers/setup.sh makes them), which is never
# changed. The test runs in mount, PID and network namespaces of its own: when it ends, however it
# ends, the kernel kills every process it started and takes its mounts down.
set -euo pipefail

if [ "${RUNE_PACKAGE_TEST_INSIDE:-}" != 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: installing packages in chroots needs root (CI runs the tests as root)"
    exit 77
  fi
  export RUNE_PACKAGE_TEST_INSIDE=1
  exec unshare --mount --propagation private --pid --mount-proc --net --fork --kill-child -- "$0" "$@"
fi
unset RUNE_PACKAGE_TEST_INSIDE
package_dir=$1 version=$2 bookworm=$3 bullseye=$4 rune=$5

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() {
  echo "== $* ($SECONDS s)"
}

for root in "$bookworm" "$bullseye"; do
  [ -f "$root/.rune-root" ] || fail "$root is missing: installers/setup.sh test (as root) makes it"
done
console_deb=$package_dir/rune_${version}_amd64.deb
agent_deb=$package_dir/rune-agent_${version}_amd64.deb
[ -f "$console_deb" ] && [ -f "$agent_deb" ] || fail "no $console_deb and $agent_deb: build the packages_tst_debian target"

step "control fields"
field() { dpkg-deb --field "$1" "$2"; }
[ "$(field "$console_deb" Package)" = rune ] || fail "console package name: $(field "$console_deb" Package)"
[ "$(field "$agent_deb" Package)" = rune-agent ] || fail "agent package name: $(field "$agent_deb" Package)"
for deb in "$console_deb" "$agent_deb"; do
  [ "$(field "$deb" Version)" = "$version" ] || fail "$deb: version $(field "$deb" Version), not $version"
  [ "$(field "$deb" Architecture)" = amd64 ] || fail "$deb: architecture $(field "$deb" Architecture)"
done
console_depends=$(field "$console_deb" Depends)
for needed in libqt6widgets6 libqt6webenginecore6 libssh-4 libqt6sql6-sqlite qt6-qpa-plugins; do
  [[ ",$console_depends," == *[\ ,]$needed[\ ,\(]* ]] || fail "the console does not depend on $needed: $console_depends"
done
# The agent is the portable one: it asks for no glibc newer than Debian 11's 2.31.
agent_depends=$(field "$agent_deb" Depends)
libc=$(sed -n -E 's/.*libc6 \(>= ([0-9.]+)\).*/\1/p' <<<"$agent_depends")
[ -n "$libc" ] || fail "the agent's Depends names no libc6 version: $agent_depends"
dpkg --compare-versions "$libc" le 2.31 || fail "the agent needs libc6 $libc, newer than Debian 11's: $agent_depends"
dpkg-deb --ctrl-tarfile "$agent_deb" | tar -xO ./conffiles | grep -qx /etc/rune-agent/agent.conf ||
  fail "agent.conf is not a conffile of rune-agent"
contents=$(dpkg-deb --contents "$console_deb")
for file in ./usr/bin/rune ./usr/share/applications/rune.desktop ./usr/share/icons/hicolor/scalable/apps/rune.svg \
  ./usr/share/man/man1/rune.1 ./usr/share/bash-completion/completions/rune; do
  grep -q " $file\$" <<<"$contents" || fail "the console package has no $file"
done

work=$(mktemp -d /tmp/rune-packages.XXXXXX)
# The uids of the roots' rune users: the cgroups their agents made (rune-agent, in each hierarchy of
# this machine's cgroup tree, handed to that uid) are removed at the end. rmdir never removes a
# cgroup still in use, such as that of an agent of this machine's own.
agent_uids=()
# The namespace's end would do the rest too; done here first so that rm never follows a mount.
cleanup() {
  local mount i uid
  kill -KILL -1 2>/dev/null || true # every other process of this PID namespace
  for uid in "${agent_uids[@]}"; do
    for i in $(seq 40); do
      find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name rune-agent -uid "$uid" 2>/dev/null |
        while read -r dir; do rmdir "$dir/agent" "$dir" 2>/dev/null || true; done
      [ -z "$(find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name rune-agent -uid "$uid" 2>/dev/null)" ] && break
      sleep 0.05
    done
  done
  for mount in $(grep -o " $work/[^ ]*" /proc/mounts | sort -r); do umount -l "$mount" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
ip link set lo up

# overlay NAME LOWER: a writable root at $work/NAME over LOWER, with /proc, /sys, /dev and the packages.
overlay() {
  local name=$1 lower=$2 merged=$work/$1
  mkdir -p "$work/$name.upper" "$work/$name.work" "$merged"
  mount -t overlay "rune-$name" -o "lowerdir=$lower,upperdir=$work/$name.upper,workdir=$work/$name.work" "$merged"
  mount -t proc proc "$merged/proc"
  mount --rbind /sys "$merged/sys"
  mount --rbind /dev "$merged/dev"
  mount -t tmpfs -o mode=1777 rune-tmp "$merged/tmp"
  mkdir -p "$merged/tmp/debs"
  cp "$console_deb" "$agent_deb" "$merged/tmp/debs/"
}

in_root() { # in_root ROOT COMMAND...
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# install_debs ROOT DEB...: apt-get install from the files alone (the root has their dependencies).
install_debs() {
  local root=$1 log
  shift
  log=$work/apt.log
  in_root "$root" apt-get install -y --no-install-recommends "$@" >"$log" 2>&1 ||
    fail "apt-get install $* in $root failed: $(tail -n 15 "$log")"
}

# start_and_check ROOT: the agent started by rune-agentctl answers /v1/health with the package's token.
start_and_check() {
  local root=$1 token answer i
  in_root "$root" rune-agentctl start || fail "rune-agentctl start failed: $(tail -n 20 "$root/var/log/rune-agent/agent.log")"
  token=$(cat "$root/etc/rune-agent/token")
  [ ${#token} -ge 32 ] || fail "the token postinst made is too short: '$token'"
  for i in $(seq 100); do
    answer=$(curl -s -H "Authorization: Bearer $token" http://127.0.0.1:7470/v1/health || true)
    [ -z "$answer" ] || break
    sleep 0.1
  done
  grep -q "\"version\":\"$version\"" <<<"$answer" ||
    fail "/v1/health did not answer with version $version: '$answer' $(tail -n 20 "$root/var/log/rune-agent/agent.log")"
  [ "$(in_root "$root" rune-agentctl status)" = running ] || fail "rune-agentctl status is not running"
}

# no_cgroups_of UID: the cgroups an agent running as UID made (rune-agent, in each hierarchy) are gone.
no_cgroups_of() {
  local left
  left=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name rune-agent -uid "$1" 2>/dev/null)
  [ -z "$left" ] || fail "the agent's cgroups are still there: $left"
}

# check_postinst ROOT: what the agent package's postinst set up.
check_postinst() {
  local root=$1
  local uid
  uid=$(in_root "$root" id -u rune) || fail "postinst made no system user rune"
  agent_uids+=("$uid")
  [ "$(in_root "$root" stat -c %U:%a /etc/rune-agent/token)" = rune:600 ] || fail "the token is not rune's alone"
  [ "$(in_root "$root" stat -c %U:%a /var/lib/rune-agent)" = rune:700 ] || fail "the state directory is not rune's alone"
  grep -qx "RUNE_BIN='/usr/bin/rune-agent'" "$root/etc/rune-agent/install.env" || fail "install.env: $(cat "$root/etc/rune-agent/install.env")"
  grep -qx "listen = 127.0.0.1:7470" "$root/etc/rune-agent/agent.conf" || fail "agent.conf: $(cat "$root/etc/rune-agent/agent.conf")"
  [ -f "$root/lib/systemd/system/rune-agent.service" ] || fail "no systemd unit"
  grep -q "^ExecStart=/usr/bin/rune-agent --config /etc/rune-agent/agent.conf$" "$root/lib/systemd/system/rune-agent.service" ||
    fail "the unit does not start /usr/bin/rune-agent"
  # Enabled for when the machine boots with systemd, without systemd running here.
  [ -L "$root/etc/systemd/system/multi-user.target.wants/rune-agent.service" ] || fail "the unit is not enabled"
}

step "Debian 12: apt-get install ./rune_*.deb ./rune-agent_*.deb"
overlay bookworm "$bookworm"
root=$work/bookworm
install_debs "$root" ./tmp/debs/rune_${version}_amd64.deb ./tmp/debs/rune-agent_${version}_amd64.deb
printed=$(in_root "$root" QT_QPA_PLATFORM=offscreen rune --version 2>&1) || fail "rune --version failed: $printed"
grep -qx "rune $version" <<<"$printed" || fail "rune --version printed '$printed'"
# The command line works from the package too, headless, on a home of its own.
listed=$(in_root "$root" HOME=/root rune node list --output json 2>"$work/cli.err") ||
  fail "rune node list failed: $(cat "$work/cli.err")"
grep -qx '{"nodes":\[\]}' <<<"$listed" || fail "rune node list printed '$listed' $(cat "$work/cli.err")"
check_postinst "$root"

step "Debian 12: the agent starts"
start_and_check "$root"
agent_pid=$(cat "$root/run/rune-agent/agent.pid")

step "Debian 12: apt-get purge rune-agent"
in_root "$root" apt-get purge -y rune-agent >"$work/apt.log" 2>&1 || fail "apt-get purge failed: $(tail -n 15 "$work/apt.log")"
for i in $(seq 100); do
  [ -d "/proc/$agent_pid" ] || break
  sleep 0.05
done
[ ! -d "/proc/$agent_pid" ] || fail "the agent still runs after purge"
no_cgroups_of "${agent_uids[0]}"
! in_root "$root" id -u rune >/dev/null 2>&1 || fail "the user rune is still there after purge"
for gone in /etc/rune-agent /var/lib/rune-agent /var/log/rune-agent /usr/bin/rune-agent /lib/systemd/system/rune-agent.service; do
  [ ! -e "$root$gone" ] || fail "$gone is still there after purge"
done
[ -x "$root/usr/bin/rune" ] || fail "purging the agent removed the console"

step "Debian 11: apt-get install ./rune-agent_*.deb"
overlay bullseye "$bullseye"
root=$work/bullseye
install_debs "$root" ./tmp/debs/rune-agent_${version}_amd64.deb
check_postinst "$root"
start_and_check "$root"
grep -q "/libc-2.31.so" "/proc/$(cat "$root/run/rune-agent/agent.pid")/maps" || fail "the agent does not run on Debian 11's glibc"
in_root "$root" apt-get purge -y rune-agent >"$work/apt.log" 2>&1 || fail "apt-get purge failed: $(tail -n 15 "$work/apt.log")"
no_cgroups_of "${agent_uids[1]}"

step "Debian 12 node: sshd in its own root"
overlay node "$bookworm"
node=$work/node
ssh-keygen -q -t ed25519 -N '' -C rune-package-test -f "$work/id"
mkdir -p -m 700 "$node/root/.ssh" "$node/run/sshd"
cp "$work/id.pub" "$node/root/.ssh/authorized_keys"
chmod 600 "$node/root/.ssh/authorized_keys"
host_key=/etc/ssh/ssh_host_ed25519_key
[ -f "$node$host_key" ] || in_root "$node" ssh-keygen -q -t ed25519 -N '' -f "$host_key"
chroot "$node" /usr/sbin/sshd -D -e -p 2222 -o ListenAddress=127.0.0.1 -o HostKey="$host_key" \
  -o PermitRootLogin=prohibit-password -o UsePAM=no 2>"$work/sshd.log" &
for i in $(seq 100); do
  (: </dev/tcp/127.0.0.1/2222) 2>/dev/null && break
  sleep 0.1
done
(: </dev/tcp/127.0.0.1/2222) 2>/dev/null || fail "sshd in the Debian 12 root did not start: $(cat "$work/sshd.log")"
fingerprint=$(ssh-keygen -l -E sha256 -f "$node$host_key.pub" | cut -d ' ' -f 2)

# The console's command line, on a home and data directory of its own.
console() {
  HOME=$work/home QT_QPA_PLATFORM=offscreen "$rune" --data-dir "$work/console" "$@"
}
step "Debian 12 node: rune node add --provision"
mkdir -p "$work/home"
# What a binary install would have left on the machine: the package's install stops its agent
# first and removes it, so that its unit cannot hide the package's.
mkdir -p "$node/usr/local/sbin" "$node/usr/local/share/rune-agent" "$node/etc/systemd/system"
printf '#!/bin/sh\n[ "$1" != stop ] || touch /tmp/old-agent-stopped\n' >"$node/usr/local/sbin/rune-agentctl"
chmod 755 "$node/usr/local/sbin/rune-agentctl"
printf '[Service]\nExecStart=/usr/local/bin/rune-agent\n' >"$node/etc/systemd/system/rune-agent.service"
console node add 127.0.0.1 --port 2222 --user root --key "$work/id" --name deb12 --accept-host-key "$fingerprint" \
  --provision >"$work/provision.out" 2>&1 ||
  fail "rune node add --provision failed: $(tail -n 30 "$work/provision.out") $(tail -n 20 "$node/var/log/rune-agent/agent.log" 2>/dev/null)"
grep -q "Installing the rune-agent package, with apt-get" "$work/provision.out" ||
  fail "the console did not choose the package: $(cat "$work/provision.out")"
status=$(in_root "$node" dpkg-query -W -f '${Status} ${Version}' rune-agent) || fail "rune-agent is not installed"
[ "$status" = "install ok installed $version" ] || fail "rune-agent on the node: $status"
[ ! -e "$node/usr/local/bin/rune-agent" ] || fail "the binary was installed beside the package"
grep -q "^# Written by the console's provisioning" "$node/etc/rune-agent/agent.conf" ||
  fail "the console's settings are not in agent.conf: $(cat "$node/etc/rune-agent/agent.conf")"
grep -qx "role = compute" "$node/etc/rune-agent/agent.conf" || fail "agent.conf: $(cat "$node/etc/rune-agent/agent.conf")"
node_uid=$(in_root "$node" id -u rune) || fail "the package made no user rune"
agent_uids+=("$node_uid")
# The console reached the agent with its own token (the package's random one was replaced).
grep -q "The agent $version answers" "$work/provision.out" || fail "the console did not reach the agent: $(cat "$work/provision.out")"
listed=$(console node list --output json 2>&1) || fail "rune node list failed: $listed"
grep -q '"state":"Running"' <<<"$listed" || fail "the node is not running for the console: $listed"
[ -f "$node/tmp/old-agent-stopped" ] || fail "the binary install's agent was not stopped first"
for gone in /usr/local/sbin/rune-agentctl /usr/local/share/rune-agent /etc/systemd/system/rune-agent.service; do
  [ ! -e "$node$gone" ] || fail "the binary install's $gone is still there beside the package"
done

step "Debian 12 node: rune node suspend, resume (the package's rune-agentctl)"
console node suspend deb12 >"$work/suspend.out" 2>&1 || fail "rune node suspend failed: $(tail -n 20 "$work/suspend.out")"
[ "$(in_root "$node" rune-agentctl status)" = suspended ] || fail "the agent is not suspended"
console node resume deb12 >"$work/resume.out" 2>&1 || fail "rune node resume failed: $(tail -n 20 "$work/resume.out")"
[ "$(in_root "$node" rune-agentctl status)" = running ] || fail "the agent is not running again"
node_pid=$(cat "$node/run/rune-agent/agent.pid")

step "Debian 12 node: rune node terminate purges the package"
console node terminate deb12 >"$work/terminate.out" 2>&1 || fail "rune node terminate failed: $(tail -n 30 "$work/terminate.out")"
! in_root "$node" dpkg-query -W -f '${Status}' rune-agent 2>/dev/null | grep -q ' installed$' ||
  fail "rune-agent is still installed after terminate"
[ ! -d "/proc/$node_pid" ] || fail "the agent still runs after terminate"
! in_root "$node" id -u rune >/dev/null 2>&1 || fail "the user rune is still there after terminate"
[ ! -e "$node/etc/rune-agent" ] || fail "/etc/rune-agent is still there after terminate"
no_cgroups_of "$node_uid"

step "passed"
