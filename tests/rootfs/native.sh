#!/usr/bin/env bash
# native.sh ROOTFS DIR PROGRAM [ARGS...]: runs PROGRAM natively in ROOTFS as
# `unikit run -v DIR:/srv:ro ROOTFS -- PROGRAM ARGS...` runs it under unikit, the oracle of the
# server tests and benchmarks: chroot into ROOTFS in a mount namespace of its own, where DIR is
# bound read-only at /srv and /tmp is a fresh tmpfs (so ROOTFS is not written and nothing
# outlives the run), with unikit's clean environment (PATH and HOME=/ only). PROGRAM replaces
# this script, so its process id is the caller's `$!`. Needs root (or user namespaces).
set -euo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: $0 ROOTFS DIR PROGRAM [ARGS...]" >&2
    exit 2
fi
rootfs=$(cd "$1" && pwd)
dir=$(cd "$2" && pwd)
shift 2
unshare=(unshare --mount)
[[ $EUID -eq 0 ]] || unshare=(unshare --map-root-user --mount)
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The mounts are private to the new namespace (unshare's default propagation), so the host
# never sees them; they go with its last process.
exec env -i PATH="$guest_path" HOME=/ "${unshare[@]}" /bin/sh -c '
    rootfs=$1 dir=$2
    shift 2
    mount -t tmpfs -o mode=1777 unikit-native-tmp "$rootfs/tmp" &&
        mount --bind "$dir" "$rootfs/srv" &&
        mount -o remount,bind,ro "$rootfs/srv" &&
        exec chroot "$rootfs" "$@"' native.sh "$rootfs" "$dir" "$@"
