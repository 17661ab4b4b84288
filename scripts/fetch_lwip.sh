#!/usr/bin/env bash
# fetch_lwip.sh: fetches and unpacks Debian's `lwip` source package (the guest's TCP/IP stack,
# never kept in this repository) into ${UNIKIT_CACHE_DIR:-$HOME/.cache/unikit}/lwip and prints
# the unpacked source folder (the one holding src/core/tcp.c); see fetch_debian_source.sh.
set -euo pipefail
exec bash "$(dirname "$0")/fetch_debian_source.sh" lwip src/core/tcp.c
