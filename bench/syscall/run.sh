#!/usr/bin/env bash
# run.sh BUILD_DIR: syscall benchmark (issue 5). Builds syscall_bench.c (glibc static) into a
# private rootfs and runs each operation natively (chroot) and under `unikit run --stats` in
# the same invocation, SYSCALL_RUNS times each (default 3):
#   getppid, clock_gettime (CLOCK_MONOTONIC), futex (a ping-pong round trip between two
#   threads), thread (pthread_create + join), mmap64 (mmap 64 MiB, touch each page, munmap).
# Prints median ns per operation, the unikit/native ratio and the program syscalls unikit
# trapped per operation, and writes bench/syscall/results.md. Not a test.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
bench_start syscall "$@"
runs=${SYSCALL_RUNS:-3}

mkdir -p "$work/rootfs/bin"
gcc -static -O2 -o "$work/rootfs/bin/syscall_bench" "$bench_dir/syscall_bench.c" -lpthread || exit 1

native_chroot "$work/rootfs"

operations=("getppid 100000" "clock_gettime 1000000" "futex 10000" "thread 1000" "mmap64 5")


table="| operation | count | native ns/op | unikit ns/op | unikit / native | trapped syscalls per op |
|---|---|---|---|---|---|"
for operation in "${operations[@]}"; do
    read -r op count <<<"$operation"
    native=() guest=() traps=""
    for ((i = 0; i < runs; ++i)); do
        value=$("${native_prefix[@]}" /bin/syscall_bench "$op" "$count" | grep -o 'ns_per_op=[0-9.]*' | cut -d= -f2)
        [[ -n $value ]] && native+=("$value")
        "$unikit" run --stats "$work/rootfs" -- /bin/syscall_bench "$op" "$count" >"$work/out" 2>"$work/err"
        value=$(grep -o 'ns_per_op=[0-9.]*' "$work/out" | cut -d= -f2)
        [[ -n $value ]] && guest+=("$value")
        traps=$(grep -o 'program syscalls trapped: *[0-9]*' "$work/err" | grep -o '[0-9]*$')
    done
    n=$(median 1 %.1f "${native[@]}")
    g=$(median 1 %.1f "${guest[@]}")
    r=$(ratio "$g" "$n")
    per_op=$(python3 -c 'import sys; print("%.2f" % (int(sys.argv[1]) / int(sys.argv[2])) if sys.argv[1] else "-")' "${traps:-}" "$count")
    line="| $op | $count | $n | $g | $r | $per_op |"
    echo "$line"
    table+=$'\n'"$line"
done

{
    echo "# Syscall benchmark"
    echo
    echo "Per-operation times of \`bench/syscall/syscall_bench.c\` (glibc static), natively and under"
    echo "\`unikit run\` in the same invocation; median of $runs runs. Produced by \`bench/syscall/run.sh\`."
    echo
    bench_machine
    echo "* native: $native_note"
    echo
    echo "$table"
    echo
    echo "Trapped syscalls per op: \`unikit run --stats\` \"program syscalls trapped\" divided by the"
    echo "count (it includes the ~17 calls of program start-up)."
} | bench_write_results
