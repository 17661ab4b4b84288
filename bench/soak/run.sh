#!/usr/bin/env bash
# run.sh [-n COUNT] [-c CONCURRENT] [BUILD_DIR]: the soak test. Runs COUNT (default 10,000)
# sequential `unikit run` of a short program, then CONCURRENT (default 200) at once, and checks
# every output and status. Before, between and after, it records what a leak would grow: the
# processes, threads, descriptors and RSS of this script's process tree, unikit processes
# left anywhere, the host's allocated file handles and available memory, and the monitor's
# own descriptors and peak RSS sampled along the way. Writes bench/soak/results.md; non-zero
# if a run failed or something grew. Not part of ctest (10,000 runs take minutes).
set -uo pipefail

count=10000
concurrent=200
while getopts "n:c:" option; do
    case $option in
    n) count=$OPTARG ;;
    c) concurrent=$OPTARG ;;
    *) echo "usage: $0 [-n COUNT] [-c CONCURRENT] [BUILD_DIR]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=$(cd "${1:-$script_dir/../../build}" && pwd) || exit 2
unikit=$build_dir/unikit
rootfs=$build_dir/test-rootfs
results=$script_dir/results.md
program=/bin/hello-musl-static
bash "$script_dir/../../tests/rootfs/build.sh" "$rootfs" || exit 1
[[ -x $unikit ]] || { echo "run.sh: $unikit not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The processes of this script's tree (itself and its descendants).
tree_pids() {
    local pids=($$) index=0 child
    while ((index < ${#pids[@]})); do
        for child in $(cat /proc/"${pids[index]}"/task/*/children 2>/dev/null); do
            pids+=("$child")
        done
        index=$((index + 1))
    done
    echo "${pids[@]}"
}

# snapshot NAME: one line of figures, also kept in $work/NAME.
snapshot() {
    local processes=0 threads=0 fds=0 rss=0 pid
    for pid in $(tree_pids); do
        [[ -r /proc/$pid/status ]] || continue
        processes=$((processes + 1))
        threads=$((threads + $(awk '/^Threads:/ { print $2 }' /proc/"$pid"/status)))
        rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status)))
        fds=$((fds + $(ls /proc/"$pid"/fd 2>/dev/null | wc -l)))
    done
    local leftover file_handles available
    leftover=$(ps -eo pid=,comm=,args= | awk -v u="$unikit" '$2 == "unikit-kernel" || $3 == u' | wc -l)
    file_handles=$(cut -f1 /proc/sys/fs/file-nr)
    available=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
    echo "$processes $threads $fds $rss $leftover $file_handles $available" | tee "$work/$1"
}

failures=0
check_run() { # OUTPUT_FILE STATUS
    if [[ $2 != 0 || $(cat "$1") != "hello, world" ]]; then
        failures=$((failures + 1))
        ((failures <= 5)) && echo "run.sh: a run failed (status $2): $(head -c 200 "$1")" >&2
    fi
}

# The monitor's own descriptors and RSS while it serves a guest (a spinning program, stopped by
# --timeout), and its peak RSS over a whole short run.
sample_monitor() {
    setsid "$unikit" run --timeout 1 "$rootfs" -- /bin/spin-musl-static >/dev/null 2>&1 &
    local pid=$! monitor_fds monitor_rss peak
    sleep 0.5
    monitor_fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
    monitor_rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null)
    wait $pid
    /usr/bin/time -f %M -o "$work/peak" "$unikit" run "$rootfs" -- $program >/dev/null 2>&1
    peak=$(tail -n 1 "$work/peak")
    echo "${monitor_fds:-?} ${monitor_rss:-?} $peak" | tee "$work/monitor-$1"
}

echo "columns: processes threads fds rss_kib leftover_unikit host_file_handles mem_available_kib"
echo "before:"; snapshot before
echo "monitor (fds rss_kib peak_rss_kib):"; sample_monitor before

start=$(date +%s%N)
for ((run = 1; run <= count; run++)); do
    "$unikit" run "$rootfs" -- $program >"$work/out" 2>&1
    check_run "$work/out" $?
    ((run % 1000 == 0)) && echo "  $run runs"
done
sequential_ms=$((($(date +%s%N) - start) / 1000000))
echo "after $count sequential runs (${sequential_ms} ms):"; snapshot sequential
echo "monitor:"; sample_monitor sequential

start=$(date +%s%N)
pids=()
for ((run = 1; run <= concurrent; run++)); do
    "$unikit" run "$rootfs" -- $program >"$work/out.$run" 2>&1 &
    pids+=($!)
done
for ((run = 1; run <= concurrent; run++)); do
    wait "${pids[run - 1]}"
    check_run "$work/out.$run" $?
done
concurrent_ms=$((($(date +%s%N) - start) / 1000000))
sleep 0.5
echo "after $concurrent concurrent runs (${concurrent_ms} ms):"; snapshot concurrent
echo "monitor:"; sample_monitor concurrent

# Nothing may grow: the tree's counts are equal, nothing is left over, the host's file handles
# are within noise of the start (other processes on the host open and close files too).
grown=()
read -r p0 t0 f0 r0 l0 h0 a0 <"$work/before"
for phase in sequential concurrent; do
    read -r p t f r l h a <"$work/$phase"
    ((p == p0 && t == t0 && f == f0)) || grown+=("$phase: processes/threads/fds $p0/$t0/$f0 -> $p/$t/$f")
    ((l == 0)) || grown+=("$phase: $l unikit processes left over")
    ((r <= r0 + 1024)) || grown+=("$phase: tree RSS $r0 -> $r KiB")
done
read -r mf0 mr0 mp0 <"$work/monitor-before"
read -r mf1 mr1 mp1 <"$work/monitor-concurrent"
[[ $mf0 == "$mf1" ]] || grown+=("monitor descriptors $mf0 -> $mf1")

row() { # NAME FILE
    read -r p t f r l h a <"$work/$2"
    read -r mf mr mp <"$work/monitor-$2"
    echo "| $1 | $p | $t | $f | $r | $l | $h | $a | $mf | $mr | $mp |"
}
{
    echo "# Soak results"
    echo
    echo "\`bench/soak/run.sh -n $count -c $concurrent\` on $(date -u +%Y-%m-%d), $(nproc) CPUs, $(uname -r),"
    echo "program \`$program\` from the test rootfs. $failures failed runs."
    echo
    echo "* $count sequential runs: ${sequential_ms} ms ($((sequential_ms * 1000 / (count > 0 ? count : 1))) µs per run)"
    echo "* $concurrent concurrent runs: ${concurrent_ms} ms"
    echo
    echo "The soak script's process tree (the script and anything it left running), what is left"
    echo "of unikit anywhere, the host's allocated file handles and MemAvailable; then the monitor"
    echo "serving a spinning guest (descriptors, RSS) and the peak RSS of a whole run."
    echo
    echo "| when | processes | threads | fds | RSS KiB | unikit left | host file handles | MemAvailable KiB | monitor fds | monitor RSS KiB | run peak RSS KiB |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    row before before
    row "after $count sequential" sequential
    row "after $concurrent concurrent" concurrent
    echo
    if ((${#grown[@]} == 0 && failures == 0)); then
        echo "Verdict: nothing grew, every run printed \"hello, world\" and exited 0."
    else
        echo "Verdict: FAILED"
        printf '* %s\n' "${grown[@]}"
    fi
} >"$results"
cat "$results"
((${#grown[@]} == 0 && failures == 0))
