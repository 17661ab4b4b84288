#!/usr/bin/env bash
# run.sh FUZZER SECONDS [LIBFUZZER_OPTIONS...]: runs one fuzz target for SECONDS on its committed
# seeds (fuzz/corpus/NAME, read-only) plus a working corpus next to the binary (what it finds is
# kept there for the next run), and prints the executions. Non-zero on a crash, leak or timeout;
# the input that failed is saved next to the binary as crash-*, leak-* or timeout-*.
set -euo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: $0 FUZZER SECONDS [LIBFUZZER_OPTIONS...]" >&2
    exit 2
fi
fuzzer=$1
seconds=$2
shift 2
name=$(basename "$fuzzer")
name=${name#fuzz_}
seeds=$(cd "$(dirname "$0")" && pwd)/corpus/$name
work=$(dirname "$fuzzer")/corpus/$name
mkdir -p "$work"
options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$(dirname "$fuzzer")/")
# The Console target writes the guest's stderr bytes to stderr: keep only libFuzzer's reports.
[[ $name == console ]] && options+=(-close_fd_mask=2)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$fuzzer" "${options[@]}" "$@" "$work" "$seeds" >"$log" 2>&1 || status=$?
if ((status != 0)); then
    tail -n 60 "$log"
    echo "fuzz $name: FAILED (status $status)"
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
echo "fuzz $name: ${runs:-?} executions in ${seconds}s, $coverage, corpus $(ls "$work" | wc -l) inputs"
