#!/usr/bin/env bash
# fetch_debian_source.sh PACKAGE MARKER: fetches and unpacks Debian's source package PACKAGE
# (never kept in this repository) into ${UNIKIT_CACHE_DIR:-$HOME/.cache/unikit}/PACKAGE and
# prints the unpacked source folder, the one holding the file MARKER (a path inside it, e.g.
# src/slirp.c). Needs a deb-src entry for Debian and dpkg-source (dpkg-dev); scripts/setup.sh
# provides both. Idempotent: when the source is already there it only prints its folder.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: fetch_debian_source.sh PACKAGE MARKER" >&2
    exit 2
fi
package="$1"
marker="$2"
cache_dir="${UNIKIT_CACHE_DIR:-$HOME/.cache/unikit}/$package"

find_source() {
    local folder
    for folder in "$cache_dir"/"$package"-*/; do
        if [[ -f "$folder/$marker" && -f "$folder/.unikit-complete" ]]; then
            echo "${folder%/}"
            return 0
        fi
    done
    return 1
}

if find_source; then
    exit 0
fi

mkdir -p "$cache_dir"
work="$(mktemp -d "$cache_dir/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# apt-get downloads as the unprivileged _apt user when it can; the folder must let it in.
chmod 755 "$work"
if ! (cd "$work" && apt-get source -q "$package" >&2); then
    echo "fetch_debian_source.sh: 'apt-get source $package' failed: is there a deb-src entry for" \
        "Debian (scripts/setup.sh adds one) and dpkg-dev installed?" >&2
    exit 1
fi
unpacked=("$work"/"$package"-*/)
if [[ ${#unpacked[@]} -ne 1 || ! -f "${unpacked[0]}/$marker" ]]; then
    echo "fetch_debian_source.sh: the $package source package did not unpack as expected in $work" >&2
    exit 1
fi
name="$(basename "${unpacked[0]}")"
rm -rf "${cache_dir:?}/$name"
mv "${unpacked[0]}" "$cache_dir/$name"
touch "$cache_dir/$name/.unikit-complete"
find_source
