// rootfs_writer: tries every way a program has to change the files it sees under / (creating,
// writing, truncating, renaming over, linking, unlinking, chmod/chown/utimes, writing through
// symlinks, hard links and /proc/self/fd). In unikit these land in the in-memory overlay and
// the host's ROOTFS must not change (hardening.sh hashes it before and after). Prints one line
// per attempt ("name: ok" or "name: errno") and "done".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2 // musl's headers lack renameat2
#endif

static void report(const char* name, int result)
{
    printf("%s: %s\n", name, result < 0 ? strerror(errno) : "ok");
}

static int write_text(const char* path, int flags, const char* text)
{
    int fd = open(path, O_WRONLY | flags, 0644);
    if (fd < 0)
        return -1;
    int result = write(fd, text, strlen(text)) < 0 ? -1 : 0;
    close(fd);
    return result;
}

int main(void)
{
    report("create /new-file", write_text("/new-file", O_CREAT | O_EXCL, "new\n"));
    report("create /etc/new", write_text("/etc/new", O_CREAT, "new\n"));
    report("overwrite /etc/hostname", write_text("/etc/hostname", O_TRUNC, "pwned\n"));
    report("append /etc/passwd", write_text("/etc/passwd", O_APPEND, "evil::0:0::/:/bin/sh\n"));
    report("pwrite /data/hello.txt", write_text("/data/hello.txt", 0, "HELLO"));
    report("truncate /data/lines.txt", truncate("/data/lines.txt", 1));
    int fd = open("/data/words.txt", O_RDWR);
    report("ftruncate /data/words.txt", fd < 0 ? -1 : ftruncate(fd, 0));
    if (fd >= 0)
        close(fd);
    report("chmod /bin/busybox", chmod("/bin/busybox", 04777));
    report("chown /etc/group", chown("/etc/group", 1234, 1234));
    struct timeval times[2] = { { 1, 0 }, { 1, 0 } };
    report("utimes /etc/passwd", utimes("/etc/passwd", times));
    report("rename over /etc/passwd", rename("/etc/hostname", "/etc/passwd"));
    report("rename a directory", rename("/data/dir", "/data/dir-moved"));
    report("unlink /data/empty.txt", unlink("/data/empty.txt"));
    report("rmdir /data/tree", rmdir("/data/tree"));
    report("mkdir /data/new-dir", mkdir("/data/new-dir", 0755));
    report("mkfifo /data/fifo", mkfifo("/data/fifo", 0644));
    report("symlink /data/evil", symlink("/etc/passwd", "/data/evil"));
    report("write through a symlink", write_text("/data/link", O_TRUNC, "through a symlink\n"));
    report("write through a new symlink", write_text("/data/evil", O_APPEND, "more\n"));
    report("dangling symlink create", symlink("/etc/created-through-link", "/data/dangling") < 0 ? -1
            : write_text("/data/dangling", O_CREAT, "created\n"));
    report("symlink to ..", symlink("../../../../..", "/data/up") < 0 ? -1 : write_text("/data/up/escaped", O_CREAT, "x\n"));
    report("hard link /etc/group", link("/etc/group", "/data/group-link"));
    report("write through a hard link", write_text("/data/group-link", O_APPEND, "evil:x:0:\n"));
    fd = open("/data/no-newline.txt", O_RDONLY);
    char self[64];
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    report("reopen /proc/self/fd read-only fd for writing", write_text(self, O_TRUNC, "via /proc\n"));
    if (fd >= 0)
        close(fd);
    report("write through /proc/self/cwd", write_text("/proc/self/cwd/cwd-file", O_CREAT, "x\n"));
    report("write through /proc/self/root", write_text("/proc/self/root/etc/hostname", O_APPEND, "x\n"));
    report("renameat2 exchange", (int)syscall(SYS_renameat2, AT_FDCWD, "/etc/group", AT_FDCWD, "/etc/passwd", RENAME_EXCHANGE));
    report("unlink /bin/busybox", unlink("/bin/busybox"));
    report("replace /bin/busybox", write_text("/bin/busybox", O_CREAT | O_TRUNC, "#!/bin/sh\n"));
    puts("done");
    return 0;
}
