// file_api.c: the file descriptor API. `file_api ro` checks reads of the read-only data
// files of the test rootfs only; `file_api` (no argument) also creates files in a private
// directory under /tmp and exercises open flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
// O_DIRECTORY, O_NOFOLLOW, O_PATH, O_CLOEXEC), read/write/pread/pwrite/readv/writev, lseek
// (SEEK_END, holes, SEEK_DATA/SEEK_HOLE), dup/dup2/dup3/fcntl, ftruncate and fstat.
// One line per check; the native run is the oracle.
#include "probe.h"

static void read_only_checks(void)
{
    char buffer[64];
    int fd = check("open /data/hello.txt O_RDONLY", open("/data/hello.txt", O_RDONLY));
    struct stat st;
    print_stat("fstat hello.txt", fstat(fd, &st), &st);
    long n = read(fd, buffer, 5);
    print_read("read 5", n, buffer);
    check("lseek SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
    n = pread(fd, buffer, 4, 11);
    print_read("pread 4 at 11", n, buffer);
    check("offset unchanged by pread", lseek(fd, 0, SEEK_CUR));
    check("lseek SEEK_END -5", lseek(fd, -5, SEEK_END));
    n = read(fd, buffer, sizeof buffer);
    print_read("read to end", n, buffer);
    n = read(fd, buffer, sizeof buffer);
    print_read("read at EOF", n, buffer);
    check("lseek SEEK_SET 1000 (past end)", lseek(fd, 1000, SEEK_SET));
    n = read(fd, buffer, sizeof buffer);
    print_read("read past end", n, buffer);
    n = pread(fd, buffer, 8, 1 << 20);
    print_read("pread far past end", n, buffer);
    check("lseek negative", lseek(fd, -1, SEEK_SET));
    check("lseek bad whence", lseek(fd, 0, 99));
    check("lseek SEEK_HOLE 0 (dense file: end)", lseek(fd, 0, SEEK_HOLE));
    check("lseek SEEK_DATA past end", lseek(fd, 100, SEEK_DATA));
    check("write to O_RDONLY fd", write(fd, "x", 1));
    int flags = fcntl(fd, F_GETFL);
    printf("F_GETFL accmode %d append %d nonblock %d\n", flags & O_ACCMODE, !!(flags & O_APPEND),
        !!(flags & O_NONBLOCK));
    check("F_GETFD", fcntl(fd, F_GETFD));
    check("close", close(fd));
    check("close again", close(fd));
    check("read closed fd", read(fd, buffer, 1));

    // readv across buffers.
    fd = open("/data/words.txt", O_RDONLY);
    char a[7], b[10], c[100];
    struct iovec iov[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };
    n = check("readv words.txt 7+10+100", readv(fd, iov, 3));
    print_read("  first", sizeof a, a);
    print_read("  second", sizeof b, b);
    print_read("  third", n > 17 ? n - 17 : 0, c);
    struct iovec empty[1] = { { a, 0 } };
    check("readv zero-length", readv(fd, empty, 1));
    volatile int minus_one = -1;
    check("readv iovcnt -1", readv(fd, iov, minus_one));
    close(fd);

    // The 1 MiB blob: checksums over odd-sized reads and preads at odd offsets.
    fd = open("/data/blob.bin", O_RDONLY | O_CLOEXEC);
    check("F_GETFD O_CLOEXEC", fcntl(fd, F_GETFD));
    static char big[1 << 20];
    uint32_t hash = 2166136261u;
    long total = 0;
    while ((n = read(fd, big, 12345)) > 0) {
        hash = fnv1a(hash, big, n);
        total += n;
    }
    printf("blob read in 12345-byte pieces: %ld bytes, fnv %08x\n", total, hash);
    check("blob lseek SEEK_END 0", lseek(fd, 0, SEEK_END));
    hash = 2166136261u;
    for (long offset = 0; offset < (1 << 20); offset += 65537) {
        n = pread(fd, big, 333, offset);
        if (n > 0)
            hash = fnv1a(hash, big, n);
    }
    printf("blob preads of 333 bytes every 65537: fnv %08x\n", hash);
    n = pread(fd, big, sizeof big, 0);
    printf("blob one 1 MiB pread: %ld bytes, fnv %08x\n", n, fnv1a(2166136261u, big, n > 0 ? n : 0));
    n = pread(fd, big, 100, (1 << 20) - 10);
    check("blob pread straddling the end", n);
    close(fd);

    // Directories, symlinks, O_PATH, O_NOFOLLOW, O_DIRECTORY on read-only files.
    fd = check_ok("open /data O_DIRECTORY", open("/data", O_RDONLY | O_DIRECTORY));
    check("read a directory", read(fd, buffer, sizeof buffer));
    check("lseek a directory to 0", lseek(fd, 0, SEEK_SET));
    int inner = check_ok("openat dir fd, hello.txt", openat(fd, "hello.txt", O_RDONLY));
    n = read(inner, buffer, 5);
    print_read("  read", n, buffer);
    close(inner);
    check("openat dir fd, missing", openat(fd, "missing", O_RDONLY));
    check("openat dir fd, absolute ignores dirfd", (inner = openat(fd, "/data/words.txt", O_RDONLY)) < 0 ? -1 : 0);
    close(inner);
    struct stat lst;
    print_stat("fstatat dir fd, link, AT_SYMLINK_NOFOLLOW",
        fstatat(fd, "link", &lst, AT_SYMLINK_NOFOLLOW), &lst);
    print_stat("fstatat dir fd, link", fstatat(fd, "link", &lst, 0), &lst);
    check("faccessat R_OK hello.txt", faccessat(fd, "hello.txt", R_OK, 0));
    check("faccessat F_OK missing", faccessat(fd, "missing", F_OK, 0));
    close(fd);
    check("open a file O_DIRECTORY", open("/data/hello.txt", O_RDONLY | O_DIRECTORY));
    check("open a file with a trailing slash", open("/data/hello.txt/", O_RDONLY));
    check("open through a file", open("/data/hello.txt/x", O_RDONLY));
    check("open a directory O_WRONLY", open("/data", O_WRONLY));
    check("open a directory O_RDWR", open("/data", O_RDWR));
    check("open a symlink O_NOFOLLOW", open("/data/link", O_RDONLY | O_NOFOLLOW));
    fd = check_ok("open a symlink O_PATH|O_NOFOLLOW", open("/data/link", O_PATH | O_NOFOLLOW));
    print_stat("  fstat", fstat(fd, &st), &st);
    check("  read", read(fd, buffer, 1));
    close(fd);
    fd = check_ok("open /data/dir O_PATH", open("/data/dir", O_PATH));
    check("  read", read(fd, buffer, 1));
    inner = check_ok("  openat nested.txt through the O_PATH fd", openat(fd, "nested.txt", O_RDONLY));
    n = read(inner, buffer, sizeof buffer);
    print_read("  read", n, buffer);
    close(inner);
    check("  fchdir to the O_PATH fd", fchdir(fd));
    print_file("  relative nested.txt", "nested.txt");
    check("  chdir /", chdir("/"));
    close(fd);
    fd = open("/data/relative-link", O_RDONLY);
    n = read(fd, buffer, sizeof buffer);
    print_read("read through a relative symlink", n, buffer);
    close(fd);
    print_file("empty file", "/data/empty.txt");
    print_file("no trailing newline", "/data/no-newline.txt");
    stat_path("stat /data/empty.txt", "/data/empty.txt");
    lstat_path("lstat /data/link", "/data/link");
    stat_path("stat /data/link", "/data/link");
    stat_path("stat /data/dir", "/data/dir");
    stat_path("stat /bin/busybox", "/bin/busybox");

    // Descriptor numbers: always the lowest free one.
    fd = open("/data/hello.txt", O_RDONLY);
    check("fd of first open", fd);
    check("dup", dup(fd));
    check("dup2 to 10", dup2(fd, 10));
    check("dup2 to itself", dup2(fd, fd));
    check("dup2 bad old fd", dup2(99, 11));
    check("dup3 to itself", dup3(fd, fd, 0));
    check("dup3 to 12 with O_CLOEXEC", dup3(fd, 12, O_CLOEXEC));
    check("  F_GETFD 12", fcntl(12, F_GETFD));
    check("  F_GETFD 10", fcntl(10, F_GETFD));
    check("dup3 bad flags", dup3(fd, 13, 0x4));
    check("F_DUPFD min 20", fcntl(fd, F_DUPFD, 20));
    check("F_DUPFD_CLOEXEC min 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    check("  F_GETFD 21", fcntl(21, F_GETFD));
    check("F_SETFD FD_CLOEXEC on 20", fcntl(20, F_SETFD, FD_CLOEXEC));
    check("  F_GETFD 20", fcntl(20, F_GETFD));
    n = read(fd, buffer, 6);
    check("shared offset: read 6 on the original, lseek on the dup", lseek(10, 0, SEEK_CUR));
    check("open after dups", open("/data/hello.txt", O_RDONLY));
    for (int i = 3; i < 30; ++i)
        close(i);
    check("open after closing all", open("/data/hello.txt", O_RDONLY));
    close(3);
    check("fcntl on a bad fd", fcntl(77, F_GETFD));
    check("fstat on a bad fd", fstat(77, &st));
    check("close(-1)", close(-1));
}

static void write_checks(void)
{
    char buffer[256];
    long n;
    struct stat st;

    int fd = check("open f O_CREAT|O_EXCL|O_WRONLY 0640", open("f", O_CREAT | O_EXCL | O_WRONLY, 0640));
    check("open f O_CREAT|O_EXCL again", open("f", O_CREAT | O_EXCL | O_WRONLY, 0640));
    check("write 12", write(fd, "hello world\n", 12));
    print_stat("fstat", fstat(fd, &st), &st);
    check("read from O_WRONLY fd", read(fd, buffer, 1));
    check("write 0 bytes", write(fd, "", 0));
    close(fd);
    fd = check("open f O_CREAT (exists) O_RDONLY", open("f", O_CREAT | O_RDONLY, 0600));
    stat_path("  mode unchanged", "f");
    n = read(fd, buffer, sizeof buffer);
    print_read("  read", n, buffer);
    close(fd);

    fd = open("f", O_WRONLY | O_APPEND);
    check("O_APPEND: lseek 0", lseek(fd, 0, SEEK_SET));
    check("O_APPEND: write", write(fd, "tail\n", 5));
    check("O_APPEND: offset after write", lseek(fd, 0, SEEK_CUR));
    check("O_APPEND: pwrite at 0 (appends on Linux)", pwrite(fd, "P", 1, 0));
    close(fd);
    print_file("after appends", "f");
    fd = open("f", O_RDWR | O_TRUNC);
    stat_path("O_TRUNC", "f");
    check("write abc", write(fd, "abc", 3));
    check("pwrite X at 100 (hole)", pwrite(fd, "X", 1, 100));
    print_stat("  fstat", fstat(fd, &st), &st);
    n = pread(fd, buffer, 8, 50);
    print_read("  pread 8 in the hole", n, buffer);
    check("  lseek SEEK_END -1", lseek(fd, -1, SEEK_END));
    n = read(fd, buffer, 10);
    print_read("  read at end-1", n, buffer);
    check("  lseek SEEK_SET 4096", lseek(fd, 4096, SEEK_SET));
    check("  write past the end", write(fd, "Y", 1));
    print_stat("  fstat", fstat(fd, &st), &st);
    check("  lseek SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    check("  lseek SEEK_DATA 5000 (past end)", lseek(fd, 5000, SEEK_DATA));
    check("  lseek SEEK_HOLE 4097 (the end)", lseek(fd, 4097, SEEK_HOLE));
    uint32_t hash = 2166136261u;
    lseek(fd, 0, SEEK_SET);
    long total = 0;
    while ((n = read(fd, buffer, 97)) > 0) {
        hash = fnv1a(hash, buffer, n);
        total += n;
    }
    printf("  whole file: %ld bytes, fnv %08x\n", total, hash);

    check("ftruncate 2", ftruncate(fd, 2));
    print_stat("  fstat", fstat(fd, &st), &st);
    check("  offset unchanged", lseek(fd, 0, SEEK_CUR));
    check("ftruncate 6 (extends with zeros)", ftruncate(fd, 6));
    n = pread(fd, buffer, sizeof buffer, 0);
    print_read("  content", n, buffer);
    check("ftruncate -1", ftruncate(fd, -1));
    close(fd);
    fd = open("f", O_RDONLY);
    check("ftruncate on O_RDONLY fd", ftruncate(fd, 0));
    close(fd);
    check("truncate path to 1", truncate("f", 1));
    print_file("  content", "f");

    // writev and readv round trip; a partially filled last buffer.
    fd = open("v", O_RDWR | O_CREAT | O_EXCL, 0600);
    struct iovec out[3] = { { "one ", 4 }, { "", 0 }, { "two three\n", 10 } };
    check("writev 3 buffers", writev(fd, out, 3));
    lseek(fd, 0, SEEK_SET);
    char a[3], b[5], c[40];
    struct iovec in[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };
    n = check("readv", readv(fd, in, 3));
    print_read("  a", sizeof a, a);
    print_read("  b", sizeof b, b);
    print_read("  c", n - 8, c);
    check("pwritev-style pwrite at 4", pwrite(fd, "TWO", 3, 4));
    print_file("  content", "v");
    print_stat("  stat (0600)", fstat(fd, &st), &st);
    close(fd);

    // O_RDWR: read back what was written through the same descriptor.
    fd = open("rw", O_RDWR | O_CREAT, 0644);
    write(fd, "0123456789", 10);
    check("O_RDWR read at end", read(fd, buffer, 4));
    lseek(fd, 2, SEEK_SET);
    n = read(fd, buffer, 4);
    print_read("O_RDWR read at 2", n, buffer);
    check("  write at 6", write(fd, "ab", 2));
    print_file("  content", "rw");
    // A large write and read back.
    static char big[3 << 20];
    for (size_t i = 0; i < sizeof big; ++i)
        big[i] = (char)(i * 7 + (i >> 13));
    lseek(fd, 0, SEEK_SET);
    check("write 3 MiB", write(fd, big, sizeof big));
    memset(big, 0, sizeof big);
    n = pread(fd, big, sizeof big, 0);
    printf("  pread back: %ld bytes, fnv %08x\n", n, fnv1a(2166136261u, big, n > 0 ? n : 0));
    close(fd);

    // Creation flags and file types.
    check("O_CREAT|O_DIRECTORY (EINVAL since Linux 6.4)", open("newdir", O_CREAT | O_DIRECTORY | O_RDONLY, 0755));
    stat_path("  nothing created", "newdir");
    check("O_CREAT with a trailing slash", open("new/", O_CREAT | O_WRONLY, 0644));
    check("O_CREAT in a missing directory", open("missing/new", O_CREAT | O_WRONLY, 0644));
    check("O_EXCL without O_CREAT on an existing file", (fd = open("f", O_EXCL | O_RDONLY)) < 0 ? -1 : 0);
    close(fd);
    check("symlink s -> f", symlink("f", "s"));
    check("O_CREAT|O_EXCL on a symlink", open("s", O_CREAT | O_EXCL | O_WRONLY, 0644));
    check("O_NOFOLLOW on a symlink", open("s", O_RDONLY | O_NOFOLLOW));
    check("symlink dangling -> nowhere", symlink("nowhere", "dangling"));
    fd = check_ok("O_CREAT through a dangling symlink", open("dangling", O_CREAT | O_WRONLY, 0644));
    close(fd);
    lstat_path("  the target now exists", "nowhere");
    check("O_PATH then write", (fd = open("f", O_PATH)) < 0 ? -1 : write(fd, "x", 1));
    check("O_PATH fstat size", fstat(fd, &st) < 0 ? -1 : st.st_size);
    close(fd);
    check("mkdir d", mkdir("d", 0755));
    check("open d O_WRONLY", open("d", O_WRONLY));
    check("open d O_CREAT", open("d", O_CREAT | O_RDONLY, 0644));
    fd = open("d", O_RDONLY | O_DIRECTORY);
    check("openat d fd, O_CREAT inner", openat(fd, "inner", O_CREAT | O_WRONLY, 0644) >= 0 ? 0 : -1);
    stat_path("  d/inner", "d/inner");
    check("ftruncate a directory", ftruncate(fd, 0));
    check("write a directory fd", write(fd, "x", 1));
    close(fd);

    // fchmod, fstat modes, link count.
    fd = open("f", O_RDONLY);
    check("fchmod 0751", fchmod(fd, 0751));
    print_stat("  fstat", fstat(fd, &st), &st);
    check("link f hard", link("f", "hard"));
    print_stat("  fstat nlink", fstat(fd, &st), &st);
    check("unlink f", unlink("f"));
    print_stat("  fstat after unlink (open fd)", fstat(fd, &st), &st);
    char one;
    check("  read after unlink", read(fd, &one, 1));
    close(fd);

    // An unlinked file stays usable while open.
    fd = open("gone", O_RDWR | O_CREAT, 0644);
    unlink("gone");
    check("write to an unlinked open file", write(fd, "still here", 10));
    n = pread(fd, buffer, sizeof buffer, 0);
    print_read("  read back", n, buffer);
    print_stat("  fstat", fstat(fd, &st), &st);
    close(fd);
}

int main(int argc, char** argv)
{
    probe_start();
    read_only_checks();
    if (argc > 1 && strcmp(argv[1], "ro") == 0)
        return 0;
    if (enter_workdir("file_api") == 0)
        write_checks();
    leave_workdir();
    return 0;
}
