#!/usr/bin/env bash
# run.sh BUILD_DIR: network server benchmark (issue 8). Unmodified Debian 12 servers from the
# rootfs of tests/rootfs/debian.sh, each run natively (tests/rootfs/native.sh: chroot into the
# same rootfs) and under `unikit run -p`, both reached from the host over loopback, in the same
# invocation, NET_RUNS times each (default 3), one server start per run:
#   nginx-static  wrk -t2 -c10 -d${NET_SECONDS:-5}s --latency: nginx (a master and one worker, as
#                 Debian runs it) serving a 1 KiB file
#   redis-set     redis-benchmark -c 10 -n 50000 -t set --csv against redis-server
#   redis-get     the same with -t get
# Prints the median requests/s, p50 and p99 latency of each side and their ratio; for unikit
# the VM exits (the hypercall total of --stats) and the trapped program syscalls per request,
# less what starting and stopping the server costs (a run without load); and the CPU time the
# client and each server process used during the load. Writes bench/net/results.md. Installs
# wrk and redis-tools if missing. Needs root (the native servers). Not a test.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
bench_start net "$@"
runs=${NET_RUNS:-3}
seconds=${NET_SECONDS:-5}
requests=50000
bash "$repo_dir/scripts/install_host_tools.sh" curl:curl wrk:wrk redis-cli:redis-tools redis-benchmark:redis-tools || exit 1
[[ -x /usr/bin/time ]] || { echo "run.sh: GNU time (/usr/bin/time) missing: apt-get install time" >&2; exit 1; }
rootfs=$(bash "$repo_dir/tests/rootfs/debian.sh") || { echo "run.sh: no Debian rootfs" >&2; exit 1; }
native_chroot "$rootfs" # for native_note; the servers start through tests/rootfs/native.sh

# The volume /srv of both sides: nginx's configuration and the page it serves.
srv="$work/srv"
mkdir -p "$srv/www"
python3 -c 'print("<html><body>" + "unikit " * 144 + "</body></html>")' >"$srv/www/index.html"
chmod -R u=rwX,go=rX "$srv"
# nginx_conf LISTEN: the servers test's nginx.conf.in, with a master process and a worker.
nginx_conf() {
    sed -e "s/@LISTEN@/$1/" -e "s/@MASTER_PROCESS@/on/" "$repo_dir/tests/integration/nginx.conf.in"
}
nginx_conf 8080 >"$srv/nginx.conf"
redis_options=(--save '' --appendonly no --protected-mode no)
# nginx under unikit runs below a shell that stops it once a connection comes to guest port
# 9999 (published as stop_port), so that the program exits and --stats has the trapped
# syscalls too: a VM stopped by a signal has only the monitor's counts. (A shell waiting on
# stdin instead would cost a Console exit per wakeup of the guest under load.)
unikit_nginx='nginx -c /srv/nginx.conf -g "daemon off;" & perl -MIO::Socket::INET -e "IO::Socket::INET->new(LocalPort => 9999, Listen => 1, ReuseAddr => 1)->accept or die"; kill $!; wait'

server_pid=""
bench_stop() {
    [[ -n $server_pid ]] || return 0
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
}

# answers SERVER PORT: whether SERVER (nginx or redis) answers on PORT.
answers() {
    case $1 in
    nginx) curl -sf --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$2/index.html" ;;
    redis) [[ $(timeout 5 redis-cli -p "$2" PING 2>/dev/null) == PONG ]] ;;
    esac
}

