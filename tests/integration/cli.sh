#!/usr/bin/env bash
# cli.sh BUILD_DIR: drives `BUILD_DIR/unikit` as a user would and checks the CLI contract
# of ARCHITECTURE.md: exit statuses (program's own, 128+N for signals, 125/126/127 for
# unikit's failures, each with exactly one `unikit: ` line on stderr), option handling,
# the clean guest environment, stdin/stdout passthrough, and that ROOTFS is never modified.
# Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run (default 60).
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"
rootfs=$test_rootfs
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$work/stdout"
err="$work/stderr"

# A hash of the whole tree: names, types, modes, sizes, mtimes, link targets, contents.
tree_hash() {
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -d' ' -f1
}

finish() {
    report_case "$work" 6
}

expect_stderr_nonempty() {
    [[ -s $err ]] || problem "stderr is empty"
}

expect_stderr_contains() {
    grep -qF -- "$1" "$err" || problem "stderr does not contain '$1'"
}

expect_stdout_empty() {
    [[ ! -s $out ]] || problem "stdout is not empty ($(stat -c %s "$out") bytes)"
}

# expect_stdout TEXT: stdout is exactly TEXT (use $'...' for newlines).
expect_stdout() {
    if ! cmp -s "$out" <(printf '%s' "$1"); then
        problem "stdout differs from the expected $(printf '%s' "$1" | wc -c) bytes"
    fi
}

expect_stdout_file() {
    if ! cmp -s "$out" "$1"; then
        problem "stdout differs from $(basename "$1") ($(stat -c %s "$out") vs $(stat -c %s "$1") bytes)"
    fi
}

expect_stdout_no_match() {
    ! grep -qF -- "$1" "$out" || problem "stdout contains '$1'"
}

rootfs_hash_before=$(tree_hash "$rootfs")

# --- options and usage errors: 125 ---

begin "no arguments -> 125"
unikit
expect_status 125
expect_unikit_error_line
finish

begin "'run' without ROOTFS -> 125"
unikit run
expect_status 125
expect_unikit_error_line
finish

begin "'run ROOTFS' without PROGRAM -> 125"
unikit run "$rootfs"
expect_status 125
expect_unikit_error_line
finish

begin "unknown option -> 125"
unikit run --no-such-option "$rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "unknown command -> 125"
unikit no-such-command
expect_status 125
expect_unikit_error_line
finish

begin "missing ROOTFS -> 125"
unikit run "$work/no-such-rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "ROOTFS is a regular file -> 125"
unikit run "$rootfs/data/hello.txt" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "-m 1M (below the 16M minimum) -> 125"
unikit run -m 1M "$rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "-m garbage -> 125"
unikit run -m garbage "$rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "-m 0 -> 125"
unikit run -m 0 "$rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

begin "-m without a value -> 125"
unikit run -m
expect_status 125
expect_unikit_error_line
finish

begin "--log-level garbage -> 125"
unikit run --log-level no-such-level "$rootfs" -- /bin/busybox true
expect_status 125
expect_unikit_error_line
finish

# --- help and version ---

begin "--help -> 0, usage on stdout"
unikit --help
expect_status 0
grep -qF "unikit run" "$out" || problem "stdout does not mention 'unikit run'"
finish

begin "--version -> 0"
unikit --version
expect_status 0
[[ -s $out ]] || problem "stdout is empty"
finish

# --- program lookup and execution errors: 127, 126 ---

begin "missing program (absolute path) -> 127"
unikit run "$rootfs" -- /bin/no-such-program
expect_status 127
expect_unikit_error_line
finish

begin "program name not on PATH -> 127"
unikit run "$rootfs" -- no-such-program
expect_status 127
expect_unikit_error_line
finish

begin "dynamically linked program whose dynamic linker is missing -> 127 (as docker, chroot)"
unikit run "$rootfs" -- /bin/missing-interpreter
expect_status 127
expect_unikit_error_line
expect_stdout_empty
finish

begin "program outside ROOTFS is not found (host /usr/bin/env) -> 127"
unikit run "$rootfs" -- /usr/bin/env
expect_status 127
expect_unikit_error_line
finish

for broken in not-elf truncated-elf corrupt-elf; do
    begin "$broken -> 126"
    unikit run "$rootfs" -- "/bin/$broken"
    expect_status 126
    expect_unikit_error_line
    expect_stdout_empty
    finish
done

begin "file without exec permission -> 126"
unikit run "$rootfs" -- /data/hello.txt
expect_status 126
expect_unikit_error_line
finish

begin "directory as program -> 126"
unikit run "$rootfs" -- /data
expect_status 126
expect_unikit_error_line
finish

