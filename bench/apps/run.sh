#!/usr/bin/env bash
# run.sh BUILD_DIR: application benchmark (issue 7). Runs unmodified Debian 12 programs from
# the Debian rootfs of tests/rootfs/debian.sh (built once per machine) natively (chroot) and
# under `unikit run` in the same invocation, APPS_RUNS times each (default 3):
#   python-start   python3 -c pass, one `unikit run` (boot included) per start
#   python-start20 20 starts of python3 -c pass from a shell loop inside one VM
#   python-loop    a CPU-bound python loop (3,000,000 iterations)
#   sqlite-insert  sqlite3 inserting 100,000 rows in one transaction into /tmp/bench.db
#   lua-loop       a lua5.4 loop (20,000,000 iterations)
# Prints the median wall time, the unikit/native ratio and the host peak RSS of each side
# (GNU time's maximum resident set size: the largest host process of the run; under unikit,
# the kernel's host process, which holds the guest's memory), and writes bench/apps/results.md.
# Not a test: timing never decides a pass.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
bench_start apps "$@"
runs=${APPS_RUNS:-3}
[[ -x /usr/bin/time ]] || { echo "run.sh: GNU time (/usr/bin/time) missing: apt-get install time" >&2; exit 1; }
rootfs=$(bash "$repo_dir/tests/rootfs/debian.sh") || { echo "run.sh: no Debian rootfs" >&2; exit 1; }

# The SQL script is read by both sides from the rootfs itself (ROOTFS is read-only to unikit).
sql_name=unikit-bench-insert.sql
cleanup_paths=("$rootfs/var/tmp/$sql_name" "$rootfs/tmp/bench.db")
python3 -c '
import sys
print("create table t(id integer primary key, name text, value real);")
print("begin;")
for i in range(100000):
    print(f"insert into t(name, value) values (\x27row{i}\x27, {i * 0.5});")
print("commit;")
print("select count(*), sum(value) from t;")' >"$rootfs/var/tmp/$sql_name"

native_chroot "$rootfs"
unikit_prefix=("$unikit" run --timeout 600s "$rootfs" --)

declare -A commands=(
    [python-start]="/usr/bin/python3 -c pass"
    [python-start20]="/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do python3 -c pass; done'"
    [python-loop]="/usr/bin/python3 -c 's = 0
for i in range(3000000): s += i * i % 7
print(s)'"
    [sqlite-insert]="/bin/sh -c 'rm -f /tmp/bench.db; sqlite3 /tmp/bench.db < /var/tmp/$sql_name; rm -f /tmp/bench.db'"
    [lua-loop]="/usr/bin/lua5.4 -e 'local s = 0 for i = 1, 20000000 do s = s + i % 7 end print(s)'"
)
order=(python-start python-start20 python-loop sqlite-insert lua-loop)

# measure SIDE NAME: appends the run's wall seconds and peak RSS (KiB) to SIDE_seconds and
# SIDE_rss, or records why it failed in failure_SIDE. Both sides must print the same.
measure() {
    local side=$1 name=$2 status
    local -n prefix="${side}_prefix" seconds="${side}_seconds" rss="${side}_rss" failure="failure_${side}"
    eval "local -a command=(${commands[$name]})"
    local start=$EPOCHREALTIME end
    env -i PATH=/usr/bin:/bin HOME=/root /usr/bin/time -f '%M' -o "$work/time" \
        "${prefix[@]}" "${command[@]}" </dev/null >"$work/$side.out" 2>"$work/err"
    status=$?
    end=$EPOCHREALTIME
    if [[ $status -eq 0 ]]; then
        seconds+=("$(python3 -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$start" "$end")")
        rss+=("$(tail -n 1 "$work/time")")
    else
        failure="status $status: $(grep -v '^Command exited' "$work/err" | head -n 1 | cut -c 1-160)"
    fi
}

table="| workload | native s | unikit s | unikit / native | native peak RSS | unikit peak RSS |
|---|---|---|---|---|---|"
notes=()
for name in "${order[@]}"; do
    native_seconds=() unikit_seconds=() native_rss=() unikit_rss=() failure_native="" failure_unikit=""
    for ((i = 0; i < runs; ++i)); do
        measure native "$name"
        measure unikit "$name"
        if [[ -z $failure_native$failure_unikit ]] && ! cmp -s "$work/native.out" "$work/unikit.out"; then
            failure_unikit="output differs from the native run's"
        fi
    done
    n=$(median 1 %.3f "${native_seconds[@]}")
    u=$(median 1 %.3f "${unikit_seconds[@]}")
    nr=$(median 1024 "%.1f MiB" "${native_rss[@]}")
    ur=$(median 1024 "%.1f MiB" "${unikit_rss[@]}")
    [[ -n $failure_native ]] && { n=fails; notes+=("native $name: $failure_native"); }
    [[ -n $failure_unikit ]] && { u=fails; notes+=("unikit $name: $failure_unikit"); }
    line="| $name | $n | $u | $(ratio "$u" "$n") | $nr | $ur |"
    echo "$line"
    table+=$'\n'"$line"
done
for note in "${notes[@]}"; do
    echo "failed: $note" >&2
done

{
    echo "# Application benchmark"
    echo
    echo "Unmodified Debian 12 programs from the rootfs of \`tests/rootfs/debian.sh\`, natively (chroot"
    echo "as root) and under \`unikit run\` in the same invocation; wall time of the whole command,"
    echo "median of $runs runs. Produced by \`bench/apps/run.sh\`."
    echo
    bench_machine
    echo "* native: $native_note"
    echo
    echo "$table"
    echo
    echo "* Every unikit time includes booting the VM (about 20 ms here). python-start20 runs"
    echo "  \`python3 -c pass\` 20 times from \`sh\` inside one VM, so it shows the cost of a start"
    echo "  without the boot: fork, execve, the dynamic linker and python's imports."
    echo "* Peak RSS is GNU time's: the largest host process of the run. Under unikit that is the"
    echo "  kernel's host process, which maps the guest RAM the programs used."
    echo "* sqlite-insert's /tmp is in guest memory under unikit and the host's disk natively."
    if ((${#notes[@]} > 0)); then
        echo
        echo "Runs that failed (\`fails\` above):"
        echo
        printf -- '* %s\n' "${notes[@]}"
    fi
} | bench_write_results