# start_server SIDE SERVER: starts SERVER natively or under unikit on a free port (sets port and
# server_pid) and waits until it answers; status 1, with the reason on stderr, if it does not.
start_server() {
    local side=$1 server=$2
    read -r port stop_port <<<"$(free_port 2)"
    if [[ $side == native && $server == nginx ]]; then
        nginx_conf "127.0.0.1:$port" >"$srv/nginx-native.conf"
        bash "$repo_dir/tests/rootfs/native.sh" "$rootfs" "$srv" nginx -c /srv/nginx-native.conf -g 'daemon off;' \
            </dev/null >/dev/null 2>"$work/server.err" &
    elif [[ $side == native ]]; then
        bash "$repo_dir/tests/rootfs/native.sh" "$rootfs" "$srv" redis-server "${redis_options[@]}" --port "$port" \
            --bind 127.0.0.1 </dev/null >/dev/null 2>"$work/server.err" &
    elif [[ $server == nginx ]]; then
        "$unikit" run --stats --timeout 600s -v "$srv:/srv:ro" -p "127.0.0.1:$port:8080" -p "127.0.0.1:$stop_port:9999" \
            "$rootfs" -- /bin/sh -c "$unikit_nginx" </dev/null >/dev/null 2>"$work/server.err" &
    else
        "$unikit" run --stats --timeout 600s -p "127.0.0.1:$port:6379" "$rootfs" -- \
            redis-server "${redis_options[@]}" --port 6379 </dev/null >/dev/null 2>"$work/server.err" &
    fi
    server_pid=$!
    for _ in $(seq 300); do
        answers "$server" "$port" && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "run.sh: $side $server does not answer; its stderr ends: $(tail -n 1 "$work/server.err")" >&2
    bench_stop
    server_pid=""
    return 1
}

# stop_server SIDE SERVER: stops it (a connection to stop_port for nginx under unikit, SIGTERM
# for the native nginx, SHUTDOWN NOSAVE for redis) and waits for it to end.
stop_server() {
    case $1/$2 in
    unikit/nginx) timeout 10 bash -c ': <"/dev/tcp/127.0.0.1/$1"' stop "$stop_port" 2>/dev/null ;;
    native/nginx) kill -TERM "$server_pid" ;;
    */redis) timeout 10 redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 ;;
    esac
    for _ in $(seq 300); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    bench_stop
    server_pid=""
}

# stats_counts: "HYPERCALLS SYSCALLS" from the --stats of the last unikit server's stderr.
stats_counts() {
    local hypercalls syscalls
    hypercalls=$(sed -nE 's/^  total +([0-9]+) +[0-9.]+$/\1/p' "$work/server.err" | head -n 1)
    syscalls=$(sed -nE 's/^program syscalls trapped: ([0-9]+)$/\1/p' "$work/server.err")
    echo "${hypercalls:--} ${syscalls:--}"
}

# load WORKLOAD: runs the workload's client against 127.0.0.1:$port; sets rps, p50 and p99 (ms),
# completed (requests), client_cpu (seconds), client_errors (wrk's socket errors line, if
# any) and cpu_before and cpu_after ("SERVER DESCENDANTS BUSY IDLE" ticks, then the time), or
# failure.
load() {
    local client
    case $1 in
    nginx-static) client=(wrk -t2 -c10 -d"${seconds}s" --latency "http://127.0.0.1:$port/index.html") ;;
    redis-set) client=(redis-benchmark -p "$port" -c 10 -n "$requests" -t set --csv) ;;
    redis-get) client=(redis-benchmark -p "$port" -c 10 -n "$requests" -t get --csv) ;;
    esac
    local -a children
    mapfile -t children < <(descendants "$server_pid")
    cpu_before="$(cpu_ticks "$server_pid") $(cpu_ticks "${children[@]}") $(system_ticks) $EPOCHREALTIME"
    /usr/bin/time -f '%U %S' -o "$work/client.time" timeout 300 "${client[@]}" >"$work/client.out" 2>&1
    local status=$?
    cpu_after="$(cpu_ticks "$server_pid") $(cpu_ticks "${children[@]}") $(system_ticks) $EPOCHREALTIME"
    if ((status != 0)); then
        failure="${client[0]} failed: $(tail -n 1 "$work/client.out")"
        return
    fi
    client_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/client.time")
    # One line: "RPS P50_MS P99_MS REQUESTS", or an error message.
    local figures
    figures=$(python3 -c '
import csv, re, sys
text = open(sys.argv[1]).read()
def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
if sys.argv[2] == "nginx-static":
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if bad:
        sys.exit("wrk got %s answers that were not 2xx/3xx" % bad.group(1))
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1)
    p50 = ms(*re.search(r"^\s+50%\s+([0-9.]+)(us|ms|s)$", text, re.M).groups())
    p99 = ms(*re.search(r"^\s+99%\s+([0-9.]+)(us|ms|s)$", text, re.M).groups())
    done = re.search(r"(\d+) requests in", text).group(1)
