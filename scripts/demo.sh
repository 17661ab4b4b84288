#!/usr/bin/env bash
# demo.sh: sets up and builds, builds the test rootfs, then runs a few programs from it (the
# last a shell pipeline of several processes) under unikit.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash tests/rootfs/build.sh build/test-rootfs

# demo COMMAND...: shows the command line (quoting words with spaces), then runs it.
demo() {
    local shown=() word
    for word in "$@"; do
        if [[ $word == *' '* ]]; then shown+=("\"$word\""); else shown+=("$word"); fi
    done
    printf '\n$ %s\n' "${shown[*]}"
    "$@"
}

demo build/unikit run build/test-rootfs -- /bin/busybox echo "hello from a unikit microVM"
demo build/unikit run build/test-rootfs -- /bin/busybox uname -sm
demo build/unikit run build/test-rootfs -- /bin/busybox sha256sum /data/blob.bin
printf '(host: %s)\n' "$(sha256sum build/test-rootfs/data/blob.bin | cut -d' ' -f1)"
demo build/unikit run -e GREETING=hi build/test-rootfs -- /bin/args_env-musl-static one two
demo build/unikit run build/test-rootfs -- /bin/cxx_threads-glibc-static
demo build/unikit run build/test-rootfs -- /bin/sh -c 'ls /data | sort -r | head -n 3; echo "$(wc -l < /data/words.txt) lines in words.txt, counted by a child process"'
