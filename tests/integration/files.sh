#!/usr/bin/env bash
# files.sh BUILD_DIR: unikit-only file-system checks (issue 4) that the native chroot oracle
# of tests/compat cannot make: ROOTFS is never modified (the overlay keeps writes in
# memory), writes to / are visible within a run and gone in the next, /tmp starts empty,
# volumes (-v HOST:GUEST read-write and :ro) with EROFS and EXDEV, /dev (null, zero,
# urandom) and /proc (self/exe, self/cmdline, self/fd, mounts).
#
# Run:   bash tests/integration/files.sh BUILD_DIR      (ends with "N passed, M failed")
# In ctest as `files`.
# Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run (default 60);
# FILES_FILTER=REGEX runs only the cases whose name matches.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"
rootfs=$test_rootfs
case_filter=${FILES_FILTER:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-files.XXXXXX")
trap 'rm -rf "$work"' EXIT
out="$work/stdout"
err="$work/stderr"

# A hash of the whole tree: names, types, modes, sizes, mtimes, link targets, contents.
tree_hash() {
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    ) | sha256sum | cut -d' ' -f1
}

finish() {
    report_case "$work" 8
}

# fsops [UNIKIT_OPTIONS...] -- OPS...: runs tests/programs/fsops.c in the guest.
fsops_flavour=glibc-static
fsops() {
    local options=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        options+=("$1")
        shift
    done
    shift
    unikit run "${options[@]}" "$rootfs" -- "/bin/fsops-$fsops_flavour" "$@"
}

# expect_match REGEX: some stdout line matches (grep -E).
expect_match() {
    $active || return 0
    grep -qE -- "$1" "$out" || problem "no stdout line matches /$1/"
}

expect_no_match() {
    $active || return 0
    ! grep -qF -- "$1" "$out" || problem "stdout contains '$1'"
}

expect_stdout_file() {
    $active || return 0
    cmp -s "$out" "$1" || problem "stdout differs from $(basename "$1")"
}

expect_rootfs_unchanged() {
    $active || return 0
    local now
    now=$(tree_hash "$rootfs")
    [[ $now == "$rootfs_hash" ]] || problem "ROOTFS changed on the host"
}

rootfs_hash=$(tree_hash "$rootfs")

# --- the overlay: writes to / stay in memory ---

begin "write, append, create: visible within the run, ROOTFS unchanged"
fsops -- write /data/hello.txt changed append /data/hello.txt +more cat /data/hello.txt \
    write /data/new.txt "new file" cat /data/new.txt write /new-at-root.txt root \
    cat /new-at-root.txt mkdir /data/newdir write /data/newdir/f inner ls /data/newdir \
    stat /data/hello.txt
expect_status 0
expect_line 'write /data/hello.txt: 7'
expect_line 'append /data/hello.txt: 5'
expect_line 'cat /data/hello.txt: 12 "changed+more"'
expect_line 'cat /data/new.txt: 8 "new file"'
expect_line 'cat /new-at-root.txt: 4 "root"'
expect_line 'mkdir /data/newdir: 0'
expect_line 'ls /data/newdir: f'
expect_line 'stat /data/hello.txt: regular mode 0644 size 12 nlink 1'
expect_stderr_empty
expect_rootfs_unchanged
finish

begin "the next run sees ROOTFS as it was"
fsops -- cat /data/hello.txt exists /data/new.txt exists /new-at-root.txt exists /data/newdir
expect_status 0
expect_line 'cat /data/hello.txt: 27 "hello from the test rootfs\n"'
expect_line 'exists /data/new.txt: ENOENT'
expect_line 'exists /new-at-root.txt: ENOENT'
expect_line 'exists /data/newdir: ENOENT'
finish

