#!/usr/bin/env bash
# confinement.sh BUILD_DIR: a guest program must not read or write any host file outside
# ROOTFS and its volumes (issue 4). Tries `..` chains (absolute, and relative from a deep
# cwd), absolute and relative symlinks planted in ROOTFS and in a volume that point at host
# paths, symlinks to /proc/self/root and /proc/1/root, and races: a host process swapping a
# ROOTFS or volume directory for a symlink to the outside while the guest opens and writes
# through it, and the guest doing the same swap itself (with a second thread when threads
# work, else alternating in one loop).
#
# A canary directory outside ROOTFS holds a file with a random token. Success: the token
# never appears in any output, the canary directory never changes (no file is modified,
# added or removed), nothing appears next to ROOTFS, and ROOTFS itself is unchanged. ROOTFS
# also holds a decoy at the canary's host path, so a path resolved inside ROOTFS reads
# "decoy inside ROOTFS" where an escape would read the token. Each case also checks what a
# correct unikit prints, so a broken file system fails here too.
#
# Run:   bash tests/integration/confinement.sh BUILD_DIR   (ends with "N passed, M failed")
# In ctest as `confinement`. Environment: UNIKIT_TEST_TIMEOUT=SECONDS bounds each unikit run
# (default 60); CONFINEMENT_RACE_SECONDS (default 5) bounds each race.
set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$script_dir/lib.sh"
integration_start "$@"
race_seconds=${CONFINEMENT_RACE_SECONDS:-5}
command -v gcc >/dev/null || { echo "confinement.sh: gcc not found" >&2; exit 1; }

# Not under /tmp (nor /dev or /proc): the guest mounts its own file systems there, which
# would hide the decoys that mirror these host paths inside ROOTFS. The build directory
# may itself be under /tmp, so use /var/tmp.
mkdir -p /var/tmp
work=$(mktemp -d /var/tmp/unikit-confinement.XXXXXX)
swapper_pids=()
cleanup() {
    local pid
    for pid in "${swapper_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
# The script's own files live in $work/aux; everything else in $work is watched.
aux="$work/aux"
mkdir "$aux"
out="$aux/stdout"
err="$aux/stderr"

# The layout on the host:
#   $work/outside/canary.txt     the canary: a random token; must never be read or changed
#   $work/rootfs/                a private copy of the test rootfs, with planted symlinks and
#   $work/rootfs$work/outside/   a decoy at the canary's host path
#   $work/volume/                a volume, with symlinks pointing out of it
outside="$work/outside"
rootfs="$work/rootfs"
volume="$work/volume"
token="CANARY-$(od -A n -t x8 -N 16 /dev/urandom | tr -d ' \n')"
mkdir -p "$outside/dir"
printf '%s\n' "$token" >"$outside/canary.txt"
printf '%s in a directory\n' "$token" >"$outside/dir/canary.txt"
cp -a "$test_rootfs" "$rootfs"
mkdir -p "$rootfs$outside/dir"
printf 'decoy inside ROOTFS\n' >"$rootfs$outside/canary.txt"
printf 'decoy inside ROOTFS\n' >"$rootfs$outside/dir/canary.txt"
# The host's own files an escape would most likely show.
host_hostname=$(cat /etc/hostname 2>/dev/null || true)

# Symlinks planted in ROOTFS (their targets are host paths; inside the guest they must
# resolve against the guest's /).
ln -s /etc/hostname "$rootfs/data/escape-hostname"
ln -s "$outside/canary.txt" "$rootfs/data/escape-abs"
ln -s "$outside" "$rootfs/data/escape-dir"
ln -s ../../outside/canary.txt "$rootfs/data/escape-rel"
ln -s "../../../../../../../../../../../..$outside" "$rootfs/data/escape-dotdot"
ln -s /proc/self/root "$rootfs/data/proc-root"
ln -s "/proc/self/root$outside/canary.txt" "$rootfs/data/proc-root-canary"
ln -s "/proc/1/root$outside/canary.txt" "$rootfs/data/proc1-root-canary"
ln -s "/proc/self/cwd/../../../../../..$outside/canary.txt" "$rootfs/data/proc-cwd-canary"
# Race targets: d is a directory with canary.txt = "inside"; d-link a symlink to outside.
mkdir -p "$rootfs/data/race/d"
printf 'inside\n' >"$rootfs/data/race/d/canary.txt"
ln -s "$outside" "$rootfs/data/race/d-abs"
ln -s ../../../outside "$rootfs/data/race/d-rel"

mkdir -p "$volume/race/d" "$volume/race/g"
printf 'in the volume\n' >"$volume/inside.txt"
ln -s "$outside/canary.txt" "$volume/escape-abs"
ln -s ../outside/canary.txt "$volume/escape-rel"
ln -s ../outside "$volume/escape-dir"
ln -s "../../../../../../../../..$outside" "$volume/escape-dotdot"
printf 'inside the volume\n' >"$volume/race/d/canary.txt"
printf 'inside the volume\n' >"$volume/race/g/canary.txt"
ln -s "$outside" "$volume/race/d-abs"
ln -s ../../outside "$volume/race/d-rel"

# A hash of a tree: names, types, modes, sizes, mtimes, link targets and contents. The
# mtimes of the race directories are left out: the host-side swapper changes them.
tree_hash() {
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %s %T@ %l\n' | LC_ALL=C sort |
            sed -E 's#^(\./(data/)?race[^ ]*) ([a-z]) ([0-9]+) ([0-9]+) [0-9.]+#\1 \3 \4 \5#'
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    ) | sha256sum | cut -d' ' -f1
}
outside_hash=$(tree_hash "$outside")
rootfs_hash=$(tree_hash "$rootfs")
work_listing=$(ls -A "$work")

