#!/usr/bin/env bash
# debian.sh BUILD_DIR: the compat cases of debian.txt in the Debian 12 rootfs that
# tests/rootfs/debian.sh builds (once per machine) and caches. In ctest as `compat-debian`.
# Environment as for run.sh (COMPAT_FILTER, UNIKIT_TEST_TIMEOUT).
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rootfs=$(bash "$script_dir/../rootfs/debian.sh") || {
    echo "debian.sh: could not build the Debian rootfs" >&2
    exit 1
}
exec bash "$script_dir/run.sh" "$1" "$script_dir/debian.txt" --rootfs "$rootfs"
