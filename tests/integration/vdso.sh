#!/usr/bin/env bash
# vdso.sh BUILD_DIR: the vDSO is used. 100,000 clock_gettime calls of each test-program
# flavour (glibc static, glibc static-pie, musl static) must trap next to no syscalls
# (`unikit run --stats`: program start-up and a few re-anchors of the clock only), and the
# clock must never go back. Only unikit can show this, so there is no native half.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-vdso.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$work/stdout"
err="$work/stderr"

finish() {
    report_case "$work" 8
}

# Start-up makes ~20 calls; a 100,000-call loop that went through the kernel would trap
# 100,000 times.
max_traps=100
for flavour in glibc-static glibc-pie musl-static; do
    begin "100,000 clock_gettime calls without traps ($flavour)"
    timeout "$timeout_seconds" "$unikit" run --stats "$test_rootfs" -- "/bin/clocks-$flavour" loop 100000 >"$out" 2>"$err"
    status=$?
    expect_status 0
    grep -qx '100000 reads, 0 backwards' "$out" || problem "the clock went back, or the loop did not finish"
    traps=$(grep -o 'program syscalls trapped: *[0-9]*' "$err" | grep -o '[0-9]*$')
    if [[ -z $traps ]]; then
        problem "no trapped-syscall count in --stats"
    elif ((traps > max_traps)); then
        problem "$traps syscalls trapped (at most $max_traps expected): the vDSO is not used"
    fi
    finish
done

summary
((failed == 0 && passed > 0))