# The confinement checks, after every case.
check_confined() {
    if grep -qF -- "$token" "$out" "$err"; then
        problem "THE CANARY TOKEN WAS READ (it appears in the output)"
    fi
    if [[ -n $host_hostname && $host_hostname != unikit-test ]] && grep -qxF -- "cat /data/escape-hostname: ${#host_hostname} \"$host_hostname\"" "$out"; then
        problem "the host's /etc/hostname was read"
    fi
    [[ $(tree_hash "$outside") == "$outside_hash" ]] || problem "THE CANARY DIRECTORY CHANGED on the host"
    [[ $(tree_hash "$rootfs") == "$rootfs_hash" ]] || problem "ROOTFS changed on the host"
    [[ $(ls -A "$work") == "$work_listing" ]] || problem "new files next to ROOTFS: $(ls -A "$work" | tr '\n' ' ')"
}

finish() {
    check_confined
    report_case "$aux" 10
}

# fsops [UNIKIT_OPTIONS...] -- OPS...: tests/programs/fsops.c in the guest.
fsops_flavour=glibc-static
fsops() {
    local options=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        options+=("$1")
        shift
    done
    shift
    { timeout --kill-after=5 "$timeout_seconds" "$unikit" run "${options[@]}" "$rootfs" -- "/bin/fsops-$fsops_flavour" "$@" \
        </dev/null >"$out" 2>"$err"; } 2>>"$err"
    status=$?
    ((status != 124)) || problem "unikit timed out after ${timeout_seconds}s"
}

# expect_line_any LINE...: one of the lines is in stdout.
expect_line_any() {
    local line
    for line in "$@"; do
        grep -qxF -- "$line" "$out" && return 0
    done
    problem "stdout has none of: $(printf "'%s' " "$@")"
}

decoy='20 "decoy inside ROOTFS\n"'
guest_hostname='12 "unikit-test\n"'
deep=/data/tree/deep/1/2/3/4/5/6/7/8
dots=../../../../../../../../../../../../../../../..

# --- .. chains ---

