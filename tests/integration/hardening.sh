#!/usr/bin/env bash
# hardening.sh BUILD_DIR: the limits a hostile or broken guest runs into. --timeout (124, one
# line, VM gone), SIGTERM/SIGINT/SIGHUP on a guest spinning for ever (128+N, VM gone), -m
# enforced (out of memory, 137), output floods that neither grow the monitor nor stall it,
# and a program trying every way to write that leaves ROOTFS unchanged to the last timestamp.
# Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run (default 60).
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"
rootfs=$test_rootfs

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-hardening.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$work/stdout"
err="$work/stderr"

finish() {
    report_case "$work" 6
}

# Every entry of the tree: name, type, mode, owner, links, size, mtime, ctime, link target,
# then every file's contents. Access times are left out (reading is allowed).
tree_hash() {
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %U:%G %n %s %T@ %C@ %l\n' | LC_ALL=C sort
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -d' ' -f1
}

# The stderr of unikit's own stops: exactly one line, starting "unikit: ".
expect_one_unikit_line() {
    $active || return 0
    local lines
    lines=$(wc -l <"$err")
    ((lines == 1)) || problem "stderr has $lines lines, expected one 'unikit: ' line"
    [[ $(head -c 8 "$err") == "unikit: " ]] || problem "stderr does not start with 'unikit: '"
}

# run_in_session ARGS...: runs `unikit run ARGS` in a new session in the background (stdout to $out,
# stderr to $err); sets pid (unikit's, also the session id).
run_in_session() {
    setsid "$unikit" run "$@" </dev/null >"$out" 2>"$err" &
    pid=$!
}

# wait_for_output TEXT: waits (up to 20 s) until stdout holds TEXT.
wait_for_output() {
    local tries
    for ((tries = 0; tries < 200; tries++)); do
        grep -qF -- "$1" "$out" 2>/dev/null && return 0
        sleep 0.1
    done
    problem "the program never printed '$1'"
    return 1
}

# expect_session_gone SID: no process of the session is left (the guest kernel included).
expect_session_gone() {
    local left
    sleep 0.2
    left=$(ps -eo sid=,pid=,comm= | awk -v sid="$1" '$1 == sid { print $2 " " $3 }')
    [[ -z $left ]] || problem "processes left behind: $left"
}

# --- --timeout --------------------------------------------------------------------------

begin "--timeout stops a guest spinning for ever: 124, one line, nothing left"
if $active; then
    start=$(date +%s%N)
    run_in_session --timeout 1500ms "$rootfs" -- /bin/spin-glibc-static
    wait "$pid"
    status=$?
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    expect_status 124
    expect_one_unikit_line
    grep -qF "timed out after 1.500s" "$err" || problem "stderr does not say 'timed out after 1.500s'"
    ((elapsed_ms >= 1400 && elapsed_ms < 6000)) || problem "took ${elapsed_ms} ms"
    expect_session_gone "$pid"
fi
finish

begin "--timeout does not touch a program that finishes in time"
if $active; then
    "$unikit" run --timeout 30 "$rootfs" -- /bin/hello-musl-static >"$out" 2>"$err"
    status=$?
    expect_status 0
    expect_line "hello, world"
    expect_stderr_empty
fi
finish

begin "--timeout refuses garbage with 125"
if $active; then
    "$unikit" run --timeout 10x "$rootfs" -- /bin/hello-musl-static >"$out" 2>"$err"
    status=$?
    expect_status 125
    expect_one_unikit_line
fi
finish

# --- signals to a spinning guest ----------------------------------------------------------

for signal in TERM INT HUP; do
    number=$(kill -l "$signal")
    begin "SIG$signal to unikit running a guest spinning for ever: $((128 + number)), nothing left"
    if $active; then
        run_in_session "$rootfs" -- /bin/spin-musl-static
        if wait_for_output spinning; then
            kill -s "$signal" "$pid"
        fi
        wait "$pid"
        status=$?
        expect_status $((128 + number))
        expect_session_gone "$pid"
    fi
    finish
done

begin "SIGINT with --stats: the guest is stopped, the report printed, 130"
if $active; then
    run_in_session --stats "$rootfs" -- /bin/spin-musl-static
    if wait_for_output spinning; then
        kill -s INT "$pid"
    fi
    wait "$pid"
    status=$?
    expect_status 130
    expect_session_gone "$pid"
    grep -q "^unikit stats:" "$err" || problem "no --stats report on stderr"
    grep -qE "^  total +[0-9.]+ ms$" "$err" || problem "the report has no boot phase total"