# --- the program's own status, signals ---

for flavour in glibc-static glibc-pie musl-static; do
    begin "segfault ($flavour) -> 139, one line naming SIGSEGV"
    unikit run "$rootfs" -- "/bin/segfault-$flavour"
    expect_status 139
    expect_stdout_empty
    if (($(tr -cd '\n' <"$err" | wc -c) != 1)); then
        problem "stderr is not exactly one line"
    fi
    expect_stderr_contains SIGSEGV
    finish
done

# --- a hostile program: the guest is untrusted ---

for flavour in glibc-static musl-static; do
    begin "program borrowing the kernel's syscall instruction ($flavour) -> stopped, 125, host untouched"
    escape_target="$work/escaped-$flavour"
    unikit run "$rootfs" -- "/bin/escape-$flavour" "$escape_target" --under-unikit
    expect_status 125
    expect_unikit_error_line
    expect_stderr_contains "forbidden host syscall"
    [[ ! -e $escape_target ]] || problem "the program created $escape_target on the host"
    finish
done

begin "exit status passes through (77), nothing extra on stderr"
unikit run "$rootfs" -- /bin/exit_code-glibc-static 77
expect_status 77
expect_stderr_empty
finish

begin "program's stderr passes through"
unikit run "$rootfs" -- /bin/busybox cat /data/no-such-file
expect_status 1
expect_stdout_empty
expect_stderr_contains "no-such-file"
finish

# --- normal runs ---

begin "normal run: stdout exact, nothing on stderr"
unikit run "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout $'hello, world\n'
expect_stderr_empty
finish
cp "$out" "$work/hello.out"

begin "'--' is optional"
unikit run "$rootfs" /bin/hello-musl-static
expect_status 0
expect_stdout $'hello, world\n'
expect_stderr_empty
finish

begin "options after PROGRAM belong to the program"
unikit run "$rootfs" -- /bin/args_env-glibc-static -m 1M --trace -e X=1 --
expect_status 0
expect_line "argc=7"
expect_line "argv[1]=-m"
expect_line "argv[3]=--trace"
expect_line "argv[5]=X=1"
expect_line "argv[6]=--"
expect_stdout_no_match "env=X="
expect_stderr_empty
finish

begin "-m 16M (the minimum) is accepted"
unikit run -m 16M "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout $'hello, world\n'
finish

begin "-m 1G is accepted"
unikit run -m 1G "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout $'hello, world\n'
finish

begin "--log-level warn runs the program unchanged and names each unimplemented syscall once"
unikit run --log-level warn "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout $'hello, world\n'
# glibc's start-up asks for rseq, which returns ENOSYS for now.
rseq_lines=$(grep -c 'syscall rseq (334) is not implemented' "$err")
((rseq_lines == 1)) || problem "rseq named $rseq_lines times, expected once"
finish

begin "--log-level warn names an unimplemented syscall once however often it is called"
unikit run --log-level warn "$rootfs" -- /bin/unimplemented-musl-static
expect_status 0
expect_line "mq_getsetattr = -1 (Function not implemented)"
lines=$(grep -c 'syscall mq_getsetattr (245) is not implemented' "$err")
((lines == 1)) || problem "mq_getsetattr named $lines times, expected once"
finish

begin "without --log-level, unimplemented syscalls are silent"
unikit run "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stderr_empty
finish

# --- environment ---

export UNIKIT_TEST_SECRET=must-not-leak
export UNIKIT_TEST_PASSED=from-the-caller

begin "guest environment is exactly PATH and HOME; host variables do not leak"
unikit run "$rootfs" -- /bin/args_env-musl-static
expect_status 0
expect_line "envc=2"
expect_line "env=HOME=/"
expect_line "env=PATH=$guest_path"
expect_stdout_no_match "UNIKIT_TEST_SECRET"
expect_stdout_no_match "must-not-leak"
finish

begin "-e NAME=VALUE is visible to the program"
unikit run -e 'GREETING=hello world' -e EMPTY= "$rootfs" -- /bin/args_env-glibc-static
expect_status 0
expect_line "env=GREETING=hello world"
expect_line "env=EMPTY="
expect_line "envc=4"
expect_stdout_no_match "must-not-leak"
finish

begin "-e NAME takes the caller's value"
unikit run -e UNIKIT_TEST_PASSED "$rootfs" -- /bin/args_env-glibc-pie
expect_status 0
expect_line "env=UNIKIT_TEST_PASSED=from-the-caller"
expect_stdout_no_match "must-not-leak"
finish

unset UNIKIT_TEST_SECRET UNIKIT_TEST_PASSED

# --- diagnostics options ---

