#!/usr/bin/env bash
# setup.sh: installs what building and testing unikit needs (Debian/Ubuntu packages; apt
# runs only if something is missing), fetches the Debian source packages the guest is built
# from (lwIP: scripts/fetch_lwip.sh; needs a deb-src entry, added here if missing), then
# configures and builds into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang and libclang-rt-14-dev: the "sanitize" preset (ASan+UBSan, libFuzzer); time: GNU time
# for peak RSS in tests/integration/hardening.sh.
# dpkg-dev: dpkg-source, which `apt-get source` unpacks with. libglib2.0-dev and pkg-config:
# libslirp's glib (libglib-2.0.a, for the static monitor); curl: tests/integration/net.sh.
packages=(build-essential g++ cmake ninja-build libgtest-dev busybox-static musl-tools hyperfine python3
    clang libclang-rt-14-dev time dpkg-dev libglib2.0-dev pkg-config curl redis-tools wrk)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

run_as_root() {
    if [[ $EUID -eq 0 ]]; then
        env DEBIAN_FRONTEND=noninteractive "$@"
    elif command -v sudo >/dev/null; then
        sudo env DEBIAN_FRONTEND=noninteractive "$@"
    else
        echo "setup.sh: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

# `apt-get source` needs Debian's source index: a deb-src entry for bookworm (lwIP 2.1.3).
deb_src_list=/etc/apt/sources.list.d/unikit-deb-src.sources
updated=false
if [[ ! -f $deb_src_list ]] && ! grep -rqs '^deb-src .*debian\|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "setup.sh: adding $deb_src_list (deb-src for Debian bookworm)" >&2
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' 'Components: main' \
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >/tmp/unikit-deb-src.sources
    run_as_root install -m 644 /tmp/unikit-deb-src.sources "$deb_src_list"
    rm -f /tmp/unikit-deb-src.sources
    run_as_root apt-get update
    updated=true
fi

missing=()
for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
    echo "setup.sh: installing ${missing[*]}" >&2
    $updated || run_as_root apt-get update
    run_as_root apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The guest's TCP/IP stack, from Debian's lwip source package (cached per machine); a source
# index older than the deb-src entry gets one update.
if ! lwip_dir=$(bash scripts/fetch_lwip.sh); then
    $updated || run_as_root apt-get update
    lwip_dir=$(bash scripts/fetch_lwip.sh) || {
        echo "setup.sh: could not fetch lwIP's source (scripts/fetch_lwip.sh)" >&2
        exit 1
    }
fi

# The monitor's user-mode network stack, from Debian's libslirp source package: Debian ships no
# libslirp.a, and the monitor is linked statically (host/net/libslirp/CMakeLists.txt).
libslirp_dir=$(bash scripts/fetch_debian_source.sh libslirp src/slirp.c) || {
    echo "setup.sh: could not fetch libslirp's source (scripts/fetch_debian_source.sh libslirp)" >&2
    exit 1
}

cmake -S . -B build -G Ninja -DUNIKIT_LWIP_DIR="$lwip_dir" -DUNIKIT_LIBSLIRP_DIR="$libslirp_dir"
ninja -C build
