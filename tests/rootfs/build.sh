#!/usr/bin/env bash
# build.sh OUTDIR: builds the deterministic test rootfs used by the compat, CLI and boot
# benchmark scripts. It holds Debian's static busybox with a few applet links, /etc,
# /tmp, known data files under /data, the test programs of tests/programs/ in three
# flavours (glibc static, glibc static-pie, musl static) and a few broken executables.
# The tree is rebuilt only when an input changed (OUTDIR.stamp holds the inputs' hash).
set -euo pipefail
umask 022

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
programs_dir=$(cd "$script_dir/../programs" && pwd)
busybox=/bin/busybox
outdir=$1
outdir=${outdir%/}
[[ -n $outdir && $outdir != / ]] || { echo "build.sh: refusing OUTDIR '$1'" >&2; exit 2; }
stamp="$outdir.stamp"
applets=(echo printf true false expr basename seq uname cat wc sha256sum ls)
# A fixed timestamp for every entry, so that `ls -l` and tree hashes are reproducible.
fixed_time=@946684800

die() {
    echo "build.sh: $*" >&2
    exit 1
}

for tool in gcc musl-gcc python3 readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (run scripts/setup.sh)"
done
[[ -x $busybox ]] || die "$busybox not found (install busybox-static)"
if readelf -l "$busybox" | grep -q 'Requesting program interpreter'; then
    die "$busybox is dynamically linked; install busybox-static"
fi

# The stamp covers everything the tree is made from: this script, the program sources,
# busybox and the compilers' versions.
compute_stamp() {
    {
        sha256sum "$script_dir/build.sh" "$busybox"
        (cd "$programs_dir" && sha256sum -- *.c)
        gcc --version | head -n 1
        musl-gcc --version 2>/dev/null | head -n 1 || true
        dpkg-query -W -f='${Version}\n' musl-tools 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
}

wanted_stamp=$(compute_stamp)
if [[ -d $outdir && -f $stamp && $(cat "$stamp") == "$wanted_stamp" ]]; then
    exit 0
fi

mkdir -p "$(dirname "$outdir")"
exec 9>"$outdir.lock"
flock 9
# Another build may have finished while we waited for the lock.
if [[ -d $outdir && -f $stamp && $(cat "$stamp") == "$wanted_stamp" ]]; then
    exit 0
fi

echo "build.sh: building test rootfs in $outdir" >&2
staging=$(mktemp -d "$outdir.staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
root="$staging/root"
mkdir -p "$root"/{bin,etc,tmp,data/dir,dev,proc,root}
chmod 1777 "$root/tmp"

# busybox: a real copy, so the tree does not depend on the host's /bin.
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for applet in "${applets[@]}"; do
    ln -s busybox "$root/bin/$applet"
done

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
printf 'unikit-test\n' >"$root/etc/hostname"

# Data files with known content.
printf 'hello from the test rootfs\n' >"$root/data/hello.txt"
printf 'alpha\nbravo\ncharlie\ndelta\necho\nfoxtrot\ngolf\nhotel\n' >"$root/data/words.txt"
: >"$root/data/empty.txt"
printf 'no trailing newline' >"$root/data/no-newline.txt"
printf 'nested file\n' >"$root/data/dir/nested.txt"
for i in $(seq 1 1000); do
    printf 'line %04d of a multi-line text file\n' "$i"
done >"$root/data/lines.txt"
# 1 MiB of deterministic pseudo-random bytes: SHA-256 in counter mode.
python3 - "$root/data/blob.bin" <<'EOF'
import hashlib, sys
with open(sys.argv[1], "wb") as blob:
    for counter in range(32768):
        blob.write(hashlib.sha256(b"unikit-test-blob-%d" % counter).digest())
EOF
ln -s /data/hello.txt "$root/data/link"
ln -s hello.txt "$root/data/relative-link"

# Test programs, three flavours each.
for source in "$programs_dir"/*.c; do
    name=$(basename "$source" .c)
    gcc -static -O2 -Wall -o "$root/bin/$name-glibc-static" "$source"
    gcc -static-pie -O2 -fPIE -Wall -o "$root/bin/$name-glibc-pie" "$source"
    musl-gcc -static -O2 -Wall -o "$root/bin/$name-musl-static" "$source"
done

# Broken executables for the CLI's 126 cases.
printf 'this is a text file, not an ELF program\n' >"$root/bin/not-elf"
head -c 100 "$root/bin/hello-glibc-static" >"$root/bin/truncated-elf"
# A complete ELF whose e_phoff (offset 0x20, 8 bytes little-endian) points 1 GiB in,
# far past the end of the file.
cp "$root/bin/hello-glibc-static" "$root/bin/corrupt-elf"
printf '\x00\x00\x00\x40\x00\x00\x00\x00' |
    dd of="$root/bin/corrupt-elf" bs=1 seek=32 count=8 conv=notrunc status=none
chmod 755 "$root/bin/not-elf" "$root/bin/truncated-elf" "$root/bin/corrupt-elf"

find "$root" -exec touch -h -d "$fixed_time" {} +

rm -rf "$outdir" "$stamp"
mv "$root" "$outdir"
printf '%s\n' "$wanted_stamp" >"$stamp"
