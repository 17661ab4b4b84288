#!/usr/bin/env bash
# rootfs.sh BUILD_DIR: `unikit rootfs` as a user would drive it. Builds root filesystems from
# the host's own dynamically linked programs (ls, bash, python3 with its modules), checks them
# against the host (ldd's libraries are all there, files are the host's), then runs the same
# commands natively (chroot DIR ...) and under `BUILD_DIR/unikit run DIR -- ...` and compares
# stdout and exit status: the host is the oracle. Also the failures: a program not found, a
# missing library, a malformed ELF file, a missing -o, each status 125 with one `unikit: ` line.
# Needs root (chroot). Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each run (default 60).
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"

# Unlike the other scripts this one needs no test rootfs: it makes its own.
integration_build "$@"

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-rootfs.XXXXXX")
# Host files for --from-host outside /tmp (the guest's /tmp is a fresh tmpfs hiding DIR's),
# and so not in the build folder either, which may itself lie under /tmp (a CI clone).
programs=$(mktemp -d /var/tmp/unikit-rootfs-test.XXXXXX)
trap 'rm -rf "$work" "$programs"' EXIT
out="$work/stdout"
err="$work/stderr"
root="$work/root"
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

finish() {
    report_case "$work" 6
}

expect_stderr_line() {
    [[ $(cat "$err") == "$1" ]] || problem "stderr is '$(head -c 200 "$err")', expected '$1'"
}

expect_stdout_empty() {
    [[ ! -s $out ]] || problem "stdout is not empty ($(stat -c %s "$out") bytes)"
}

