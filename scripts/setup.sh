#!/usr/bin/env bash
# setup.sh: installs what building and testing unikit needs (Debian/Ubuntu packages; apt
# runs only if something is missing), then configures and builds into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang and libclang-rt-14-dev: the "sanitize" preset (ASan+UBSan, libFuzzer); time: GNU time
# for peak RSS in tests/integration/hardening.sh.
packages=(build-essential g++ cmake ninja-build libgtest-dev busybox-static musl-tools hyperfine python3
    clang libclang-rt-14-dev time)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
    echo "setup.sh: installing ${missing[*]}" >&2
    if [[ $EUID -eq 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null; then
        as_root=(sudo)
    else
        echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja
ninja -C build
