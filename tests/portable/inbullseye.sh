#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# inbullseye.sh ROOT DIR PROGRAM [ARGUMENT...]
# Runs PROGRAM chrooted in the Debian 11 root ROOT, with /proc, /sys (cgroups), /dev and DIR (a
# folder under /tmp, seen at the same path inside) mounted. In mount and PID namespaces of its
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
case "$dir" in
/tmp/?*) ;;
*)
  echo "inbullseye.sh: $dir is not a folder under /tmp" >&2
  exit 2
  ;;
esac
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 rune-tmp "$root/tmp"
mkdir -p "$root$dir"
mount --bind "$dir" "$root$dir"
exec chroot "$root" "$@"