fi
finish

# --- memory -----------------------------------------------------------------------------

begin "-m 32M holds: a program touching 4 GiB stops (137 or a failed malloc), host RSS stays small"
if $active; then
    /usr/bin/time -f '%M' -o "$work/rss" timeout 60 "$unikit" run -m 32M "$rootfs" -- \
        /bin/memory_hog-glibc-static 4096 >"$out" 2>"$err"
    status=$?
    if ((status == 137)); then
        expect_one_unikit_line
        grep -qF "out of guest memory" "$err" || problem "stderr does not say 'out of guest memory'"
    elif ((status == 2)); then
        grep -qF "malloc failed" "$out" || problem "status 2 without 'malloc failed'"
    else
        problem "exit status $status, expected 137 (out of memory) or 2 (malloc failed)"
    fi
    # The largest of unikit's and the guest kernel's peaks (the RAM memfd counts in the latter).
    rss_kib=$(tail -n 1 "$work/rss")
    ((rss_kib < 64 * 1024)) || problem "peak RSS ${rss_kib} KiB with -m 32M"
    echo "    (peak RSS ${rss_kib} KiB)"
fi
finish

# --- output floods ------------------------------------------------------------------------

begin "1 GiB on stdout goes through without growing the monitor"
if $active; then
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/rss" "$unikit" run "$rootfs" -- /bin/flood-glibc-static 1024 2>"$err" | wc -c >"$out"
    status=${PIPESTATUS[0]}
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    expect_status 0
    expect_line 1073741824
    rss_kib=$(tail -n 1 "$work/rss")
    ((rss_kib < 64 * 1024)) || problem "peak RSS ${rss_kib} KiB for 1 GiB of output"
    ((elapsed_ms < 30000)) || problem "1 GiB took ${elapsed_ms} ms"
    echo "    (1 GiB in ${elapsed_ms} ms, peak RSS ${rss_kib} KiB)"
fi
finish

begin "a reader that goes away ends the flood at once (SIGPIPE: 141, no message)"
if $active; then
    "$unikit" run "$rootfs" -- /bin/flood-musl-static 100000 2>"$err" | head -c 1000000 >"$out"
    status=${PIPESTATUS[0]}
    expect_status 141
    expect_stderr_empty
    [[ $(stat -c %s "$out") == 1000000 ]] || problem "head got $(stat -c %s "$out") bytes"
fi
finish

begin "a reader that stops reading blocks the flood, and --timeout still ends it"
if $active; then
    # sleep never reads: the pipe fills, the monitor blocks writing, SIGALRM still gets through.
    "$unikit" run --timeout 2 "$rootfs" -- /bin/flood-glibc-static 100000 2>"$err" | sleep 8 &
    wait $!
    # $! is sleep's pid; unikit's status comes from its stderr and the elapsed time instead.
    grep -qF "timed out after 2s" "$err" || problem "no timeout line on stderr: $(head -c 200 "$err")"
fi
finish

# --- ROOTFS is never written --------------------------------------------------------------

begin "a program trying every way to write leaves ROOTFS exactly as it was"
if $active; then
    before=$(tree_hash "$rootfs")
    "$unikit" run "$rootfs" -- /bin/rootfs_writer-glibc-static >"$out" 2>"$err"
    status=$?
    expect_status 0
    expect_line "done"
    # Inside the guest the writes succeed (the overlay): check that they really were attempted.
    expect_line "overwrite /etc/hostname: ok"
    expect_line "hard link /etc/group: ok"
    "$unikit" run "$rootfs" -- /bin/busybox sh -c \
        'rm -rf /data /etc; mv /bin/busybox /bin/bb; /bin/bb touch /x; /bin/bb chmod 777 /' >/dev/null 2>&1
    "$unikit" run "$rootfs" -- /bin/busybox rm -rf / >/dev/null 2>&1
    "$unikit" run "$rootfs" -- /bin/rootfs_writer-musl-static >/dev/null 2>&1
    after=$(tree_hash "$rootfs")
    [[ $before == "$after" ]] || problem "ROOTFS CHANGED on the host"
fi
finish

summary
((failed == 0))
