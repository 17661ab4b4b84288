#!/usr/bin/env bash
# run.sh BUILD_DIR: file-I/O benchmark (issue 4). In a private copy of the test rootfs it
# creates /data/big.bin (100 MiB) and /data/tree10k (10,000 files in 100 directories), then
# runs each workload natively (chroot) and under `unikit run` in the same invocation:
#   seqread-cold   read /data/big.bin with 1 MiB reads after dropping the page cache
#   seqread-warm   the same with the file cached
#   create-tmp     create+write+close 10,000 files of 100 bytes in /tmp (then removed)
#   find-10k       busybox find /data/tree10k -type f (output discarded)
#   walk-10k       opendir/readdir/lstat over /data/tree10k (fileio_bench walk)
# Each run is timed from outside (wall, includes process start / VM boot) and, for the
# fileio_bench workloads, from inside (the workload alone). Prints medians and unikit/native
# ratios, VM exits (hypercalls, from `unikit run --stats`) per MiB read, and writes
# bench/fileio/results.md. A workload that fails under unikit is reported as failed; the
# others still run. Not a test.
# Environment: FILEIO_RUNS (default 5) runs per workload and side.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
bench_start fileio "$@"
runs=${FILEIO_RUNS:-5}

for tool in gcc python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 1; }
done
bash "$repo_dir/tests/rootfs/build.sh" "$build_dir/test-rootfs" || exit 1

