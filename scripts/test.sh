#!/usr/bin/env bash
# test.sh: sets up and builds (scripts/setup.sh), then runs every test: unit tests, the
# test rootfs, the native oracle check, the compat and CLI suites. Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
ctest --test-dir build --output-on-failure "$@"
