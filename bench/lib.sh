# bench/lib.sh: what the benchmark scripts (bench/*/run.sh) share. Source it, then call
# bench_start NAME "$@" first.

# bench_start NAME ARGS...: ARGS must be exactly BUILD_DIR. Sets build_dir, bench_dir (the
# calling script's folder), repo_dir, unikit and results (bench_dir/results.md), and a work
# folder `work` removed at exit, with whatever cleanup_paths holds then.
bench_start() {
    local name=$1
    shift
    if [[ $# -ne 1 ]]; then
        echo "usage: $0 BUILD_DIR" >&2
        exit 2
    fi
    build_dir=$(cd "$1" && pwd) || exit 2
    bench_dir=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
    repo_dir=$(cd "$bench_dir/../.." && pwd)
    unikit="$build_dir/unikit"
    results="$bench_dir/results.md"
    [[ -x $unikit ]] || { echo "run.sh: $unikit not found (build first)" >&2; exit 1; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-$name.XXXXXX")
    cleanup_paths=()
    trap bench_exit EXIT
}

# bench_exit: the EXIT trap: the script's own bench_stop first when it defines one (servers to
# stop, say), then the work folder and whatever cleanup_paths holds go.
bench_exit() {
    if declare -F bench_stop >/dev/null; then
        bench_stop
    fi
    rm -rf "$work" "${cleanup_paths[@]}"
}

# native_chroot ROOTFS: sets native_prefix (the command prefix that runs a program natively
# in ROOTFS) and native_note (how, for the results).
native_chroot() {
    local chroot_bin
    chroot_bin=$(command -v chroot || echo /usr/sbin/chroot)
    if [[ $EUID -eq 0 ]]; then
        native_prefix=("$chroot_bin" "$1")
        native_note="chroot as root"
    else
        native_prefix=("$(command -v unshare)" --map-root-user "$chroot_bin" "$1")
        native_note="chroot inside unshare --map-root-user (includes unshare's cost)"
    fi
}

# median DIVISOR FORMAT VALUES...: the median of VALUES divided by DIVISOR, printed with the
# printf-style FORMAT; "-" when there are no values.
median() {
    python3 -c 'import statistics, sys; d, f, v = float(sys.argv[1]), sys.argv[2], [float(x) for x in sys.argv[3:]]; print(f % (statistics.median(v) / d) if v else "-")' "$@"
}

# ratio A B: "A/B" as "1.23x", or "-" when either is not a number.
ratio() {
    python3 -c 'import sys
try: print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))
except (ValueError, ZeroDivisionError): print("-")' "$1" "$2"
}

# cpu_ticks PID...: the CPU time (user + system, in clock ticks: getconf CLK_TCK) the PIDs have
# used so far, from /proc/PID/stat with shell builtins only, cheap enough to bracket a load.
cpu_ticks() {
    local pid line total=0
    local -a fields
    for pid in "$@"; do
        { read -r line <"/proc/$pid/stat"; } 2>/dev/null || continue
        read -r -a fields <<<"${line##*) }"
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}

# descendants PID: the process ids of PID's live descendants, one a line.
descendants() {
    local list child
    local -a children
    for list in /proc/"$1"/task/*/children; do
        { read -r -a children <"$list"; } 2>/dev/null
        for child in "${children[@]}"; do
            echo "$child"
            descendants "$child"
        done
    done
}

# system_ticks: "BUSY IDLE", the clock ticks all CPUs have spent busy and idle (idle and
# iowait) since boot, from /proc/stat.
system_ticks() {
    local cpu user nice system idle iowait irq softirq steal rest
    read -r cpu user nice system idle iowait irq softirq steal rest </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((idle + iowait))"
}

# free_port [COUNT]: COUNT (default 1) different TCP ports nobody listens on now, on one line.
free_port() {
    python3 "$repo_dir/scripts/free_ports.py" "${1:-1}"
}

# bench_machine: the results' lines saying when, at which commit and on what it ran.
bench_machine() {
    echo "* date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "* commit: $(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo_dir" diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)")"
    echo "* host: $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_write_results: writes stdin to results.md, followed by the hand-written analysis
# (from "## Where the time goes" on) that the old results.md had.
bench_write_results() {
    {
        cat
        if [[ -f $results ]]; then
            sed -n '/^## Where the time goes/,$p' "$results" | sed '1s/^/\n/'
        fi
    } >"$results.new"
    mv "$results.new" "$results"
    echo "run.sh: wrote $results" >&2
}