begin "absolute .. chains stop at the guest's /"
fsops -- cat /../../../../../../etc/hostname cat "/../../../../../..$outside/canary.txt" \
    cat "/data/../../../../..$outside/dir/canary.txt" cat "/data/tree/../../../../../../../../..$test_rootfs/etc/hostname" \
    ls /../../.. write "/../../../../..$outside/new.txt" x write "/../../../..$outside/canary.txt" overwritten
expect_status 0
expect_line "cat /../../../../../../etc/hostname: $guest_hostname"
expect_line "cat /../../../../../..$outside/canary.txt: $decoy"
expect_line "cat /data/../../../../..$outside/dir/canary.txt: $decoy"
expect_line "cat /data/tree/../../../../../../../../..$test_rootfs/etc/hostname: -1 ENOENT"
finish

begin "relative .. chains from a deep cwd stop at the guest's /"
fsops -- chdir $deep cat "$dots/etc/hostname" cat "$dots$outside/canary.txt" cwd chdir "$dots" cwd \
    cat "..$outside/canary.txt" chdir .. cwd ls . write "$dots$outside/dir/new.txt" x
expect_status 0
expect_line "cat $dots/etc/hostname: $guest_hostname"
expect_line "cat $dots$outside/canary.txt: $decoy"
expect_line "cwd: $deep"
expect_line "cwd: /"
expect_line "cat ..$outside/canary.txt: $decoy"
finish

# --- symlinks planted in ROOTFS ---

begin "absolute symlinks in ROOTFS resolve inside ROOTFS"
fsops -- cat /data/escape-hostname cat /data/escape-abs cat /data/escape-dir/canary.txt \
    ls /data/escape-dir cat /data/escape-dir/dir/canary.txt readlink /data/escape-abs
expect_status 0
expect_line "cat /data/escape-hostname: $guest_hostname"
expect_line "cat /data/escape-abs: $decoy"
expect_line "cat /data/escape-dir/canary.txt: $decoy"
expect_line "ls /data/escape-dir: canary.txt dir"
expect_line "readlink /data/escape-abs: $((${#outside} + 11)) \"$outside/canary.txt\""
finish

begin "relative symlinks in ROOTFS that climb out stop at the guest's /"
fsops -- cat /data/escape-rel cat /data/escape-dotdot/canary.txt ls /data/escape-dotdot
expect_status 0
expect_line "cat /data/escape-rel: -1 ENOENT"
expect_line "cat /data/escape-dotdot/canary.txt: $decoy"
finish

begin "writes through planted symlinks stay in the guest"
fsops -- write /data/escape-abs PWNED cat /data/escape-abs write /data/escape-dir/new.txt x \
    write /data/escape-rel x write /data/escape-dotdot/new2.txt x mkdir /data/escape-dir/newdir \
    unlink /data/escape-dir/canary.txt rename /data/escape-dir/dir /data/escape-dir/dir2 \
    truncate /data/escape-dotdot/dir/canary.txt 0 chmod /data/escape-abs 777 \
    symlink /data/escape-abs /data/escape-dir/more-link
expect_status 0
expect_line "cat /data/escape-abs: 5 \"PWNED\""
finish

# --- /proc/self/root and friends ---

begin "/proc/self/root and /proc/1/root are the guest's /"
fsops -- readlink /proc/self/root cat /proc/self/root/etc/hostname cat /proc/1/root/etc/hostname \
    cat "/proc/self/root$outside/canary.txt" cat "/proc/self/root/../../..$outside/canary.txt" \
    cat /data/proc-root/etc/hostname cat /data/proc-root-canary cat /data/proc1-root-canary \
    cat /data/proc-cwd-canary ls /proc/self/root/data/escape-dir \
    write "/proc/self/root$outside/dir/new.txt" x write /proc/self/cwd/new-via-cwd.txt x