begin "rename over, delete, rmdir, chmod, truncate ROOTFS files (copy-up and whiteouts)"
fsops -- rename /data/words.txt /data/hello.txt cat /data/hello.txt exists /data/words.txt \
    unlink /data/empty.txt exists /data/empty.txt ls /data \
    unlink /data/dir/nested.txt rmdir /data/dir exists /data/dir mkdir /data/dir ls /data/dir \
    chmod /data/lines.txt 600 stat /data/lines.txt truncate /data/lines.txt 10 cat /data/lines.txt \
    truncate /data/blob.bin 2000000 stat /data/blob.bin rename /data/tree /data/tree2 \
    exists /data/tree rmdir /data/tree/empty-dir mkdir /data/moved rename /data/moved /data/moved2 \
    exists /data/moved2
expect_status 0
expect_line 'rename /data/words.txt /data/hello.txt: 0'
expect_line 'cat /data/hello.txt: 50 "alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\ngolf\nhotel\n"'
expect_line 'exists /data/words.txt: ENOENT'
expect_line 'unlink /data/empty.txt: 0'
expect_line 'exists /data/empty.txt: ENOENT'
expect_match '^ls /data: .*hello.txt'
expect_no_match '^ls /data: .*empty.txt'
expect_line 'rmdir /data/dir: 0'
expect_line 'exists /data/dir: ENOENT'
expect_line 'ls /data/dir:'
expect_line 'stat /data/lines.txt: regular mode 0600 size 36000 nlink 1'
expect_line 'cat /data/lines.txt: 10 "line 0001 "'
expect_line 'stat /data/blob.bin: regular mode 0644 size 2000000 nlink 1'
# As with docker's overlay2 (no redirect_dir), a directory that has ROOTFS content cannot be
# renamed: EXDEV, so that mv falls back to copying. Directories made in the guest can.
expect_line 'rename /data/tree /data/tree2: -1 EXDEV'
expect_line 'exists /data/tree: yes'
expect_line 'rmdir /data/tree/empty-dir: 0'
expect_line 'rename /data/moved /data/moved2: 0'
expect_line 'exists /data/moved2: yes'
expect_rootfs_unchanged
finish

begin "symlink tricks: writing through ROOTFS symlinks, replacing a symlink, a hard link"
fsops -- write /data/link through-link cat /data/hello.txt readlink /data/link \
    unlink /data/link symlink /data/words.txt /data/link cat /data/link \
    symlink /etc/hostname /data/to-hostname write /data/to-hostname overwritten cat /etc/hostname \
    link /data/lines.txt /data/lines-link append /data/lines-link END stat /data/lines.txt \
    write /data/tree/a/hardlink via-hardlink cat /data/tree/a/hardlink cat /data/tree/a/file-00.txt
expect_status 0
expect_line 'write /data/link: 12'
expect_line 'cat /data/hello.txt: 12 "through-link"'
expect_line 'readlink /data/link: 15 "/data/hello.txt"'
expect_line 'cat /data/link: 50 "alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\ngolf\nhotel\n"'
expect_line 'cat /etc/hostname: 11 "overwritten"'
expect_line 'stat /data/lines.txt: regular mode 0644 size 36003 nlink 2'
# ROOTFS's a/hardlink and a/file-00.txt are one inode, but as with docker's overlay2 (no
# index), copying one up for writing breaks the link: the other keeps ROOTFS's content.
expect_line 'write /data/tree/a/hardlink: 12'
expect_line 'cat /data/tree/a/hardlink: 12 "via-hardlink"'
expect_no_match '^cat /data/tree/a/file-00.txt: 12 "via-hardlink"'
expect_rootfs_unchanged
finish

begin "a big file written to the overlay reads back (64 MiB over /data/blob.bin)"
fsops -- writebig /data/blob.bin 64 sum /data/blob.bin
"$rootfs/bin/fsops-glibc-static" writebig "$work/big" 64 sum "$work/big" | sed "s|$work/big|/data/blob.bin|" >"$work/big.expected"
rm -f "$work/big"
expect_status 0
expect_stdout_file "$work/big.expected"
expect_rootfs_unchanged
finish

