#!/usr/bin/env bash
# debian.sh: prints the path of a Debian 12 (bookworm) minbase root filesystem with the
# programs the compat-debian and servers tests and bench/apps and bench/net run (python3,
# perl, lua5.4, sqlite3, gawk, bc, nginx, redis-server; bash, coreutils, gzip and tar come with
# minbase), building it with debootstrap first if it is not there yet. It is built once per
# machine (about two minutes) and kept in ${UNIKIT_CACHE_DIR:-~/.cache/unikit}/debian12; a
# change to the package list below rebuilds it. Concurrent callers wait for one build. Needs root (debootstrap, device nodes) and the Debian archive; installs
# debootstrap if it is missing.
set -euo pipefail

packages=python3,perl,lua5.4,sqlite3,gawk,bc,nginx,redis-server
suite=bookworm
mirror=${UNIKIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${UNIKIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/unikit}
rootfs="$cache/debian12"
stamp_text="debootstrap --variant=minbase --include=$packages $suite"

if [[ -f $rootfs/.unikit-rootfs && $(cat "$rootfs/.unikit-rootfs") == "$stamp_text" ]]; then
    echo "$rootfs"
    exit 0
fi

mkdir -p "$cache"
exec 9>"$rootfs.lock"
flock 9
if [[ -f $rootfs/.unikit-rootfs && $(cat "$rootfs/.unikit-rootfs") == "$stamp_text" ]]; then
    echo "$rootfs"
    exit 0
fi

if [[ $EUID -ne 0 ]]; then
    echo "debian.sh: building the Debian rootfs needs root (debootstrap)" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    echo "debian.sh: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2 ||
        { DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2; }
fi

echo "debian.sh: building $rootfs with debootstrap (once per machine, about two minutes)" >&2
building="$rootfs.building"
rm -rf "$building"
log="$cache/debootstrap.log"
if ! debootstrap --variant=minbase --include="$packages" "$suite" "$building" "$mirror" >"$log" 2>&1; then
    echo "debian.sh: debootstrap failed; the end of $log:" >&2
    tail -n 15 "$log" >&2
    exit 1
fi
# Nothing the tests need is in apt's package cache: keep the directory small.
rm -rf "$building"/var/cache/apt/archives/*.deb "$building"/var/lib/apt/lists/*
echo "$stamp_text" >"$building/.unikit-rootfs"
rm -rf "$rootfs"
mv "$building" "$rootfs"
echo "$rootfs"
