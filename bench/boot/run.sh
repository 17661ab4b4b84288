#!/usr/bin/env bash
# run.sh BUILD_DIR: boot benchmark. Times `unikit run ROOTFS -- /bin/busybox true` against
# `chroot ROOTFS /bin/busybox true` in one hyperfine invocation, measures the host peak RSS
# of each, shows unikit's --stats, and writes bench/boot/results.md. Not a test.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$bench_dir/../.." && pwd)
rootfs="$build_dir/test-rootfs"
unikit="$build_dir/unikit"
results="$bench_dir/results.md"
warmup=3
runs=50
rss_samples=5

for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
[[ -x $unikit ]] || { echo "run.sh: $unikit not found (build first)" >&2; exit 1; }
bash "$repo_dir/tests/rootfs/build.sh" "$rootfs"

chroot_bin=$(command -v chroot || echo /usr/sbin/chroot)
if [[ $EUID -eq 0 ]]; then
    native_cmd=("$chroot_bin" "$rootfs" /bin/busybox true)
    native_note="chroot as root"
else
    native_cmd=("$(command -v unshare)" --map-root-user "$chroot_bin" "$rootfs" /bin/busybox true)
    native_note="chroot inside unshare --map-root-user (not root: includes unshare's cost)"
fi
unikit_cmd=("$unikit" run "$rootfs" -- /bin/busybox true)

# Both commands must work before they are timed.
"${unikit_cmd[@]}" || { echo "run.sh: '${unikit_cmd[*]}' failed (status $?)" >&2; exit 1; }
"${native_cmd[@]}" || { echo "run.sh: '${native_cmd[*]}' failed (status $?)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/unikit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
json="$work/hyperfine.json"

# hyperfine -N splits command lines into words itself; printf %q keeps odd paths intact.
quoted() { printf '%q ' "$@"; }
hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$json" \
    -n unikit "$(quoted "${unikit_cmd[@]}")" \
    -n native "$(quoted "${native_cmd[@]}")"

# Peak RSS (KiB) of the largest process of the command's tree, as wait4() reports it
# (GNU time's %M); the median of the samples. The measuring process must be small: a
# forked child counts its parent's pages until it execs, which would inflate the figure
# if the parent were, say, python3. Without /usr/bin/time, a tiny C helper does the same.
rss_tool=()
if [[ -x /usr/bin/time ]]; then
    rss_tool=(/usr/bin/time -f %M -o "$work/rss.txt")
elif command -v gcc >/dev/null; then
    cat >"$work/peak_rss.c" <<'EOF_C'
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char** argv)
{
    if (argc < 3)
        return 2;
    pid_t child = fork();
    if (child == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (child < 0 || wait4(child, &status, 0, &usage) < 0)
        return 1;
    FILE* out = fopen(argv[1], "w");
    if (!out)
        return 1;
    fprintf(out, "%ld\n", usage.ru_maxrss);
    fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
EOF_C
    gcc -O2 -static -o "$work/peak_rss" "$work/peak_rss.c"
    rss_tool=("$work/peak_rss" "$work/rss.txt")
else
    echo "run.sh: need /usr/bin/time or gcc to measure peak RSS" >&2
    exit 1
fi
peak_rss_kib() {
    local samples=()
    for ((i = 0; i < rss_samples; ++i)); do
        "${rss_tool[@]}" "$@" >/dev/null
        samples+=("$(tail -n 1 "$work/rss.txt")")
    done
    printf '%s\n' "${samples[@]}" | sort -n | sed -n "$(((rss_samples + 1) / 2))p"
}
unikit_rss=$(peak_rss_kib "${unikit_cmd[@]}")
native_rss=$(peak_rss_kib "${native_cmd[@]}")

stats_file="$work/stats.txt"
"$unikit" run --stats "$rootfs" -- /bin/busybox true 2>"$stats_file" || true

read -r unikit_median native_median ratio < <(python3 - "$json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
unikit, native = results["unikit"]["median"], results["native"]["median"]
print(f"{unikit * 1e3:.3f} {native * 1e3:.3f} {unikit / native:.2f}")
EOF
)

report() {
    cat <<EOF
# Boot benchmark

\`busybox true\` under unikit against the same command under chroot, measured in one
hyperfine invocation (--warmup $warmup --runs $runs, no shell). Produced by
\`bench/boot/run.sh\`.

* date: $(date -u '+%Y-%m-%d %H:%M UTC')
* commit: $(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)
* host: $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
* native: $native_note

| command | median wall time | peak RSS (host) |
|---|---|---|
| \`unikit run ROOTFS -- /bin/busybox true\` | $unikit_median ms | $((unikit_rss / 1024)) MiB ($unikit_rss KiB) |
| \`chroot ROOTFS /bin/busybox true\` | $native_median ms | $((native_rss / 1024)) MiB ($native_rss KiB) |

unikit / native median wall time: **${ratio}x**

Peak RSS is the ru_maxrss that wait4() reports for the command: the largest single
process of its process tree (median of $rss_samples runs), not the sum over the tree.

## \`unikit run --stats ROOTFS -- /bin/busybox true\` (stderr)

\`\`\`
$(cat "$stats_file")
\`\`\`
EOF
}
report >"$results"
echo
echo "unikit median: $unikit_median ms, native median: $native_median ms, ratio ${ratio}x"
echo "peak RSS: unikit $unikit_rss KiB, native $native_rss KiB"
echo "--- unikit --stats ---"
cat "$stats_file"
echo "wrote $results"