begin "chdir into a directory, then delete it: the guest's view is Linux's"
fsops -- mkdir /data/gone chdir /data/gone rmdir /data/gone cwd write here x
expect_status 0
expect_line 'rmdir /data/gone: 0'
expect_line 'write here: -1 ENOENT'
finish

# --- /tmp: tmpfs, empty at each start ---

for run in 1 2; do
    begin "/tmp is empty at the start of run $run"
    fsops -- ls /tmp stat /tmp write /tmp/left-behind x mkdir /tmp/dir-left-behind
    expect_status 0
    expect_line 'ls /tmp:'
    expect_line 'stat /tmp: directory mode 1777'
    expect_line 'write /tmp/left-behind: 1'
    finish
done

begin "/tmp holds 200 MiB within a run (not limited by the overlay)"
unikit run -m 1G "$rootfs" -- /bin/fsops-musl-static writebig /tmp/big 200 sum /tmp/big unlink /tmp/big ls /tmp
"$rootfs/bin/fsops-musl-static" writebig "$work/big" 200 sum "$work/big" unlink "$work/big" |
    sed "s|$work/big|/tmp/big|" >"$work/big.expected"
printf 'ls /tmp:\n' >>"$work/big.expected"
expect_status 0
expect_stdout_file "$work/big.expected"
finish

begin "/dev/shm is a writable tmpfs"
fsops -- stat /dev/shm write /dev/shm/seg shared cat /dev/shm/seg
expect_status 0
expect_line 'stat /dev/shm: directory mode 1777'
expect_line 'cat /dev/shm/seg: 6 "shared"'
finish

begin "errors: the native-comparable errno list holds under unikit too (errors probe)"
unikit run "$rootfs" -- /bin/errors-musl-static
expect_status 0
expect_line 'rmdir a non-empty directory: -1 ENOTEMPTY'
expect_line 'open a symlink loop: -1 ELOOP'
expect_line 'open a 256-byte component: -1 ENAMETOOLONG'
expect_line 'lseek on a pipe: -1 ESPIPE'
expect_no_match 'cleanup'
finish

# --- volumes ---

volume="$work/volume"
mkdir -p "$volume/sub"
printf 'from the host\n' >"$volume/existing.txt"
printf 'nested\n' >"$volume/sub/nested.txt"
volume_hash=$(tree_hash "$volume")

begin "-v HOST:/mnt: the guest reads host files"
fsops -v "$volume:/mnt" -- cat /mnt/existing.txt ls /mnt cat /mnt/sub/nested.txt stat /mnt
expect_status 0
expect_line 'cat /mnt/existing.txt: 14 "from the host\n"'
expect_line 'ls /mnt: existing.txt sub'
expect_line 'cat /mnt/sub/nested.txt: 7 "nested\n"'
expect_line 'stat /mnt: directory mode 0755'
expect_stderr_empty
finish

begin "-v HOST:/mnt: guest writes, renames and deletes reach the host"
fsops -v "$volume:/mnt" -- write /mnt/out.txt "written by the guest" mkdir /mnt/made \
    write /mnt/made/inner x rename /mnt/sub/nested.txt /mnt/moved.txt unlink /mnt/existing.txt \
    symlink out.txt /mnt/out-link chmod /mnt/out.txt 600
expect_status 0
if $active; then
    [[ $(cat "$volume/out.txt" 2>/dev/null) == "written by the guest" ]] || problem "host $volume/out.txt does not hold the guest's text"
    [[ -f $volume/made/inner ]] || problem "host $volume/made/inner missing"
    [[ -f $volume/moved.txt && ! -e $volume/sub/nested.txt ]] || problem "rename did not reach the host"
    [[ ! -e $volume/existing.txt ]] || problem "unlink did not reach the host"
    [[ $(readlink "$volume/out-link" 2>/dev/null) == out.txt ]] || problem "symlink did not reach the host"
    [[ $(stat -c %a "$volume/out.txt" 2>/dev/null) == 600 ]] || problem "chmod did not reach the host"