expect_status 0
expect_line 'readlink /proc/self/root: 1 "/"'
expect_line "cat /proc/self/root/etc/hostname: $guest_hostname"
expect_line "cat /proc/1/root/etc/hostname: $guest_hostname"
expect_line "cat /proc/self/root$outside/canary.txt: $decoy"
expect_line "cat /data/proc-root-canary: $decoy"
expect_line "cat /data/proc1-root-canary: $decoy"
expect_line "cat /data/proc-cwd-canary: $decoy"
finish

begin "/proc/self/fd links of files opened outside reach nothing (open through /proc/self/fd/N)"
fsops -- cat /proc/self/fd/0 cat "/proc/self/fd/1/../../../..$outside/canary.txt"
expect_status 0
finish

# --- volumes ---

volume_hash=$(tree_hash "$volume")

begin "-v: a volume's symlinks to the outside resolve in the guest, never on the host"
fsops -v "$volume:/mnt" -- cat /mnt/inside.txt cat /mnt/escape-abs cat /mnt/escape-rel \
    ls /mnt/escape-dir cat /mnt/escape-dotdot/canary.txt cat "/mnt/../../..$outside/canary.txt" \
    cat "/mnt/race/../../../../../..$outside/canary.txt"
expect_status 0
expect_line 'cat /mnt/inside.txt: 14 "in the volume\n"'
expect_line "cat /mnt/escape-abs: $decoy"
expect_line 'cat /mnt/escape-rel: -1 ENOENT'
expect_line 'ls /mnt/escape-dir: -1 ENOENT'
expect_line "cat /mnt/escape-dotdot/canary.txt: $decoy"
expect_line "cat /mnt/../../..$outside/canary.txt: $decoy"
finish

begin "-v: writes through a volume's symlinks do not leave the volume"
fsops -v "$volume:/mnt" -- write /mnt/escape-abs PWNED write /mnt/escape-rel PWNED \
    write /mnt/escape-dir/new.txt x write /mnt/escape-dotdot/new.txt x \
    mkdir /mnt/escape-dir/newdir symlink "$outside/canary.txt" /mnt/planted \
    write /mnt/planted PWNED cat /mnt/planted link /mnt/escape-abs /mnt/hard \
    write /mnt/hard PWNED2
expect_status 0
expect_line 'symlink '"$outside"'/canary.txt /mnt/planted: 0'
expect_line 'cat /mnt/planted: 5 "PWNED"'
[[ -L $volume/planted ]] || problem "the guest's symlink is not in the volume on the host"
finish
rm -f "$volume/planted" "$volume/hard"
# The read-write run changed the volume (the host removed what it made); from here on, nothing may.
volume_hash=$(tree_hash "$volume")

begin "-v :ro: symlinks in a read-only volume resolve in the guest (writes land in the overlay)"
fsops -v "$volume:/ro:ro" -- cat /ro/escape-abs write /ro/escape-abs PWNED write /ro/escape-dir/new.txt x \
    cat /ro/escape-abs write /ro/new.txt x
expect_status 0
expect_line "cat /ro/escape-abs: $decoy"
expect_line 'write /ro/escape-abs: 5'
expect_line 'write /ro/escape-dir/new.txt: -1 ENOENT'
expect_line 'cat /ro/escape-abs: 5 "PWNED"'
expect_line 'write /ro/new.txt: -1 EROFS'
finish

begin "-v: the volume itself is unchanged by the read-only run"
[[ $(tree_hash "$volume") == "$volume_hash" ]] || problem "the volume changed"
finish

# --- races ---

