#!/usr/bin/env bash
# run.sh BUILD_DIR [CASES_FILE] [--native-only] [--rootfs DIR]: differential compatibility tests. Every
# case of CASES_FILE (default cases.txt; a bare name is looked up next to this script, e.g.
# files.txt) runs natively (env -i ... chroot ROOTFS CMD) and under
# `BUILD_DIR/unikit run ROOTFS -- CMD`; stdout (byte for byte) and exit status must match.
# The native run is the oracle: no expected output is written down anywhere.
#
# --native-only runs only the native half (a check of the rootfs and of this script).
# --rootfs DIR runs the cases in DIR (e.g. the Debian rootfs of tests/rootfs/debian.sh) instead
# of the test rootfs, which is then neither built nor used; cases with @flavour@ are skipped.
# Environment: COMPAT_FILTER=REGEX runs only the cases whose command line matches;
# UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run (default 60).
set -uo pipefail

usage() {
    echo "usage: $0 BUILD_DIR [CASES_FILE] [--native-only] [--rootfs DIR]" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 5 ]] || usage
build_dir=$(cd "$1" && pwd) || usage
shift
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
native_only=false
cases_file="$script_dir/cases.txt"
cases_given=false
rootfs=
while (($# > 0)); do
    argument=$1
    shift
    if [[ $argument == --native-only ]] && ! $native_only; then
        native_only=true
    elif [[ $argument == --rootfs && $# -gt 0 && -z $rootfs ]]; then
        rootfs=$(cd "$1" && pwd) || usage
        shift
    elif [[ $argument != -* ]] && ! $cases_given; then
        cases_given=true
        if [[ $argument != */* && -f $script_dir/$argument ]]; then
            cases_file="$script_dir/$argument"
        else
            cases_file=$argument
        fi
    else
        usage
    fi
done
[[ -f $cases_file ]] || {
    echo "run.sh: case file $cases_file not found" >&2
    exit 2
}
unikit="$build_dir/unikit"
timeout_seconds=${UNIKIT_TEST_TIMEOUT:-60}
filter=${COMPAT_FILTER:-}
guest_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/)
flavours=(glibc-static glibc-pie musl-static)

if [[ -z $rootfs ]]; then
    rootfs="$build_dir/test-rootfs"
    bash "$script_dir/../rootfs/build.sh" "$rootfs" || {
        echo "run.sh: could not build the test rootfs" >&2
        exit 1
    }
else
    flavours=()
fi

# The oracle needs chroot: directly as root, else in a user namespace, else via sudo.
chroot_bin=$(command -v chroot || echo /usr/sbin/chroot)
if [[ $EUID -eq 0 ]]; then
    native_prefix=("$chroot_bin")
elif unshare --map-root-user "$chroot_bin" "$rootfs" /bin/busybox true 2>/dev/null; then
    native_prefix=("$(command -v unshare)" --map-root-user "$chroot_bin")
elif sudo -n "$chroot_bin" "$rootfs" /bin/busybox true 2>/dev/null; then
    native_prefix=(sudo -n "$chroot_bin")
else
    echo "run.sh: the native oracle needs chroot: run as root, with user namespaces, or with sudo" >&2
    exit 1
fi

if ! $native_only && [[ ! -x $unikit ]]; then
    echo "run.sh: $unikit not found or not executable (build it first)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-compat.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Parses cases.txt with POSIX shell-word rules (no expansion of any kind) and writes each
# case as: argument count, display line, arguments, every field NUL-terminated.
parse_cases() {
    python3 - "$cases_file" "${flavours[@]}" <<'EOF'
import shlex, sys
path, flavours = sys.argv[1], sys.argv[2:]
out = sys.stdout
with open(path, encoding="utf-8") as cases:
    for number, raw in enumerate(cases, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        expanded = [line.replace("@flavour@", f) for f in flavours] if "@flavour@" in line else [line]
        for text in expanded:
            try:
                words = shlex.split(text, comments=False, posix=True)
            except ValueError as error:
                sys.exit(f"{path}:{number}: {error}")
            fields = [str(len(words)), text] + words
            out.write("".join(field + "\0" for field in fields))
EOF
}

# Runs one side of a case with stdin from /dev/null; stdout and stderr go to the files
# "$work/$1.out" and "$work/$1.err"; the exit status is returned. The group's redirection
# also catches bash's own "Segmentation fault" report.
run_side() {
    local side=$1
    shift
    { "$@" </dev/null >"$work/$side.out" 2>"$work/$side.err"; } 2>>"$work/$side.err"
}

show_excerpt() {
    local title=$1 file=$2
    [[ -s $file ]] || return 0
    echo "    --- $title (first lines) ---"
    head -n 8 "$file" | cut -c 1-200 | sed 's/^/    /'
}

passed=0
failed=0
failed_cases=()

cases_stream="$work/cases.bin"
parse_cases >"$cases_stream" || {
    echo "run.sh: cannot parse $cases_file" >&2
    exit 1
}

while IFS= read -r -d '' count; do
    IFS= read -r -d '' display
    args=()
    for ((i = 0; i < count; ++i)); do
        IFS= read -r -d '' word
        args+=("$word")
    done
    if [[ -n $filter && ! $display =~ $filter ]]; then
        continue
    fi

    run_side native env -i "${guest_env[@]}" "${native_prefix[@]}" "$rootfs" "${args[@]}"
    native_status=$?
    native_sum=$(sha256sum <"$work/native.out" | cut -c 1-16)
    native_size=$(stat -c %s "$work/native.out")

    problems=()
    if ((native_status >= 125 && native_status <= 127)); then
        problems+=("native run could not execute the program (status $native_status): the oracle is broken")
    fi

    if $native_only; then
        if ((${#problems[@]} == 0)); then
            printf 'PASS  %s  [native: status %d, %d bytes, %s]\n' "$display" "$native_status" "$native_size" "$native_sum"
            passed=$((passed + 1))
        else
            printf 'FAIL  %s\n' "$display"
            printf '    %s\n' "${problems[@]}"
            show_excerpt "native stderr" "$work/native.err"
            failed=$((failed + 1))
            failed_cases+=("$display")
        fi
        continue
    fi

    run_side unikit timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$rootfs" -- "${args[@]}"
    unikit_status=$?
    unikit_size=$(stat -c %s "$work/unikit.out")

    if [[ $unikit_status -eq 124 && $native_status -ne 124 ]]; then
        problems+=("unikit run timed out after ${timeout_seconds}s")
    elif [[ $unikit_status -ne $native_status ]]; then
        problems+=("exit status: native $native_status, unikit $unikit_status")
    fi
    if ! cmp -s "$work/native.out" "$work/unikit.out"; then
        problems+=("stdout differs: native $native_size bytes, unikit $unikit_size bytes; $(cd "$work" && cmp native.out unikit.out 2>&1 | head -n 1)")
    fi

    if ((${#problems[@]} == 0)); then
        printf 'PASS  %s\n' "$display"
        passed=$((passed + 1))
    else
        printf 'FAIL  %s\n' "$display"
        printf '    %s\n' "${problems[@]}"
        if ! cmp -s "$work/native.out" "$work/unikit.out"; then
            echo "    --- stdout diff (native vs unikit, first lines) ---"
            diff -u --label native --label unikit -a "$work/native.out" "$work/unikit.out" |
                head -n 20 | cut -c 1-200 | sed 's/^/    /'
        fi
        show_excerpt "unikit stderr" "$work/unikit.err"
        failed=$((failed + 1))
        failed_cases+=("$display")
    fi
done <"$cases_stream"

if ((failed > 0)); then
    echo
    echo "failed cases:"
    printf '  %s\n' "${failed_cases[@]}"
fi
echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))
