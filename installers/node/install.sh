#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs rune-agent on this machine, as root, from the directory the console uploaded:
#   rune-agent  rune-agentctl  rune-agent-supervise  rune-agent.service  uninstall.sh  [token]  [runtimes/]
# Idempotent: running it again over a half-finished or broken install repairs it.
#
# usage: install.sh [--role controller|compute|edge] [--listen HOST:PORT] [--invoke-listen HOST:PORT] [--root DIR]
#                   [--user NAME] [--init auto|systemd|supervisor] [--haproxy-listen HOST:PORT]
#                   [--mqtt-url URL] [--mqtt-user NAME] [--start] [--package [--configure --token FILE]]
#                   [--print-config|--print-unit]
#   --mqtt-url  the MQTT broker the agent's triggers use (mqtt_url); its password is sent by the
#               console afterwards, never written here
#   --root DIR  installs everything under DIR instead of / (tests run several nodes on one machine)
#   --haproxy-listen HOST:PORT  (controller) runs HAProxy as the gateway there; installs Debian's
#               haproxy package when no haproxy is installed
#   --start     (re)starts the agent at the end; the console starts it as a separate step
#   --package   the layout of the rune-agent .deb (/usr/bin, /usr/sbin, /usr/share/rune-agent), whose
#               files dpkg has put in place: sets up only the user, directories, a token when there
#               is none and install.env (the package's postinst runs this)
#   --configure --token FILE  (with --package) also writes agent.conf from the arguments and the
#               token from FILE, and removes what a binary install left (the console provisions
#               Debian and Ubuntu nodes so, after apt-get installed the package)
#   --print-config, --print-unit  print the agent.conf or the systemd unit this install would write,
#               and nothing else (the package build takes its conffile and unit from them)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
role=compute
listen=127.0.0.1:7470
invoke_listen=0.0.0.0:8080
root=
user=rune
init=auto
start=no
package=no
configure=no
token_file=
print=
haproxy_listen=
mqtt_url=
mqtt_user=

die() {
  echo "install.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
  --role) role=$2; shift 2 ;;
  --listen) listen=$2; shift 2 ;;
  --invoke-listen) invoke_listen=$2; shift 2 ;;
  --root) root=${2%/}; shift 2 ;;
  --user) user=$2; shift 2 ;;
  --init) init=$2; shift 2 ;;
  --haproxy-listen) haproxy_listen=$2; shift 2 ;;
  --mqtt-url) mqtt_url=$2; shift 2 ;;
  --mqtt-user) mqtt_user=$2; shift 2 ;;
  --start) start=yes; shift ;;
  --package) package=yes; shift ;;
  --configure) configure=yes; shift ;;
  --token) token_file=$2; shift 2 ;;
  --print-config) print=config; shift ;;
  --print-unit) print=unit; shift ;;
  *) die "unknown argument '$1'" ;;
  esac
done

case "$role" in controller | compute | edge) ;; *) die "role must be controller, compute or edge, not '$role'" ;; esac
# One line each in agent.conf: a line break would smuggle in another setting.
for value in "$mqtt_url" "$mqtt_user"; do
  case "$value" in *'
'*) die "the MQTT broker url and user must be one line each" ;; esac
done
[ -z "$haproxy_listen" ] || [ "$role" = controller ] || die "--haproxy-listen is for a controller, not a $role node"
[ "$package" = no ] || [ -z "$root" ] || die "--package installs in / only, not under --root"
[ "$configure" = no ] || [ "$package" = yes ] || die "--configure is for the package's install (--package)"
[ "$configure" = no ] || [ -n "$token_file" ] || die "--configure needs --token FILE"
[ -z "$token_file" ] || [ "$configure" = yes ] || die "--token is for --package --configure"

if [ -z "$print" ]; then
  [ "$(id -u)" = 0 ] || die "must run as root"
  if [ "$package" = no ] && [ -z "$root" ] &&
    dpkg-query -W -f '${Status}' rune-agent 2>/dev/null | grep -q ' installed$'; then
    die "the rune-agent package is installed here: remove it (apt-get purge rune-agent), or provision with the package (Settings > Provisioning > Agent package)"
  fi
  [ "$package" = yes ] || [ -f "$here/rune-agent" ] || die "the bundle has no rune-agent binary next to this script"
fi