begin "--trace: write( and exit_group( on stderr, stdout unchanged"
unikit run --trace "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout_file "$work/hello.out"
expect_stderr_contains 'write(1, "hello, world\n", 13) = 13'
expect_stderr_contains "exit_group(0) = ?"
expect_stderr_contains "rseq("
expect_stderr_contains "= -1 ENOSYS (Function not implemented)"
finish

begin "--trace with threads: lines name the thread, a wait shows <unfinished ...>"
unikit run --trace "$rootfs" -- /bin/threads_sync-glibc-static
expect_status 0
expect_stderr_contains "[pid 1] clone3("
expect_stderr_contains "[pid 2] "
expect_stderr_contains " <unfinished ...>"
finish

begin "--stats: something on stderr, stdout unchanged"
unikit run --stats "$rootfs" -- /bin/hello-glibc-static
expect_status 0
expect_stdout_file "$work/hello.out"
expect_stderr_nonempty
finish

# --- stdin and big outputs ---

begin "a thread waiting for stdin stops no other thread (compared with the host)"
mkfifo "$work/late.in"
{ sleep 1; echo late; } >"$work/late.in" &
stdin_source="$work/late.in"
unikit run "$rootfs" -- /bin/stdin_thread-glibc-static
stdin_source=/dev/null
wait
{ sleep 1; echo late; } | chroot "$rootfs" /bin/stdin_thread-glibc-static >"$work/late.native" 2>/dev/null
expect_status 0
expect_stdout_file "$work/late.native"
finish

begin "stdin passes through (echo abc | busybox cat)"
printf 'abc\n' >"$work/abc.in"
stdin_source="$work/abc.in"
unikit run "$rootfs" -- /bin/busybox cat
stdin_source=/dev/null
expect_status 0
expect_stdout $'abc\n'
expect_stderr_empty
finish

begin "stdin from a pipe (echo abc | unikit run ... cat)"
printf 'abc\n' | timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$rootfs" -- /bin/busybox cat >"$out" 2>"$err"
status=$?
expect_status 0
expect_stdout $'abc\n'
finish

begin "1 MiB of binary stdin (sha256sum of /data/blob.bin via stdin)"
stdin_source="$rootfs/data/blob.bin"
unikit run "$rootfs" -- /bin/busybox sha256sum
stdin_source=/dev/null
expect_status 0
expect_stdout "$(sha256sum <"$rootfs/data/blob.bin" | cut -d' ' -f1)  -"$'\n'
finish

# The test programs are static, so the host runs them directly to produce references.
"$rootfs/bin/write_many-glibc-static" 1000000 >"$work/many.expected"

begin "big output: 1,000,000 lines to a file"
unikit run "$rootfs" -- /bin/write_many-glibc-static 1000000
expect_status 0
expect_stdout_file "$work/many.expected"
expect_stderr_empty
finish

begin "big output: 1,000,000 lines through a pipe"
timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$rootfs" -- /bin/write_many-musl-static 1000000 2>"$err" |
    sha256sum >"$work/many.pipe.sum"
status=${PIPESTATUS[0]}
expect_status 0
if [[ $(cut -d' ' -f1 "$work/many.pipe.sum") != $(sha256sum <"$work/many.expected" | cut -d' ' -f1) ]]; then
    problem "the piped output differs from the expected $(stat -c %s "$work/many.expected") bytes"
fi
finish

# The native run gives the expected status: 141 (SIGPIPE), or 1 if SIGPIPE is ignored here.
"$rootfs/bin/write_many-glibc-static" 100000000 | head -n 1 >/dev/null
native_pipe_status=${PIPESTATUS[0]}
begin "reader closes the pipe early: program sees SIGPIPE/EPIPE as natively ($native_pipe_status), no hang"
timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$rootfs" -- /bin/write_many-glibc-static 100000000 2>"$err" |
    head -n 1 >"$out"
status=${PIPESTATUS[0]}
expect_status "$native_pipe_status"
expect_stdout $'line 0: the quick brown fox jumps over the lazy dog\n'
finish

# --- the rootfs is never modified ---

begin "writes inside the guest do not reach ROOTFS"
unikit run "$rootfs" -- /bin/busybox sh -c \
    'echo changed > /data/hello.txt; echo new > /data/new.txt; echo t > /tmp/t; rm -f /data/words.txt; cat /data/hello.txt'
# Whether the guest supports these writes yet is not this test's concern.
rootfs_hash_after=$(tree_hash "$rootfs")
[[ $rootfs_hash_after == "$rootfs_hash_before" ]] || problem "ROOTFS changed during the tests"
finish

summary
((failed == 0))