fi
expect_rootfs_unchanged
finish

begin "-v HOST:/mnt: a host file written in one run is there in the next"
fsops -v "$volume:/mnt" -- cat /mnt/out.txt cat /mnt/moved.txt
expect_status 0
expect_line 'cat /mnt/out.txt: 20 "written by the guest"'
expect_line 'cat /mnt/moved.txt: 7 "nested\n"'
finish

rm -rf "$volume"
mkdir -p "$volume/sub"
printf 'from the host\n' >"$volume/existing.txt"
printf 'nested\n' >"$volume/sub/nested.txt"
ro_volume="$work/ro-volume"
mkdir -p "$ro_volume"
printf 'read-only\n' >"$ro_volume/existing.txt"
ro_hash=$(tree_hash "$ro_volume")
volume_hash=$(tree_hash "$volume")

begin "-v HOST:/ro:ro: reads work, every write fails with EROFS; EXDEV across mounts"
unikit run -v "$volume:/mnt" -v "$ro_volume:/ro:ro" "$rootfs" -- /bin/errors-glibc-static --mounts
expect_status 0
for what in "O_CREAT on /ro" "O_WRONLY on an existing /ro file" "O_RDWR on an existing /ro file" \
    "O_TRUNC on an existing /ro file" "mkdir on /ro" "unlink on /ro" "rename on /ro" \
    "symlink on /ro" "chmod on /ro" "truncate on /ro" "utimensat on /ro"; do
    expect_line "$what: -1 EROFS"
done
expect_line 'O_RDONLY on an existing /ro file still works: 0'
expect_line 'O_CREAT|O_EXCL on an existing /ro file (EEXIST wins): -1 EEXIST'
expect_line 'open /ro/missing O_RDONLY (ENOENT): -1 ENOENT'
for what in "rename /tmp -> /" "rename / -> /tmp" "rename /tmp -> /mnt (a volume)" \
    "rename /mnt -> /" "link /tmp -> /" "link / -> /mnt" "rename /dev/null -> /tmp"; do
    expect_line "$what: -1 EXDEV"
done
expect_line 'rename within /tmp still works: 0'
if $active; then
    [[ $(tree_hash "$ro_volume") == "$ro_hash" ]] || problem "the read-only volume changed on the host"
    [[ $(tree_hash "$volume") == "$volume_hash" ]] || problem "the read-write volume changed on the host"
fi
expect_rootfs_unchanged
finish

begin "-v over an existing ROOTFS directory hides it (/data)"
fsops -v "$volume:/data" -- ls /data cat /data/hello.txt
expect_status 0
expect_line 'ls /data: existing.txt sub'
expect_line 'cat /data/hello.txt: -1 ENOENT'
finish

begin "-v with a missing HOST directory -> 125, one 'unikit: ' line"
unikit run -v "$work/no-such-dir:/mnt" "$rootfs" -- /bin/busybox true
expect_status 125
$active && { [[ $(head -c 8 "$err") == "unikit: " && $(wc -l <"$err") -eq 1 ]] || problem "stderr is not one 'unikit: ' line"; }
finish

begin "-v with a relative GUEST path -> 125"
unikit run -v "$volume:mnt" "$rootfs" -- /bin/busybox true
expect_status 125
finish

# --- /dev ---

begin "/dev/null, /dev/zero, /dev/urandom, /dev/random behave"
fsops -- write /dev/null discarded cat /dev/null readn /dev/zero 65536 readn /dev/urandom 4096 \
    readn /dev/random 64 stat /dev/null stat /dev/zero ls /dev
