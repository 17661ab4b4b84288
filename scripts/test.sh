#!/usr/bin/env bash
# test.sh: sets up and builds (scripts/setup.sh), then runs every test: unit tests, the
# test rootfs, the native oracle check, the compat, CLI and hardening suites; then builds the
# "sanitize" preset (clang, ASan+UBSan) into build/sanitize and runs the unit tests and a short
# run of every fuzz target there (fuzz/README.md). Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
ctest --test-dir build --output-on-failure "$@"

cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
ctest --preset sanitize