else:
    row = next(r for r in csv.DictReader(line for line in text.splitlines() if line.startswith("\"")))
    rps, p50, p99, done = row["rps"], float(row["p50_latency_ms"]), float(row["p99_latency_ms"]), sys.argv[3]
print(rps, "%.3f" % p50, "%.3f" % p99, done)' "$work/client.out" "$1" "$requests" 2>&1) || {
        failure="cannot read ${client[0]}'s output: $(tail -n 1 <<<"$figures")"
        return
    }
    read -r rps p50 p99 completed <<<"$figures"
    client_errors=$(grep -m1 'Socket errors' "$work/client.out" | sed 's/^ *//')
}

# measure SIDE WORKLOAD: one server start, load and stop; appends the figures to the SIDE_*
# arrays, or sets failure_SIDE.
measure() {
    local side=$1 workload=$2 server=${2%%-*}
    local -n side_rps="${side}_rps" side_p50="${side}_p50" side_p99="${side}_p99" side_failure="failure_$side"
    local -n side_cpu="${side}_cpu" side_exits="${side}_exits" side_syscalls="${side}_syscalls"
    failure=""
    start_server "$side" "$server" || { side_failure="the server does not start"; return; }
    load "$workload"
    stop_server "$side" "$server"
    [[ -z $failure ]] || { side_failure=$failure; return; }
    [[ -z $client_errors ]] || notes+=("$side $workload: wrk: $client_errors")
    side_rps+=("$rps") side_p50+=("$p50") side_p99+=("$p99")
    # CPU seconds during the load: "WALL CLIENT SERVER DESCENDANTS OTHERS IDLE%". SERVER is the
    # server's first process natively, the monitor under unikit; DESCENDANTS the native
    # server's workers or the guest kernel's host processes (which also run the program);
    # OTHERS the rest of the machine's busy time (other processes, the kernel's own work).
    side_cpu+=("$(python3 -c 'import sys
b, a = [list(map(float, x.split())) for x in sys.argv[1:3]]
own, children, busy, idle, wall = (a[i] - b[i] for i in range(5))
own, children, busy, idle = (x / float(sys.argv[4]) for x in (own, children, busy, idle))
client = float(sys.argv[3])
print("%.2f %.2f %.2f %.2f %.2f %.0f%%" % (wall, client, own, children, max(0, busy - client - own - children), 100 * idle / (busy + idle)))' \
        "$cpu_before" "$cpu_after" "$client_cpu" "$(getconf CLK_TCK)")")
    if [[ $side == unikit ]]; then
        local -n idle="idle_$server"
        local counts column per_request
        read -r -a counts <<<"$(stats_counts)"
        for column in 0 1; do
            # (loaded - idle) / requests; nothing when a count is missing.
            per_request=$(python3 -c 'import sys; print("%.2f" % ((int(sys.argv[1]) - int(sys.argv[2])) / int(sys.argv[3])))' \
                "${counts[column]}" "${idle[column]}" "$completed" 2>/dev/null) || continue
            if ((column == 0)); then
                side_exits+=("$per_request")
            else
                side_syscalls+=("$per_request")
            fi
        done
    fi
}

# What starting, probing and stopping each server costs under unikit, without load.
for server in nginx redis; do
    declare -a "idle_$server=(- -)"
    if start_server unikit "$server"; then
        stop_server unikit "$server"
        read -r -a "idle_$server" <<<"$(stats_counts)"
    fi
done

table="| workload | native req/s | unikit req/s | unikit / native | native p50 ms | unikit p50 ms | native p99 ms | unikit p99 ms | exits / req | syscalls / req |
|---|---|---|---|---|---|---|---|---|---|"
cpu_table="| workload | side | wall s | client | server | unikit monitor | unikit-kernel processes | everything else | idle |
|---|---|---|---|---|---|---|---|---|"
notes=()
for workload in nginx-static redis-set redis-get; do
    native_rps=() unikit_rps=() native_p50=() unikit_p50=() native_p99=() unikit_p99=()
    native_cpu=() unikit_cpu=() unikit_exits=() unikit_syscalls=() native_exits=() native_syscalls=()
    failure_native="" failure_unikit=""
    for ((i = 0; i < runs; ++i)); do
        measure native "$workload"
        measure unikit "$workload"
    done
    nr=$(median 1 %.0f "${native_rps[@]}")
    ur=$(median 1 %.0f "${unikit_rps[@]}")
    [[ -n $failure_native ]] && { nr=fails; notes+=("native $workload: $failure_native"); }
    [[ -n $failure_unikit ]] && { ur=fails; notes+=("unikit $workload: $failure_unikit"); }
    line="| $workload | $nr | $ur | $(ratio "$ur" "$nr") | $(median 1 %.3f "${native_p50[@]}") | $(median 1 %.3f "${unikit_p50[@]}") |"
    line+=" $(median 1 %.3f "${native_p99[@]}") | $(median 1 %.3f "${unikit_p99[@]}") | $(median 1 %.2f "${unikit_exits[@]}") | $(median 1 %.2f "${unikit_syscalls[@]}") |"
    echo "$line"
    table+=$'\n'"$line"
    # The CPU split of the last run of each side.
    for side in native unikit; do
        declare -n cpu="${side}_cpu"
        ((${#cpu[@]} > 0)) || continue
        read -r load_seconds client own children others idle <<<"${cpu[-1]}"
        if [[ $side == native ]]; then
            server_cpu=$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) + float(sys.argv[2])))' "$own" "$children")
            cpu_table+=$'\n'"| $workload | native | $load_seconds | $client | $server_cpu | - | - | $others | $idle |"
        else
            cpu_table+=$'\n'"| $workload | unikit | $load_seconds | $client | - | $own | $children | $others | $idle |"
        fi
    done
done
echo
echo "$cpu_table"
for note in "${notes[@]}"; do
    echo "note: $note" >&2
done

{
    echo "# Network server benchmark"
    echo
    echo "Unmodified Debian 12 servers from the rootfs of \`tests/rootfs/debian.sh\`, natively (chroot into"
    echo "the same rootfs, \`tests/rootfs/native.sh\`) and under \`unikit run -p\` (slirp), each reached from"
    echo "the host over 127.0.0.1 in the same invocation; median of $runs runs, a server start per run."
    echo "Produced by \`bench/net/run.sh\`."
    echo
    bench_machine
    echo "* native: $native_note, in a mount namespace"
    echo "* nginx-static: nginx 1.22 (a master and one worker on both sides), a 1 KiB file,"
    echo "  \`wrk -t2 -c10 -d${seconds}s --latency\`"
    echo "* redis-set, redis-get: redis-server 7.0, \`redis-benchmark -c 10 -n $requests -t set|get --csv\`"
    echo
    echo "$table"
    echo
    echo "* Latencies are the client's (wrk's or redis-benchmark's percentiles), in milliseconds."
    echo "* exits / req: the VM exits (\`unikit run --stats\`, the total of the hypercall table) per"
    echo "  request; syscalls / req: the program syscalls unikit trapped per request. Both less what a"
    echo "  run of the same server without load costs (boot, start-up, the readiness probe, stop)."
    echo
    echo "CPU seconds used during the load, last run of each side (\`/proc/PID/stat\` utime + stime of"
    echo "the server's processes, GNU time's for the client, \`/proc/stat\` for the machine). Under unikit"
    echo "the server is the monitor (\`unikit\`: slirp and the published port) and the guest kernel's host"
    echo "processes (\`unikit-kernel\`, which also run the program). Everything else is the rest of the"
    echo "machine's busy time (other processes, host kernel threads); idle is the share of all CPUs idle."
    echo
    echo "$cpu_table"
    if ((${#notes[@]} > 0)); then
        echo
        echo "Runs that failed (\`fails\` above) or had errors:"
        echo
        printf -- '* %s\n' "${notes[@]}"
    fi
    if [[ ! -f $results ]] || ! grep -q '^## Where the time goes' "$results"; then
        echo
        echo "## Where the time goes"
        echo
        echo "(to be written)"
    fi
} | bench_write_results