expect_status 0
expect_line 'write /dev/null: 9'
expect_line 'cat /dev/null: 0 ""'
expect_line 'readn /dev/zero: 65536 bytes, all zero yes'
expect_line 'readn /dev/urandom: 4096 bytes, all zero no'
expect_line 'readn /dev/random: 64 bytes, all zero no'
expect_line 'stat /dev/null: chardev mode 0666 size 0 nlink 1'
expect_line 'stat /dev/zero: chardev mode 0666 size 0 nlink 1'
expect_match '^ls /dev: .*\bnull\b.*\brandom\b.*\burandom\b.*\bzero\b'
finish

begin "/dev/urandom differs between two runs"
unikit run "$rootfs" -- /bin/busybox od -A n -t x1 -N 16 /dev/urandom
cp "$out" "$work/urandom1"
unikit run "$rootfs" -- /bin/busybox od -A n -t x1 -N 16 /dev/urandom
expect_status 0
if $active; then
    [[ -s $out ]] || problem "no output"
    ! cmp -s "$out" "$work/urandom1" || problem "two runs read the same 16 bytes"
fi
finish

# --- /proc ---

begin "/proc/self/exe, /proc/self/cmdline, /proc/self/fd, /proc/mounts"
fsops -v "$volume:/mnt" -v "$ro_volume:/ro:ro" -- readlink /proc/self/exe cat /proc/self/cmdline fdlist cat /proc/mounts \
    readlink /proc/self/cwd stat /proc/self ls /proc/self/fd
expect_status 0
expect_line 'readlink /proc/self/exe: 23 "/bin/fsops-glibc-static"'
expect_match '^cat /proc/self/cmdline: [0-9]+ "/bin/fsops-glibc-static\\x00readlink\\x00/proc/self/exe\\x00cat\\x00/proc/self/cmdline\\x00fdlist'
expect_match '^fdlist: \[0 -> [^]]*\] \[1 -> [^]]*\] \[2 -> [^]]*\]$'
expect_match '^cat /proc/mounts: .* / '
expect_match '^cat /proc/mounts: .* /tmp tmpfs '
expect_match '^cat /proc/mounts: .* /proc proc '
expect_match '^cat /proc/mounts: .* /dev '
expect_match '^cat /proc/mounts: .* /mnt .*rw'
expect_match '^cat /proc/mounts: .* /ro .*ro[ ,]'
expect_line 'readlink /proc/self/cwd: 1 "/"'
expect_line 'stat /proc/self: directory mode 0555'
expect_line 'ls /proc/self/fd: 0 1 2 3'
finish

begin "/proc/self/fd/N reopens an open file (via busybox cat /proc/self/fd/0 with stdin redirected)"
printf 'stdin text\n' >"$work/stdin.txt"
if $active; then
    timeout --kill-after=5 "$timeout_seconds" "$unikit" run "$rootfs" -- /bin/busybox cat /proc/self/fd/0 <"$work/stdin.txt" >"$out" 2>"$err"
    status=$?
fi
expect_status 0
$active && { cmp -s "$out" "$work/stdin.txt" || problem "stdout is not the stdin file"; }
finish

begin "re-reading a ROOTFS file comes from the guest's page cache: no more HostRead hypercalls"
host_reads() {
    sed -n 's/^  HostRead  *\([0-9][0-9]*\) .*/\1/p' "$err"
}
unikit run --stats "$rootfs" -- /bin/busybox cat /data/blob.bin
expect_status 0
once=$(host_reads)
unikit run --stats "$rootfs" -- /bin/busybox cat /data/blob.bin /data/blob.bin /data/blob.bin
expect_status 0
thrice=$(host_reads)
if $active; then
    [[ -n $once && -n $thrice ]] || problem "no HostRead line in --stats"
    [[ $once == "$thrice" ]] || problem "reading 1 MiB three times took $thrice HostReads, once took $once"
    cmp -s "$out" <(cat "$rootfs/data/blob.bin" "$rootfs/data/blob.bin" "$rootfs/data/blob.bin") || problem "the bytes read differ from the file"
fi
finish

begin "ROOTFS never changed during these tests"
expect_rootfs_unchanged
finish

summary
((failed == 0 && passed > 0))