# same_as_host DIR COMMAND...: runs COMMAND natively in DIR (chroot) and under unikit, and
# compares stdout and exit status. The native run is the expectation.
same_as_host() {
    local dir=$1
    shift
    # The guest's environment: PATH and HOME=/ only.
    env -i PATH="$guest_path" HOME=/ timeout --kill-after=5 "$timeout_seconds" chroot "$dir" "$@" \
        </dev/null >"$work/native.out" 2>"$work/native.err"
    local native_status=$?
    if [[ $native_status -ne 0 && -s $work/native.err && $(head -c 8 "$work/native.err") == "chroot: " ]]; then
        problem "the native run failed: $(head -n 1 "$work/native.err")"
    fi
    { timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$dir" -- "$@" </dev/null >"$out" 2>"$err"; } 2>>"$err"
    status=$?
    expect_status "$native_status"
    if ! cmp -s "$out" "$work/native.out"; then
        problem "stdout differs from the native run ($(stat -c %s "$out") vs $(stat -c %s "$work/native.out") bytes)"
        diff "$work/native.out" "$out" | head -n 6 | sed 's/^/    /'
    fi
}

# in_root DIR PATH: PATH resolves to a regular file inside DIR, as the guest would see it.
in_root() {
    chroot "$1" /bin/bash -c '[[ -f $1 ]]' _ "$2" 2>/dev/null
}

# --- a root filesystem for ls and bash ---

begin "rootfs --from-host /usr/bin/ls --from-host /bin/bash -> 0, silent"
unikit rootfs --from-host /usr/bin/ls --from-host /bin/bash -o "$root"
expect_status 0
expect_stdout_empty
expect_stderr_empty
finish

begin "the programs are the host's, with their modes"
for program in /usr/bin/ls /usr/bin/bash; do
    cmp -s "$program" "$root$program" || problem "$root$program differs from $program"
    [[ $(stat -c %a "$program") == $(stat -c %a "$root$program" 2>/dev/null) ]] || problem "$program: mode not kept"
done
finish

begin "every library ldd lists for ls and bash is in DIR at the same path, same contents"
for program in /usr/bin/ls /bin/bash; do
    # ldd's "name => /path (addr)" and "/path (addr)" lines; the vDSO has no path.
    while read -r library; do
        in_root "$root" "$library" || problem "$program: $library is not in DIR"
        real=$(readlink -f "$library")
        cmp -s "$real" "$root$real" || problem "$program: $library: not the host's file at $real"
    done < <(ldd "$program" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done
finish

begin "the host's top-level symlinks, /tmp 1777, /dev, /proc, /etc/passwd"
for top in /bin /sbin /lib /lib64; do
    if [[ -L $top ]]; then
        [[ -L $root$top && $(readlink "$root$top") == "$(readlink "$top")" ]] || problem "$top is not the host's symlink in DIR"
    fi
done
[[ $(stat -c %a "$root/tmp" 2>/dev/null) == 1777 ]] || problem "/tmp is not mode 1777"
for directory in dev proc etc; do
    [[ -d $root/$directory ]] || problem "/$directory is missing"
done
grep -q '^root:x:0:0:' "$root/etc/passwd" 2>/dev/null || problem "/etc/passwd has no root"
grep -q '^root:x:0:' "$root/etc/group" 2>/dev/null || problem "/etc/group has no root"
finish

# The guest's own /, /dev, /proc and /tmp are not DIR's (the overlay root, devfs, procfs,
# tmpfs), so listings stay below them.
for command in \
    "ls /" \
    "ls -la /usr/bin /usr/lib/x86_64-linux-gnu" \
    "ls -l -d /bin /lib /lib64 /sbin /usr /etc" \
    "ls -lL /lib64/ld-linux-x86-64.so.2 /bin/ls /bin/bash" \
    "ls /no-such-file"; do
    begin "same as the host: $command"
    # shellcheck disable=SC2086 # the words of $command are its arguments
    same_as_host "$root" $command
    finish
done

begin "same as the host: bash -c 'echo \$((6*7))'"
same_as_host "$root" bash -c 'echo $((6*7))'
finish

begin "same as the host: bash runs ls in a pipeline and exits 3"
same_as_host "$root" /bin/bash -c 'ls -la /usr/bin | while read -r line; do echo "${#line}"; done; n=0; for f in $(ls /etc); do n=$((n + 1)); done; echo "$n"; exit 3'
finish

# --- DIR already there ---

begin "again into the same DIR -> 0; files kept, nothing removed"
echo keep >"$root/etc/mine"
cp "$root/etc/passwd" "$work/passwd.before"
unikit rootfs --from-host ls -o "$root"
expect_status 0
expect_stdout_empty
[[ $(cat "$root/etc/mine" 2>/dev/null) == keep ]] || problem "a file of DIR's own was removed"
cmp -s "$root/etc/passwd" "$work/passwd.before" || problem "/etc/passwd was rewritten"
cmp -s /usr/bin/bash "$root/usr/bin/bash" || problem "bash is gone"
finish

begin "-v prints one line per file written, each of them in DIR"
unikit rootfs -v --from-host /usr/bin/ls -o "$work/verbose"
expect_status 0
expect_line /usr/bin/ls
while read -r line; do
    path=${line%% -> *}
    [[ -e $work/verbose$path || -L $work/verbose$path ]] || problem "-v printed '$line', which is not in DIR"
done <"$out"
grep -q "^$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)\$" "$out" || problem "-v does not list libc.so.6"
finish

# --- scripts and plain files ---

printf '#!/bin/bash\necho "script: $((2 + 3)) $#"\nexit 7\n' >"$programs/hello.sh"
chmod 755 "$programs/hello.sh"
begin "a #! script brings its interpreter; same as the host"
unikit rootfs --from-host "$programs/hello.sh" -o "$work/script-root"
expect_status 0
in_root "$work/script-root" /bin/bash || problem "/bin/bash did not come with the script"
same_as_host "$work/script-root" "$programs/hello.sh" a b
finish

printf 'just text\n' >"$work/notes.txt"
begin "a file neither ELF nor script is copied as it is"
unikit rootfs --from-host "$work/notes.txt" -o "$work/text-root"
expect_status 0
cmp -s "$work/notes.txt" "$work/text-root$work/notes.txt" || problem "the file was not copied"
finish

# --- --add: python3 and its modules, C extensions included ---

python=/usr/bin/python3
if [[ -x $python ]]; then
    python_lib=$("$python" -c 'import sys; print("/usr/lib/python%d.%d" % sys.version_info[:2])')
    begin "--from-host $python --add $python_lib -> 0"
    unikit rootfs --from-host "$python" --add "$python_lib" -o "$work/python-root"
    expect_status 0
    expect_stderr_empty
    finish

    begin "python3 with json, hashlib, zlib and decimal: same as the host"
    same_as_host "$work/python-root" python3 -c 'import json, hashlib, zlib, decimal
print(json.dumps({"sha": hashlib.sha256(b"unikit").hexdigest(), "crc": zlib.crc32(b"abc")}), decimal.Decimal(1) / 7)'
    finish

    begin "python3 fails the same way as on the host (exit 3, traceback)"
    same_as_host "$work/python-root" python3 -c 'import sys; print("before"); sys.exit(3)'
    finish
else
    echo "(no $python: the --add python3 cases are skipped)"
fi

# --- failures: 125 and one line ---

begin "a program not in PATH -> 125, one line"
unikit rootfs --from-host nosuchprog -o "$work/fail-root"
expect_status 125
expect_unikit_error_line
expect_stderr_line "unikit: rootfs: nosuchprog: not found in PATH"
finish

begin "a missing path -> 125, one line"
unikit rootfs --from-host "$work/no-such-file" -o "$work/fail-root"
expect_status 125
expect_unikit_error_line
finish

begin "missing -o -> 125, one line"
unikit rootfs --from-host ls
expect_status 125
expect_unikit_error_line
grep -qF -- "-o" "$err" || problem "stderr does not mention -o"
finish

begin "nothing to copy -> 125, one line"
unikit rootfs -o "$work/fail-root"
expect_status 125
expect_unikit_error_line
finish

begin "unknown option -> 125, one line"
unikit rootfs --from-host ls --bogus -o "$work/fail-root"
expect_status 125
expect_unikit_error_line
finish

head -c 3000 /usr/bin/ls >"$work/broken-elf"
chmod 755 "$work/broken-elf"
begin "a truncated ELF program -> 125, one line naming it"
unikit rootfs --from-host "$work/broken-elf" -o "$work/fail-root"
expect_status 125
expect_unikit_error_line
grep -qF "$work/broken-elf: malformed ELF file" "$err" || problem "stderr does not say the ELF file is malformed"
finish

if command -v gcc >/dev/null; then
    mkdir -p "$work/missing"
    echo 'int foo(void) { return 42; }' >"$work/missing/foo.c"
    echo 'int foo(void); int main(void) { return foo(); }' >"$work/missing/main.c"
    gcc -shared -fPIC -Wl,-soname,libfoo.so.1 -o "$work/missing/libfoo.so.1" "$work/missing/foo.c" &&
        gcc -o "$work/missing/needs-foo" "$work/missing/main.c" "$work/missing/libfoo.so.1"
    rm -f "$work/missing/libfoo.so.1"
    begin "a library that is not on this host -> 125, one line naming it"
    unikit rootfs --from-host "$work/missing/needs-foo" -o "$work/fail-root"
    expect_status 125
    expect_unikit_error_line
    expect_stderr_line "unikit: rootfs: $work/missing/needs-foo needs libfoo.so.1, which is not on this host"
    finish
else
    echo "(no gcc: the missing-library case is skipped)"
fi

# --- help ---

begin "rootfs --help -> 0, the options on stdout"
unikit rootfs --help
expect_status 0
for option in --from-host --add -o --verbose; do
    grep -qF -- "$option" "$out" || problem "rootfs --help does not mention $option"
done
finish

begin "--help lists rootfs"
unikit --help
expect_status 0
grep -qE '^  rootfs ' "$out" || problem "unikit --help does not list rootfs"
finish

summary
((failed == 0))