if [ "$init" = auto ]; then
  # Several agents under one systemd would share one unit name: a --root install is supervised.
  if [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    init=systemd
  else
    init=supervisor
  fi
fi

if [ -z "$print" ] && [ "$init" = supervisor ] && ! command -v setpriv >/dev/null 2>&1; then
  die "setpriv (util-linux) is missing: the supervisor needs it to start the agent with the capabilities that isolate functions"
fi
if [ -z "$print" ] && ! command -v flock >/dev/null 2>&1; then
  die "flock (util-linux) is missing: rune-agentctl needs it so that two starts or restarts take turns"
fi

if [ "$package" = yes ]; then
  bin_dir=/usr/bin
  sbin_dir=/usr/sbin
  share_dir=/usr/share/rune-agent
else
  bin_dir=$root/usr/local/bin
  sbin_dir=$root/usr/local/sbin
  share_dir=$root/usr/local/share/rune-agent
fi
conf_dir=$root/etc/rune-agent
state_dir=$root/var/lib/rune-agent
run_dir=$root/run/rune-agent
log_dir=$root/var/log/rune-agent
unit=/etc/systemd/system/rune-agent.service
# Installs side by side (--root) each get cgroups of their own.
cgroup_name=rune-agent
[ -z "$root" ] || cgroup_name=rune-agent-$(printf '%s' "$root" | cksum | cut -d ' ' -f 1)

if [ "$configure" = yes ]; then
  config_origin="# Written by the console's provisioning (a conffile of rune-agent: upgrades keep it)."
elif [ "$package" = yes ]; then
  config_origin="# The rune-agent package's settings (a conffile: your changes stay across upgrades)."
else
  config_origin="# Written by install.sh; the console rewrites it on every provisioning."
fi
agent_config() {
  cat <<CONF
$config_origin
listen = $listen
invoke_listen = $invoke_listen
state_dir = $state_dir
role = $role
token_file = $conf_dir/token
# Every replica runs as a user of its own; the agent's cgroups are made for it at start.
run_as = isolated
cgroup_name = $cgroup_name
CONF
  if [ -n "$haproxy_listen" ]; then
    cat <<CONF
# HAProxy as the controller's gateway, run and reloaded by the agent.
haproxy_binary = $haproxy_binary
haproxy_listen = $haproxy_listen
CONF
  fi
  if [ -n "$mqtt_url" ]; then
    printf '# The MQTT broker of Settings > Events in the console.\nmqtt_url = %s\n' "$mqtt_url"
    [ -z "$mqtt_user" ] || printf 'mqtt_username = %s\n' "$mqtt_user"
  fi
}

agent_unit() {
  sed -e "s|@BIN@|$bin_dir/rune-agent|g" -e "s|@CONF@|$conf_dir/agent.conf|g" -e "s|@USER@|$user|g" \
    -e "s|@STATE@|$state_dir|g" -e "s|@CONFDIR@|$conf_dir|g" "$here/rune-agent.service"
}

case "$print" in
config)
  [ -z "$haproxy_listen" ] || die "--print-config prints no HAProxy settings: --haproxy-listen installs HAProxy"
  agent_config
  exit 0
  ;;
unit)
  agent_unit
  exit 0
  ;;
esac

echo "step: system user $user"
if ! id -u "$user" >/dev/null 2>&1; then
  # Installs running side by side can find /etc/passwd locked for a moment.
  tries=0
  until id -u "$user" >/dev/null 2>&1 ||
    useradd --system --home-dir "$state_dir" --no-create-home --shell /usr/sbin/nologin --user-group "$user" 2>/dev/null ||
    adduser -S -H -h "$state_dir" -s /sbin/nologin "$user" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 20 ] || die "cannot create the system user $user"
    sleep 0.2
  done
fi
group=$(id -gn "$user")

echo "step: directories"
mkdir -p "$bin_dir" "$sbin_dir" "$share_dir" "$conf_dir" "$state_dir" "$run_dir" "$log_dir"
chmod 0755 "$conf_dir" "$run_dir"
chown "$user:$group" "$state_dir" "$log_dir"
chmod 0700 "$state_dir"

# Every file goes in under a temporary name and is renamed over the old one, so a running agent
# keeps its binary and an interrupted install never leaves a truncated file behind.
put() { # put SOURCE TARGET MODE [OWNER]
  cp "$1" "$2.new"
  chmod "$3" "$2.new"
  [ -z "${4:-}" ] || chown "$4" "$2.new"
  mv -f "$2.new" "$2"
}