# swapper A B SECONDS: exchanges the names A and B atomically (renameat2 RENAME_EXCHANGE)
# as fast as it can, so A is a directory one moment and a symlink to the outside the next.
cat >"$aux/swapper.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv)
{
    if (argc != 4)
        return 2;
    time_t end = time(NULL) + atoi(argv[3]);
    long swaps = 0;
    while (time(NULL) < end) {
        for (int i = 0; i < 1000; ++i) {
            if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2) < 0) {
                perror("renameat2");
                return 1;
            }
            ++swaps;
        }
    }
    // An even number of exchanges puts everything back.
    if (swaps % 2)
        syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2);
    printf("%ld swaps\n", swaps);
    return 0;
}
EOF
gcc -O2 -o "$aux/swapper" "$aux/swapper.c" || { echo "confinement.sh: cannot build the swapper" >&2; exit 1; }

# race_case NAME HOST_DIR HOST_LINK GUEST_DIR [UNIKIT_OPTIONS...]: the host swaps HOST_DIR
# and HOST_LINK while the guest reads GUEST_DIR/canary.txt and writes GUEST_DIR/written-*.
race_case() {
    local name=$1 host_dir=$2 host_link=$3 guest_dir=$4
    shift 4
    begin "$name"
    "$aux/swapper" "$host_dir" "$host_link" "$race_seconds" >"$aux/swapper.out" 2>&1 &
    local pid=$!
    swapper_pids+=("$pid")
    # Reads until the swapper stops (bounded by a count too), then a few writes.
    local deadline=$((SECONDS + race_seconds))
    : >"$aux/race.out"
    while ((SECONDS < deadline)); do
        fsops "$@" -- race-read "$guest_dir/canary.txt" 2000 write "$guest_dir/written" x \
            mkdir "$guest_dir/made" truncate "$guest_dir/canary.txt" 0 unlink "$guest_dir/written"
        cat "$out" "$err" >>"$aux/race.out"
        grep -qF -- "$token" "$out" "$err" && break
    done
    wait "$pid"
    swapper_pids=()
    cp "$aux/race.out" "$out"
    grep -q 'swaps$' "$aux/swapper.out" || problem "the swapper failed: $(head -c 200 "$aux/swapper.out")"
    grep -q '^race-read .*: outcome ' "$out" || problem "the guest read nothing"
    # Reading "inside", "", the decoy, or ENOENT/ENOTDIR/ELOOP are all fine; the token is not.
    finish
}

race_case "race: a ROOTFS directory swapped with an absolute symlink to the outside" \
    "$rootfs/data/race/d" "$rootfs/data/race/d-abs" /data/race/d
race_case "race: a ROOTFS directory swapped with a relative symlink climbing out" \
    "$rootfs/data/race/d" "$rootfs/data/race/d-rel" /data/race/d
race_case "race: a volume directory swapped with an absolute symlink to the outside" \
    "$volume/race/d" "$volume/race/d-abs" /mnt/race/d -v "$volume:/mnt"
race_case "race: a volume directory swapped with a relative symlink climbing out" \
    "$volume/race/d" "$volume/race/d-rel" /mnt/race/d -v "$volume:/mnt"

for flavour in glibc-static musl-static; do
    fsops_flavour=$flavour
    begin "race inside the guest ($flavour): a volume directory swapped for symlinks out, by the guest itself"
    fsops -v "$volume:/mnt" -- swap-race /mnt/race/g "$outside" canary.txt 300 \
        swap-race /mnt/race/g "../../../../../../..$outside/dir" canary.txt 300 \
        swap-race /mnt/race/g ../../../outside canary.txt 300
    expect_status 0
    grep -q 'swap-race /mnt/race/g: outcome read as directory: "inside the volume"' "$out" ||
        problem "the guest never read its own file"
    finish
    begin "race inside the guest ($flavour): an overlay directory swapped for symlinks out"
    fsops -- swap-race /data/race/d "$outside" canary.txt 300 swap-race /data/race/d ../../../outside canary.txt 300
    expect_status 0
    grep -q 'swap-race /data/race/d: outcome read as directory: "inside"' "$out" ||
        problem "the guest never read its own file"
    finish
done

begin "nothing changed outside, at the end"
status=0
: >"$out"
: >"$err"
finish

summary
((failed == 0 && passed > 0))
