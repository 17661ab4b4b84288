#!/usr/bin/env bash
# build.sh OUTDIR: builds the deterministic test rootfs used by the compat, CLI and boot
# benchmark scripts. It holds Debian's static busybox with its applet links, /etc,
# /tmp, known data files under /data, the test programs of tests/programs/ in three
# flavours (glibc static, glibc static-pie, musl static), a dynamically linked glibc one with its
# libraries, and a few broken executables.
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

for tool in gcc g++ musl-gcc python3 readelf; do
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
        (cd "$programs_dir" && sha256sum -- *.c *.cpp *.h)
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
# Every other applet too: busybox sh runs an applet that is not built in by exec'ing
# /proc/self/exe, which the native (chroot) run does not have; it then falls back to PATH,
# so without these links `tar`, `gzip`, `du`, ... would be "not found" in the oracle.
for applet in $("$busybox" --list); do
    [[ $applet == busybox || -e $root/bin/$applet || -L $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
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

# /data/tree: a deterministic tree for the file-system compat cases (tests/compat/files.txt):
# nested directories, ~50 files of known content, odd names, modes, a hard link, symlinks
# (relative, absolute, dangling, to a directory), a chain of single-entry directories (so
# recursive tools print it in one order whatever readdir returns), a copy of the blob with
# one byte changed, a gzip file and a tar archive made without timestamps of their own.
python3 - "$root/data" <<'EOF'
import gzip, hashlib, io, os, random, sys, tarfile
data = sys.argv[1]
tree = os.path.join(data, "tree")
def write(path, content, mode=0o644):
    full = os.path.join(tree, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())
    os.chmod(full, mode)
write("README.txt", "a deterministic tree for the file-system tests\n")
rng = random.Random(4)
words = ["%s-%02d" % (w, i) for i in range(5) for w in
         ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett")]
rng.shuffle(words)
write("unsorted.txt", "\n".join(words + words[:7]) + "\n")
write("with space.txt", "a name with a space\n")
write(".hidden", "a dot file\n")
write("mode-600.txt", "private mode\n", 0o600)
write("run.sh", "#!/bin/sh\necho run\n", 0o755)
blob = bytearray(open(os.path.join(data, "blob.bin"), "rb").read())
blob[500000] ^= 0xff
write("blob-copy.bin", bytes(blob))
for i in range(10):
    write("a/file-%02d.txt" % i, "".join("file a/%02d line %d\n" % (i, j) for j in range(i + 1)))
    write("a/b/file-%02d.dat" % i, hashlib.sha256(b"dat-%d" % i).digest() * (i * 40 + 1))
    write("a/b/c/file-%02d.txt" % i, "c%02d " % i * (i * 7))
os.link(os.path.join(tree, "a/file-00.txt"), os.path.join(tree, "a/hardlink"))
os.makedirs(os.path.join(tree, "empty-dir"))
write("private/secret.txt", "in a 0700 directory\n")
os.chmod(os.path.join(tree, "private"), 0o700)
write("deep/1/2/3/4/5/6/7/8/leaf.txt", "the leaf of a deep chain\n")
os.makedirs(os.path.join(tree, "links"))
os.symlink("../a/file-01.txt", os.path.join(tree, "links/rel"))
os.symlink("/data/tree/a/file-02.txt", os.path.join(tree, "links/abs"))
os.symlink("../missing", os.path.join(tree, "links/dangling"))
os.symlink("../a/b", os.path.join(tree, "links/dir"))
words_txt = open(os.path.join(data, "words.txt"), "rb").read()
write("words.txt.gz", gzip.compress(words_txt, compresslevel=9, mtime=0))
archive = io.BytesIO()
with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    for name, content in (("archive/", None), ("archive/one.txt", b"one\n"),
                          ("archive/sub/", None), ("archive/sub/two.txt", b"two\n" * 100)):
        info = tarfile.TarInfo(name.rstrip("/"))
        info.mtime, info.uid, info.gid, info.uname, info.gname = 946684800, 0, 0, "root", "root"
        if content is None:
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        else:
            info.size, info.mode = len(content), 0o644
            tar.addfile(info, io.BytesIO(content))
write("archive.tar", archive.getvalue())
EOF

# Test programs, three flavours each.
for source in "$programs_dir"/*.c; do
    name=$(basename "$source" .c)
    gcc -static -O2 -Wall -o "$root/bin/$name-glibc-static" "$source"
    gcc -static-pie -O2 -fPIE -Wall -o "$root/bin/$name-glibc-pie" "$source"
    musl-gcc -static -O2 -Wall -o "$root/bin/$name-musl-static" "$source"
done
# A dynamically linked glibc build of each, with the dynamic linker and the libraries they
# need copied from the host to the same paths (tests/compat/dynamic.txt runs some of them).
for source in "$programs_dir"/*.c; do
    name=$(basename "$source" .c)
    gcc -O2 -Wall -o "$root/bin/$name-glibc-dynamic" "$source"
done
for library in $(ldd "$root"/bin/*-glibc-dynamic | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
done
# C++ programs: glibc only (musl-gcc has no C++ library).
for source in "$programs_dir"/*.cpp; do
    name=$(basename "$source" .cpp)
    g++ -static -O2 -Wall -o "$root/bin/$name-glibc-static" "$source"
    g++ -static-pie -O2 -fPIE -Wall -o "$root/bin/$name-glibc-pie" "$source"
done

# Broken executables for the CLI's 126 cases.
printf 'this is a text file, not an ELF program\n' >"$root/bin/not-elf"
head -c 100 "$root/bin/hello-glibc-static" >"$root/bin/truncated-elf"
# A dynamically linked program whose dynamic linker (PT_INTERP) is not there: execve says
# ENOENT, so a shell reports "not found" (127).
interpreter=$(readelf -l "$root/bin/hello-glibc-dynamic" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
missing_interpreter=$(dirname "$interpreter")/missing-$(basename "$interpreter" | cut -c 9-)
[[ ${#missing_interpreter} -eq ${#interpreter} ]] || die "cannot make a same-length interpreter path from $interpreter"
sed "s|$interpreter|$missing_interpreter|" "$root/bin/hello-glibc-dynamic" >"$root/bin/missing-interpreter"
chmod 755 "$root/bin/missing-interpreter"
cmp -s "$root/bin/hello-glibc-dynamic" "$root/bin/missing-interpreter" && die "missing-interpreter: PT_INTERP not changed"
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
