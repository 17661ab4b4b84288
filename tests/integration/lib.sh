# lib.sh: what the integration scripts (cli.sh, files.sh, confinement.sh) share: the
# BUILD_DIR argument and the test rootfs, the bookkeeping of cases, the common expectations
# and the summary. Sourced, never run; each script defines `finish` around report_case.

# integration_build "$@": checks the one BUILD_DIR argument and that unikit is built there.
# Sets build_dir, unikit and timeout_seconds.
integration_build() {
    if [[ $# -ne 1 ]]; then
        echo "usage: $0 BUILD_DIR" >&2
        exit 2
    fi
    build_dir=$(cd "$1" && pwd) || exit 2
    unikit="$build_dir/unikit"
    timeout_seconds=${UNIKIT_TEST_TIMEOUT:-60}
    if [[ ! -x $unikit ]]; then
        echo "$(basename "$0"): $unikit not found or not executable (build it first)" >&2
        exit 1
    fi
}

# integration_start "$@": integration_build, then builds the test rootfs. Sets test_rootfs too.
integration_start() {
    integration_build "$@"
    test_rootfs="$build_dir/test-rootfs"
    bash "$script_dir/../rootfs/build.sh" "$test_rootfs" || {
        echo "$(basename "$0"): could not build the test rootfs" >&2
        exit 1
    }
}

# free_port [COUNT]: COUNT (default 1) different TCP ports nobody listens on now, on one line.
free_port() {
    python3 "$script_dir/../../scripts/free_ports.py" "${1:-1}"
}

passed=0
failed=0
skipped=0
failed_cases=()
case_name=""
problems=()
status=0
active=true
# A regular expression: only the cases whose name matches run (empty: all of them).
case_filter=""

# unikit ARGS...: runs unikit with stdin from $stdin_source (default /dev/null), stdout and
# stderr to $out and $err, exit status in $status. Does nothing for a filtered-out case.
stdin_source=/dev/null
unikit() {
    : >"$out"
    : >"$err"
    $active || return 0
    { timeout --kill-after=5 "$timeout_seconds" "$unikit" "$@" <"$stdin_source" >"$out" 2>"$err"; } 2>>"$err"
    status=$?
    if ((status == 124)); then
        problem "unikit timed out after ${timeout_seconds}s"
    fi
}

# The stderr of unikit's own failures: exactly one newline-terminated line, `unikit: ...`.
expect_unikit_error_line() {
    local lines
    lines=$(tr -cd '\n' <"$err" | wc -c)
    if [[ ! -s $err ]]; then
        problem "stderr is empty, expected one 'unikit: ' line"
    elif ((lines != 1)) || [[ $(tail -c 1 "$err" | od -An -c | tr -d ' ') != '\n' ]]; then
        problem "stderr is not exactly one line ($lines newlines, $(stat -c %s "$err") bytes)"
    fi
    if [[ -s $err && $(head -c 8 "$err") != "unikit: " ]]; then
        problem "stderr does not start with 'unikit: '"
    fi
}

begin() {
    case_name=$1
    problems=()
    active=true
    if [[ -n $case_filter && ! $case_name =~ $case_filter ]]; then
        active=false
    fi
}

problem() {
    problems+=("$1")
}

# report_case STREAM_DIR LINES: PASS or FAIL for the case (counted as skipped when filtered
# out); a failure lists its problems and the first LINES lines of STREAM_DIR/stdout and stderr.
report_case() {
    if ! $active; then
        skipped=$((skipped + 1))
        return
    fi
    if ((${#problems[@]} == 0)); then
        printf 'PASS  %s\n' "$case_name"
        passed=$((passed + 1))
        return
    fi
    printf 'FAIL  %s\n' "$case_name"
    printf '    %s\n' "${problems[@]}"
    local stream
    for stream in stdout stderr; do
        if [[ -s $1/$stream ]]; then
            echo "    --- $stream (first lines) ---"
            head -n "$2" "$1/$stream" | cut -c 1-200 | sed 's/^/    /'
        fi
    done
    failed=$((failed + 1))
    failed_cases+=("$case_name")
}

expect_status() {
    $active || return 0
    ((status == $1)) || problem "exit status $status, expected $1"
}

# expect_line TEXT: stdout ($out) has exactly this line.
expect_line() {
    $active || return 0
    grep -qxF -- "$1" "$out" || problem "stdout lacks the line '$1'"
}

expect_stderr_empty() {
    $active || return 0
    [[ ! -s $err ]] || problem "stderr is not empty ($(stat -c %s "$err") bytes)"
}

# The failed cases and the counts; the script's exit status is its own to decide.
summary() {
    if ((failed > 0)); then
        echo
        echo "failed cases:"
        printf '  %s\n' "${failed_cases[@]}"
    fi
    ((skipped > 0)) && echo "($skipped cases filtered out)"
    echo "$passed passed, $failed failed"
}