rootfs="$work/rootfs"
echo "run.sh: preparing $rootfs (100 MiB file, 10,000-file tree)" >&2
cp -a "$build_dir/test-rootfs" "$rootfs"
gcc -static -O2 -o "$rootfs/bin/fileio_bench" "$bench_dir/fileio_bench.c" || exit 1
head -c $((100 << 20)) /dev/urandom >"$rootfs/data/big.bin"
python3 - "$rootfs/data/tree10k" <<'EOF'
import os, sys
root = sys.argv[1]
for d in range(100):
    directory = os.path.join(root, "d%02d" % (d // 10), "e%02d" % d)
    os.makedirs(directory)
    for f in range(100):
        with open(os.path.join(directory, "f%03d.txt" % f), "w") as out:
            out.write("file %d/%d\n" % (d, f))
EOF
big_mib=100

native_chroot "$rootfs"
guest_env=(env -i PATH=/bin HOME=/)

can_drop_caches=false
if sync && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
    can_drop_caches=true
fi
drop_caches() {
    sync
    echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
}

# measure SIDE WORKLOAD COLD CMD...: runs CMD $runs times; appends "wall_ns inner_ns" lines
# to $work/SIDE-WORKLOAD.times; returns 1 (with the reason in $work/SIDE-WORKLOAD.error)
# if a run fails.
measure() {
    local side=$1 workload=$2 cold=$3
    shift 3
    local times="$work/$side-$workload.times" error="$work/$side-$workload.error"
    : >"$times"
    for ((i = 0; i < runs; ++i)); do
        $cold && drop_caches
        local start end status inner
        start=$(date +%s%N)
        "$@" >"$work/run.out" 2>"$work/run.err"
        status=$?
        end=$(date +%s%N)
        if ((status != 0)); then
            printf 'status %d: %s' "$status" "$(head -c 160 "$work/run.err" | tr '\n' ' ')" >"$error"
            return 1
        fi
        inner=$(grep -o 'ns=[0-9]*' "$work/run.out" | tail -n 1 | cut -d= -f2)
        printf '%s %s\n' "$((end - start))" "${inner:--}" >>"$times"
    done
    cp "$work/run.out" "$work/$side-$workload.lastout"
}

# median FILE COLUMN: the median of a column, in ms with 3 decimals, or "-".
median() {
    python3 - "$1" "$2" <<'EOF'
import statistics, sys
try:
    values = [float(line.split()[int(sys.argv[2])]) for line in open(sys.argv[1]) if line.split()[int(sys.argv[2])] != "-"]
    print("%.3f" % (statistics.median(values) / 1e6) if values else "-")
except (OSError, IndexError, ValueError):
    print("-")
EOF
}

ratio() {
    python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
print("-" if "-" in (a, b) or float(b) == 0 else "%.2fx" % (float(a) / float(b)))' "$1" "$2"
}

workloads=(seqread-cold seqread-warm create-tmp find-10k walk-10k)
declare -A commands
commands[seqread-cold]="/bin/fileio_bench read /data/big.bin 1048576"
commands[seqread-warm]="/bin/fileio_bench read /data/big.bin 1048576"
commands[create-tmp]="/bin/fileio_bench create /tmp 10000 100"
commands[find-10k]="/bin/busybox find /data/tree10k -type f"
commands[walk-10k]="/bin/fileio_bench walk /data/tree10k"

rows=()
for workload in "${workloads[@]}"; do
    cold=false
    if [[ $workload == *-cold ]]; then
        if ! $can_drop_caches; then
            rows+=("| $workload | - | - | - | - | - | - | skipped: /proc/sys/vm/drop_caches not writable (warm only) |")
            echo "$workload: skipped (cannot drop caches: warm only)"
            continue
        fi
        cold=true
    fi
    read -r -a guest_cmd <<<"${commands[$workload]}"
    echo "$workload: ${commands[$workload]}" >&2
    # Warm-up (also checks that the command works natively).
    [[ $cold == false ]] && "${guest_env[@]}" "${native_prefix[@]}" "${guest_cmd[@]}" >/dev/null 2>&1
    native_ok=true unikit_ok=true
    measure native "$workload" "$cold" "${guest_env[@]}" "${native_prefix[@]}" "${guest_cmd[@]}" || native_ok=false
    measure unikit "$workload" "$cold" "$unikit" run "$rootfs" -- "${guest_cmd[@]}" || unikit_ok=false
    native_wall=$(median "$work/native-$workload.times" 0)
    native_inner=$(median "$work/native-$workload.times" 1)
    if $unikit_ok; then
        unikit_wall=$(median "$work/unikit-$workload.times" 0)
        unikit_inner=$(median "$work/unikit-$workload.times" 1)
        note=ok
    else
        unikit_wall=- unikit_inner=-
        note="unikit failed: $(cat "$work/unikit-$workload.error")"
    fi
    $native_ok || note="native failed: $(cat "$work/native-$workload.error")"
    # Output sanity: both sides must agree on what they did.
    if $native_ok && $unikit_ok; then
        n=$(sed 's/ ns=.*//' "$work/native-$workload.lastout" | LC_ALL=C sort | sha256sum)
        u=$(sed 's/ ns=.*//' "$work/unikit-$workload.lastout" | LC_ALL=C sort | sha256sum)
        [[ $n == "$u" ]] || note="outputs differ (native: $(head -c 60 "$work/native-$workload.lastout" | tr '\n' ' '), unikit: $(head -c 60 "$work/unikit-$workload.lastout" | tr '\n' ' '))"
    fi
    wall_ratio=$(ratio "$unikit_wall" "$native_wall")
    inner_ratio=$(ratio "$unikit_inner" "$native_inner")
    note=${note//|/\\|}
    rows+=("| $workload | $native_wall | $unikit_wall | $wall_ratio | $native_inner | $unikit_inner | $inner_ratio | $note |")
    printf '%-13s native %9s ms  unikit %9s ms  ratio %7s   (inner: %s / %s ms, %s)  %s\n' \
        "$workload" "$native_wall" "$unikit_wall" "$wall_ratio" "$native_inner" "$unikit_inner" "$inner_ratio" "$note"
done

# VM exits per MiB read: hypercalls of a warm 100 MiB read, from --stats.
stats_file="$work/stats.txt"
"$unikit" run --stats "$rootfs" -- /bin/fileio_bench read /data/big.bin 1048576 >/dev/null 2>"$stats_file"
stats_status=$?
exits_line=$(python3 - "$stats_file" "$big_mib" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
mib = float(sys.argv[2])
total = re.search(r"^\s*total\s+(\d+)\s", text, re.M)
reads = re.search(r"^\s*FileRead\s+(\d+)\s", text, re.M)
if not total:
    print("no hypercall counts in --stats output")
else:
    line = "%.2f hypercalls per MiB read (%s in total" % (int(total.group(1)) / mib, total.group(1))
    if reads:
        line += ", FileRead %s = %.2f per MiB" % (reads.group(1), int(reads.group(1)) / mib)
    print(line + ")")
EOF
)
echo "VM exits: $exits_line (status $stats_status)"

{
    cat <<EOF
# File-I/O benchmark

unikit against the same static programs under chroot, in one invocation of
\`bench/fileio/run.sh\` ($runs runs per workload and side; medians). "wall" is the whole
command as seen from outside (includes process start, and for unikit the VM's boot);
"inner" is the workload alone, timed by \`fileio_bench\` inside the guest with
CLOCK_MONOTONIC. Ratios are unikit / native.

$(bench_machine)
* native: $native_note
* page cache: $($can_drop_caches && echo "cold runs drop it (echo 3 > /proc/sys/vm/drop_caches) before every run" || echo "cannot be dropped here: warm only")
* data: /data/big.bin = 100 MiB of random bytes; /data/tree10k = 10,000 files of ~12 bytes in 100 directories (2 levels); create-tmp writes 10,000 files of 100 bytes

| workload | native wall ms | unikit wall ms | wall ratio | native inner ms | unikit inner ms | inner ratio | notes |
|---|---|---|---|---|---|---|---|
EOF
    printf '%s\n' "${rows[@]}"
    cat <<EOF

Workloads: seqread = \`fileio_bench read /data/big.bin 1048576\` (1 MiB read() calls);
create-tmp = \`fileio_bench create /tmp 10000 100\` (create+write+close timed, removal
not); find-10k = \`busybox find /data/tree10k -type f\`; walk-10k = \`fileio_bench walk
/data/tree10k\` (opendir/readdir/lstat).

## VM exits per MiB read

$exits_line

From \`unikit run --stats ROOTFS -- /bin/fileio_bench read /data/big.bin 1048576\` (warm):

\`\`\`
$(cat "$stats_file")
\`\`\`
EOF
} >"$results"
echo "wrote $results"
