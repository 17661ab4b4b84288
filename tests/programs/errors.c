// errors.c: errno fidelity. Each errno of the file-system API is provoked the way Linux
// programs meet it, and printed by name: ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, EBADF,
// EINVAL, ELOOP, ENAMETOOLONG, ESPIPE, EFAULT, ENOTTY, ERANGE, EPERM, EMFILE, ENXIO.
// Works in a private directory under /tmp. EROFS and EXDEV need mounts, which the native
// chroot oracle does not have: `errors --mounts` adds them (writes to the read-only volume
// at /ro, renames across /tmp, / and /mnt) for tests/integration/files.sh.
#include "probe.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>

// Bad pointers the compiler cannot see through, for the EFAULT checks.
static void* volatile null_pointer;
static void* volatile unmapped_pointer = (void*)16;

static void fd_errors(void)
{
    char buffer[16];
    int fd = open("/data/hello.txt", O_RDONLY);
    int dirfd = open("/data", O_RDONLY | O_DIRECTORY);
    int wfd = open("file", O_WRONLY);
    int pipefd[2];
    pipe(pipefd);

    printf("-- EBADF\n");
    check("read(-1)", read(-1, buffer, 1));
    check("read(1000)", read(1000, buffer, 1));
    check("write to O_RDONLY", write(fd, "x", 1));
    check("read from O_WRONLY", read(wfd, buffer, 1));
    check("close(1000)", close(1000));
    check("fstat(-1)", fstat(-1, &(struct stat) { 0 }));
    check("lseek(1000)", lseek(1000, 0, SEEK_SET));
    check("dup(1000)", dup(1000));
    check("dup2(1000, 5)", dup2(1000, 5));
    check("fcntl(1000, F_GETFL)", fcntl(1000, F_GETFL));
    check("openat(1000, relative)", openat(1000, "x", O_RDONLY));
    check("fchdir(1000)", fchdir(1000));
    check("fsync(1000)", fsync(1000));
    check("ftruncate(1000)", ftruncate(1000, 0));
    check("getdents64(1000)", syscall(SYS_getdents64, 1000, buffer, sizeof buffer));
    check("pwrite on O_RDONLY", pwrite(fd, "x", 1, 0));
    check("write on the read end of a pipe", write(pipefd[0], "x", 1));
    check("read on the write end of a pipe", read(pipefd[1], buffer, 1));

    printf("-- EINVAL\n");
    check("lseek whence 17", lseek(fd, 0, 17));
    check("lseek to -1", lseek(fd, -1, SEEK_SET));
    check("lseek SEEK_CUR -100", lseek(fd, -100, SEEK_CUR));
    check("fcntl unknown command", fcntl(fd, 0x7fff));
    check("dup3 same fd", dup3(fd, fd, 0));
    check("dup3 bad flags", dup3(fd, 9, 0x1234));
    check("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
    check_ok("open with O_ACCMODE 3 and O_CREAT (Linux accepts it)", open("odd", O_CREAT | 3, 0644));
    stat_path("  created", "odd");
    check("openat O_TMPFILE without write access", open(".", O_TMPFILE | O_RDONLY, 0600));
    check("readlink a regular file", readlink("/data/hello.txt", buffer, sizeof buffer));
    check("readlink with buffer size 0", readlink("/data/link", buffer, 0));
    check("rmdir .", rmdir("."));
    check("rename a directory into itself", rename("dir", "dir/inside"));
    check("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "file", AT_FDCWD, "file2", 0x100));
    check("ftruncate negative", ftruncate(wfd, -5));
    check("ftruncate on a read-only fd", ftruncate(fd, 0));
    check("ftruncate a pipe", ftruncate(pipefd[1], 0));
    check("pipe2 bad flags", pipe2((int[2]) { 0 }, 0x1));
    check("utimensat bad flags", utimensat(AT_FDCWD, "file", NULL, 0x4000));
    check("fstatat bad flags", fstatat(AT_FDCWD, "file", &(struct stat) { 0 }, 0x7));
    check("unlinkat bad flags", unlinkat(AT_FDCWD, "file", 0x4000));
    static struct iovec many[2000];
    volatile int too_many = 2000;
    check("readv iovcnt > IOV_MAX", readv(fd, many, too_many));
    check("getdents64 buffer too small", syscall(SYS_getdents64, dirfd, buffer, 1));

    printf("-- ESPIPE\n");
    check("lseek on a pipe", lseek(pipefd[0], 0, SEEK_CUR));
    check("pread on a pipe", pread(pipefd[0], buffer, 1, 0));
    check("pwrite on a pipe", pwrite(pipefd[1], "x", 1, 0));

    printf("-- EISDIR\n");
    check("read a directory", read(dirfd, buffer, sizeof buffer));
    check("pread a directory", pread(dirfd, buffer, sizeof buffer, 0));
    check("open a directory O_WRONLY", open("/data", O_WRONLY));
    check("open a directory O_RDWR", open("dir", O_RDWR));
    check("open a directory O_CREAT", open("dir", O_CREAT | O_WRONLY, 0644));
    check("open O_CREAT with a trailing slash", open("newfile/", O_CREAT | O_WRONLY, 0644));
    check("unlink a directory", unlink("dir"));
    check("rename a file over a directory", rename("file", "dir"));
    check("truncate a directory", truncate("dir", 0));

    printf("-- ENOTTY\n");
    struct termios tio;
    check("tcgetattr on a file", tcgetattr(fd, &tio));
    check("tcgetattr on a pipe", tcgetattr(pipefd[0], &tio));
    int count = 0;
    check("FIONREAD on a directory", ioctl(dirfd, FIONREAD, &count));

    printf("-- EFAULT\n");
    check("read into NULL", read(fd, null_pointer, 5));
    check("write from NULL", write(wfd, null_pointer, 5));
    check("write from an unmapped address", write(wfd, unmapped_pointer, 5));
    check("open a NULL path", open(null_pointer, O_RDONLY));
    check("readlink into NULL", readlink("/data/link", null_pointer, 10));
    check("pipe into NULL", pipe(null_pointer));
    check("getdents64 into NULL", syscall(SYS_getdents64, dirfd, null_pointer, 4096));
    check("getcwd into an unmapped address", syscall(SYS_getcwd, unmapped_pointer, 100));

    printf("-- ERANGE\n");
    check("getcwd into a 1-byte buffer", syscall(SYS_getcwd, buffer, 1));

    printf("-- ENXIO\n");
    check("lseek SEEK_DATA at the end", lseek(fd, 27, SEEK_DATA));
    check("lseek SEEK_HOLE past the end", lseek(fd, 1000, SEEK_HOLE));

    printf("-- EMFILE\n");
    struct rlimit limit = { 64, 64 };
    check("setrlimit RLIMIT_NOFILE 64", setrlimit(RLIMIT_NOFILE, &limit));
    int opened = 0, last_errno = 0;
    int fds[80];
    for (int i = 0; i < 80; ++i) {
        fds[i] = open("/data/hello.txt", O_RDONLY);
        if (fds[i] < 0) {
            last_errno = errno;
            break;
        }
        ++opened;
    }
    printf("opened until failure: %d more, then %s\n", opened, errno_name(last_errno));
    check("dup2 to 64 (>= the limit)", dup2(fd, 64));
    check("F_DUPFD min 100", fcntl(fd, F_DUPFD, 100));
    for (int i = 0; i < opened; ++i)
        close(fds[i]);

    close(fd);
    close(dirfd);
    close(wfd);
    close(pipefd[0]);
    close(pipefd[1]);
}

static void path_errors(void)
{
    printf("-- ENOENT\n");
    check("open a missing file", open("missing", O_RDONLY));
    check("open in a missing directory", open("missing/x", O_RDONLY));
    check("open an empty path", open("", O_RDONLY));
    check("stat an empty path", stat("", &(struct stat) { 0 }));
    check("O_CREAT in a missing directory", open("missing/x", O_CREAT | O_WRONLY, 0644));
    check("open through a dangling symlink", open("dangling", O_RDONLY));
    check("unlink a missing file", unlink("missing"));
    check("rmdir a missing directory", rmdir("missing"));
    check("rename a missing file", rename("missing", "x"));
    check("link a missing file", link("missing", "x"));
    check("chdir to a missing directory", chdir("missing"));
    check("readlink a missing name", readlink("missing", (char[8]) { 0 }, 8));
    check("mkdir in a missing directory", mkdir("missing/x", 0755));
    check("symlink in a missing directory", symlink("target", "missing/x"));
    check("truncate a missing file", truncate("missing", 0));
    check("access a missing file", access("missing", F_OK));
    check("open /data/dir/../missing", open("/data/dir/../missing", O_RDONLY));

    printf("-- ENOTDIR\n");
    check("open through a file", open("file/x", O_RDONLY));
    check("open a file with a trailing slash", open("file/", O_RDONLY));
    check("open a file O_DIRECTORY", open("file", O_RDONLY | O_DIRECTORY));
    check("stat through a file", stat("/data/hello.txt/x", &(struct stat) { 0 }));
    check("mkdir under a file", mkdir("file/x", 0755));
    check("rmdir a file", rmdir("file"));
    check("chdir to a file", chdir("file"));
    check("rename a directory over a file", rename("dir", "file"));
    check("rename a file to a trailing slash", rename("file", "other/"));
    check("unlink a file with a trailing slash", unlink("file/"));
    check("openat with a file as dirfd", openat(open("file", O_RDONLY), "x", O_RDONLY));
    check("getdents64 on a file", syscall(SYS_getdents64, open("file", O_RDONLY), (char[64]) { 0 }, 64));
    check("open a symlink to a file with a trailing slash", open("filelink/", O_RDONLY));

    printf("-- EEXIST\n");
    check("O_CREAT|O_EXCL on an existing file", open("file", O_CREAT | O_EXCL | O_WRONLY, 0644));
    check("O_CREAT|O_EXCL on a directory", open("dir", O_CREAT | O_EXCL | O_WRONLY, 0644));
    check("O_CREAT|O_EXCL on a dangling symlink", open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));
    check("mkdir an existing directory", mkdir("dir", 0755));
    check("mkdir over a file", mkdir("file", 0755));
    check("mkdir over a dangling symlink", mkdir("dangling", 0755));
    check("mkdir /", mkdir("/", 0755));
    check("link onto an existing name", link("file", "dir"));
    check("symlink onto an existing name", symlink("x", "file"));
    check("renameat2 RENAME_NOREPLACE onto an existing name",
        syscall(SYS_renameat2, AT_FDCWD, "file", AT_FDCWD, "file2", 1));

    printf("-- ENOTEMPTY\n");
    check("rmdir a non-empty directory", rmdir("dir"));
    check("rmdir /data/dir (not empty)", rmdir("/data/dir"));
    check("rename a directory over a non-empty directory", rename("empty", "dir"));
    check("rmdir ..", rmdir(".."));

    printf("-- EPERM\n");
    check("link a directory", link("dir", "dirlink"));

    printf("-- the root directory\n");
    check("unlink /", unlink("/"));
    check("rmdir /", rmdir("/"));
    check("rename / away", rename("/", "x"));

    printf("-- ELOOP\n");
    check("open a symlink loop", open("loop", O_RDONLY));
    check("stat a symlink loop", stat("loop", &(struct stat) { 0 }));
    check("open loop/x", open("loop/x", O_RDONLY));
    check("open O_NOFOLLOW on a symlink", open("filelink", O_RDONLY | O_NOFOLLOW));
    check("O_NOFOLLOW|O_CREAT on a symlink", open("filelink", O_RDONLY | O_NOFOLLOW | O_CREAT, 0644));
    check("open O_NOFOLLOW|O_DIRECTORY on a symlink to a directory", open("dirlink-sym", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
    check("chdir into a loop", chdir("loop"));
    check("mkdir loop/x", mkdir("loop/x", 0755));

    printf("-- ENAMETOOLONG\n");
    char name[300];
    memset(name, 'a', sizeof name);
    name[256] = 0;
    check("open a 256-byte component", open(name, O_RDONLY));
    check("O_CREAT a 256-byte component", open(name, O_CREAT | O_WRONLY, 0644));
    check("mkdir a 256-byte component", mkdir(name, 0755));
    char under_data[300] = "/data/";
    strcat(under_data, name);
    check("stat /data/<256 bytes>", stat(under_data, &(struct stat) { 0 }));
    static char path[5000];
    memset(path, 'b', sizeof path);
    for (int i = 100; i < 4999; i += 100)
        path[i] = '/';
    path[4999] = 0;
    check("open a 4999-byte path", open(path, O_RDONLY));
    check("chdir a 4999-byte path", chdir(path));
    check("symlink with a 4999-byte target", symlink(path, "longtarget"));
    memset(path, 'c', 4097);
    path[4097] = 0;
    check("readlink a 4097-byte name", readlink(path, name, sizeof name));
}

static void mount_errors(void)
{
    printf("-- EROFS (a read-only volume at /ro)\n");
    check("O_CREAT on /ro", open("/ro/new", O_CREAT | O_WRONLY, 0644));
    check("O_WRONLY on an existing /ro file", open("/ro/existing.txt", O_WRONLY));
    check("O_RDWR on an existing /ro file", open("/ro/existing.txt", O_RDWR));
    check("O_TRUNC on an existing /ro file", open("/ro/existing.txt", O_RDONLY | O_TRUNC));
    check("mkdir on /ro", mkdir("/ro/newdir", 0755));
    check("unlink on /ro", unlink("/ro/existing.txt"));
    check("rename on /ro", rename("/ro/existing.txt", "/ro/renamed.txt"));
    check("symlink on /ro", symlink("x", "/ro/sym"));
    check("chmod on /ro", chmod("/ro/existing.txt", 0600));
    check("truncate on /ro", truncate("/ro/existing.txt", 0));
    check("utimensat on /ro", utimensat(AT_FDCWD, "/ro/existing.txt", NULL, 0));
    check("O_RDONLY on an existing /ro file still works", open("/ro/existing.txt", O_RDONLY) < 0 ? -1 : 0);
    check("O_CREAT|O_EXCL on an existing /ro file (EEXIST wins)", open("/ro/existing.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    check("open /ro/missing O_RDONLY (ENOENT)", open("/ro/missing", O_RDONLY));

    printf("-- EXDEV (across mounts)\n");
    write_file("/tmp/exdev-file", "x");
    check("rename /tmp -> /", rename("/tmp/exdev-file", "/exdev-file"));
    check("rename / -> /tmp", rename("/data/hello.txt", "/tmp/hello.txt"));
    check("rename /tmp -> /mnt (a volume)", rename("/tmp/exdev-file", "/mnt/exdev-file"));
    check("rename /mnt -> /", rename("/mnt/existing.txt", "/existing.txt"));
    check("link /tmp -> /", link("/tmp/exdev-file", "/exdev-link"));
    check("link / -> /mnt", link("/data/hello.txt", "/mnt/hello-link"));
    check("rename /dev/null -> /tmp", rename("/dev/null", "/tmp/null"));
    check("rename within /tmp still works", rename("/tmp/exdev-file", "/tmp/exdev-file2"));
    unlink("/tmp/exdev-file2");
}

int main(int argc, char** argv)
{
    probe_start();
    if (argc > 1 && strcmp(argv[1], "--mounts") == 0) {
        mount_errors();
        return 0;
    }
    if (enter_workdir("errors") < 0) {
        leave_workdir();
        return 1;
    }
    write_file("file", "a file\n");
    write_file("file2", "another file\n");
    mkdir("dir", 0755);
    write_file("dir/inside", "x");
    mkdir("empty", 0755);
    symlink("nowhere", "dangling");
    symlink("loop", "loop");
    symlink("file", "filelink");
    symlink("dir", "dirlink-sym");
    fd_errors();
    path_errors();
    leave_workdir();
    return 0;
}
