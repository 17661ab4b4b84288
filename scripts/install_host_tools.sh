#!/usr/bin/env bash
# install_host_tools.sh COMMAND:PACKAGE...: installs, with apt-get, the Debian package of each
# COMMAND missing from PATH (e.g. `curl:curl redis-cli:redis-tools wrk:wrk`), for the tests and
# benchmarks that drive servers from the host. Nothing happens when all are there; an index too
# old to know a package gets one apt-get update. Needs root (or sudo) only to install.
set -euo pipefail

missing=()
for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
((${#missing[@]} > 0)) || exit 0

as_root=(env DEBIAN_FRONTEND=noninteractive)
if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install_host_tools.sh: need root to install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo "${as_root[@]}")
fi
echo "install_host_tools.sh: installing ${missing[*]}" >&2
install=("${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}")
"${install[@]}" >&2 || { "${as_root[@]}" apt-get update >&2 && "${install[@]}" >&2; } || {
    echo "install_host_tools.sh: could not install ${missing[*]}" >&2
    exit 1
}
