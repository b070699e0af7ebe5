#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# inroot.sh ROOT DIR PROGRAM [ARGUMENT...]
# Runs PROGRAM chrooted (chroot, not pivot_root: the mount namespace's root stays this machine's)
# in ROOT, a Debian 11 root or any other, with /proc, /sys (cgroups), /dev mounted, a /tmp of its
# own and DIR as /srv (not under /tmp, which each function's sandbox replaces with a /tmp of its
# own). Each folder of this machine named in RUNE_INROOT_HOST (space-separated: "/usr /etc
# /some/reports:rw") is first bound at the same place in ROOT, read-only unless it ends in :rw: a
# root made of this machine's own system.
# In mount and PID namespaces of its own: the root on disk is never changed, and when this process
# dies, however it dies (a test that fails half-way, a SIGKILL), unshare's --kill-child kills
# PROGRAM, which is the namespace's first process, the kernel then kills everything else in it,
# and the mounts go with it.
set -eu
if [ "${RUNE_INROOT_INSIDE:-}" != 1 ]; then
  export RUNE_INROOT_INSIDE=1
  exec unshare --mount --propagation private --pid --fork --kill-child -- "$0" "$@"
fi
unset RUNE_INROOT_INSIDE
root=$1
dir=$2
shift 2
# The root a mount point of its own: the agent makes "/" private for each function's sandbox, and
# only a mount point can be (as under a container runtime or systemd's RootDirectory=).
mount --bind "$root" "$root"
for folder in ${RUNE_INROOT_HOST:-}; do
  mode=ro
  case $folder in *:rw) folder=${folder%:rw} mode=rw ;; esac
  mkdir -p "$root$folder"
  mount --rbind "$folder" "$root$folder"
  mount -o "remount,bind,$mode" "$root$folder"
done
unset RUNE_INROOT_HOST
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 rune-tmp "$root/tmp"
mount --bind "$dir" "$root/srv"
exec chroot "$root" "$@"