# The package's files are dpkg's: what this script writes goes through a folder of its own.
scratch=$here
if [ "$package" = yes ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi

if [ "$package" = no ]; then
  echo "step: files"
  put "$here/rune-agent" "$bin_dir/rune-agent" 0755
  for script in rune-agentctl rune-agent-supervise; do
    sed "s|^RUNE_ENV=.*|RUNE_ENV=$conf_dir/install.env|" "$here/$script" >"$here/$script.configured"
    put "$here/$script.configured" "$sbin_dir/$script" 0755
  done
  put "$here/uninstall.sh" "$sbin_dir/rune-agent-uninstall" 0755
fi
if [ "$package" = no ] && [ -d "$here/runtimes" ]; then
  rm -rf "$share_dir/runtimes.new"
  cp -R "$here/runtimes" "$share_dir/runtimes.new"
  chmod -R a+rX "$share_dir/runtimes.new"
  rm -rf "$share_dir/runtimes"
  mv "$share_dir/runtimes.new" "$share_dir/runtimes"
fi

haproxy_binary=
if [ -n "$haproxy_listen" ]; then
  echo "step: haproxy"
  PATH=$PATH:/usr/sbin:/sbin # where Debian puts it, also for a shell that left them out
  if ! command -v haproxy >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 ||
      die "HAProxy is not installed and this machine has no apt-get to install it: install haproxy (2.4 or later), then provision again"
    # A machine that never fetched its package lists has none to install from.
    DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy >"$scratch/haproxy-install.log" 2>&1 ||
      { apt-get update >>"$scratch/haproxy-install.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy >>"$scratch/haproxy-install.log" 2>&1; } ||
      die "apt-get install -y haproxy failed: $(tail -n 3 "$scratch/haproxy-install.log" | tr '\n' ' ')"
  fi
  haproxy_binary=$(command -v haproxy) || die "haproxy is still not on the PATH after installing it"
  # The agent runs HAProxy itself: the distribution's service must not hold the port (the
  # machine's own service, so not for a --root install beside others).
  if [ -z "$root" ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now haproxy >/dev/null 2>&1 || true
  fi
fi

echo "step: configuration"
if [ "$package" = no ] || [ "$configure" = yes ]; then
  agent_config >"$scratch/agent.conf"
  put "$scratch/agent.conf" "$conf_dir/agent.conf" 0644
fi
if [ -f "$here/token" ] && [ "$package" = no ]; then
  put "$here/token" "$conf_dir/token" 0600 "$user:$group"
fi
if [ "$configure" = yes ]; then
  [ -s "$token_file" ] || die "the token file $token_file is missing or empty"
  put "$token_file" "$conf_dir/token" 0600 "$user:$group"
fi
if [ "$package" = yes ] && [ ! -f "$conf_dir/token" ]; then
  # A package has no console to send one: a random token, read from this file to add the node.
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$scratch/token"
  put "$scratch/token" "$conf_dir/token" 0600 "$user:$group"
fi
[ -f "$conf_dir/token" ] || die "no token: the bundle has none and none is installed"
cat >"$scratch/install.env" <<ENV
RUNE_ROOT='$root'
RUNE_USER='$user'
RUNE_INIT='$init'
RUNE_BIN='$bin_dir/rune-agent'
RUNE_CONF='$conf_dir/agent.conf'
RUNE_STATE='$state_dir'
RUNE_RUN='$run_dir'
RUNE_LOG='$log_dir/agent.log'
RUNE_SUPERVISE='$sbin_dir/rune-agent-supervise'
ENV
put "$scratch/install.env" "$conf_dir/install.env" 0644

if [ "$configure" = yes ]; then
  # What a binary install of the console left: its unit would hide the package's.
  echo "step: no binary install beside the package"
  rm -rf /usr/local/bin/rune-agent /usr/local/bin/rune-agent.new /usr/local/sbin/rune-agentctl \
    /usr/local/sbin/rune-agent-supervise /usr/local/sbin/rune-agent-uninstall /usr/local/share/rune-agent
  if [ -f "$unit" ] && [ ! -L "$unit" ]; then
    rm -f "$unit"
    ! command -v systemctl >/dev/null 2>&1 || systemctl daemon-reload || true
  fi
fi
if [ "$package" = yes ]; then
  echo "step: the package's systemd unit is enabled by its postinst"
elif [ "$init" = systemd ]; then
  echo "step: systemd unit"
  agent_unit >"$here/rune-agent.service.configured"
  put "$here/rune-agent.service.configured" "$unit" 0644
  systemctl daemon-reload
  systemctl enable rune-agent.service
else
  echo "step: supervisor (no systemd here)"
fi

if [ "$start" = yes ]; then
  "$sbin_dir/rune-agentctl" restart
fi
echo "installed: $bin_dir/rune-agent ($role, $listen, $init)"
