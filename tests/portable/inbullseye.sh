#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# inbullseye.sh ROOT DIR PROGRAM [ARGUMENT...]
# Runs PROGRAM chrooted in the Debian 11 root ROOT, with /proc, /sys (cgroups), /dev mounted, and
# DIR as /srv (not under /tmp, which each function's sandbox replaces with a /tmp of its own). In mount and PID namespaces of its
# own: the root on disk is never changed, and when this process dies, however it dies (a test
# that fails half-way, a SIGKILL), unshare's --kill-child kills PROGRAM, which is the namespace's
# first process, the kernel then kills everything else in it, and the mounts go with it.
set -eu
if [ "${RUNE_INBULLSEYE_INSIDE:-}" != 1 ]; then
  export RUNE_INBULLSEYE_INSIDE=1
  exec unshare --mount --propagation private --pid --fork --kill-child -- "$0" "$@"
fi
unset RUNE_INBULLSEYE_INSIDE
root=$1
dir=$2
shift 2
# The root a mount point of its own: the agent makes "/" private for each function's sandbox.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 rune-tmp "$root/tmp"
mount --bind "$dir" "$root/srv"
exec chroot "$root" "$@"
