#!/usr/bin/env bash
# run.sh BUILD_DIR: process benchmark (issue 6). Builds process_bench.c (glibc static) into a
# private rootfs with busybox (/bin/sh, /bin/true) and runs each operation natively (chroot)
# and under `unikit run` in the same invocation, PROCESS_RUNS times each (default 3):
#   fork   fork + _exit + waitpid
#   exec   fork + execve of a static program (process_bench itself) + waitpid
#   vfork  vfork + execve of the same + waitpid
#   shell  busybox sh running a loop of 1,000 `/bin/true` (each a fork + execve of busybox)
# Prints the median µs per operation and the unikit/native ratio, and writes
# bench/process/results.md. A side that fails (unikit before it has fork, say) is reported
# with its exit status and first line of stderr instead of a time. Not a test.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
bench_start process "$@"
runs=${PROCESS_RUNS:-3}
busybox=/bin/busybox
[[ -x $busybox ]] && ! readelf -l "$busybox" | grep -q 'Requesting program interpreter' ||
    { echo "run.sh: $busybox missing or not static (install busybox-static)" >&2; exit 1; }

rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,tmp,dev,proc}
gcc -static -O2 -o "$rootfs/bin/process_bench" "$bench_dir/process_bench.c" || exit 1
cp "$busybox" "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
ln -s busybox "$rootfs/bin/true"

native_chroot "$rootfs"
unikit_prefix=("$unikit" run --timeout 600s "$rootfs" --)

operations=("fork 2000" "exec 500" "vfork 500" "shell 1000")

# measure SIDE OP COUNT: appends the run's ns_per_op to the array named SIDE, or records why
# it failed in failure_SIDE.
measure() {
    local side=$1 op=$2 count=$3 status value
    local -n prefix="${side}_prefix" values="${side}_values" failure="failure_${side}"
    env -i PATH=/bin HOME=/ "${prefix[@]}" /bin/process_bench "$op" "$count" </dev/null >"$work/out" 2>"$work/err"
    status=$?
    value=$(grep -o 'ns_per_op=[0-9.]*' "$work/out" | cut -d= -f2)
    if [[ $status -eq 0 && -n $value ]]; then
        values+=("$value")
    else
        failure="status $status: $(head -n 1 "$work/err" | cut -c 1-160)"
    fi
}

table="| operation | count | native µs/op | unikit µs/op | unikit / native |
|---|---|---|---|---|"
notes=()
for operation in "${operations[@]}"; do
    read -r op count <<<"$operation"
    native_values=() unikit_values=() failure_native="" failure_unikit=""
    for ((i = 0; i < runs; ++i)); do
        measure native "$op" "$count"
        measure unikit "$op" "$count"
    done
    n=$(median 1000 %.1f "${native_values[@]}")
    u=$(median 1000 %.1f "${unikit_values[@]}")
    [[ $n == - ]] && n="fails"
    [[ $u == - ]] && u="fails"
    r=$(ratio "$u" "$n")
    [[ -n $failure_native ]] && notes+=("native $op: $failure_native")
    [[ -n $failure_unikit ]] && notes+=("unikit $op: $failure_unikit")
    line="| $op | $count | $n | $u | $r |"
    echo "$line"
    table+=$'\n'"$line"
done
for note in "${notes[@]}"; do
    echo "failed: $note" >&2
done

{
    echo "# Process benchmark"
    echo
    echo "Per-operation times of \`bench/process/process_bench.c\` (glibc static), natively and under"
    echo "\`unikit run\` in the same invocation; median of $runs runs. Produced by \`bench/process/run.sh\`."
    echo
    bench_machine
    echo "* native: $native_note"
    echo
    echo "$table"
    echo
    echo "* fork: fork, the child \`_exit(0)\`s, waitpid. exec: fork + execve of a static program"
    echo "  (the benchmark itself, \`noop\`) + waitpid. vfork: the same with vfork. shell:"
    echo "  \`sh -c 'i=0; while [ \$i -lt 1000 ]; do /bin/true; ...; done'\`, the whole run divided by"
    echo "  1,000 (each \`/bin/true\` has a slash, so busybox sh forks and execs busybox for it)."
    if ((${#notes[@]} > 0)); then
        echo
        echo "Runs that failed (\`fails\` above):"
        echo
        printf -- '* %s\n' "${notes[@]}"
    fi
} | bench_write_results
