// probe.h: helpers shared by the file-system probe programs (file_api, dirs, errors, pipes,
// creator, fsops). Every check prints one line "LABEL: RESULT", where RESULT is a value or
// "-1 ENAME" with the errno's symbolic name (never strerror(): glibc and musl word their
// messages differently). Output must be deterministic: no pids, timestamps, inode numbers or
// addresses. Programs that write work in a private directory /tmp/NAME.PID, chdir into it,
// use relative paths only, and remove it at the end, so the native (chroot) runs leave
// ROOTFS as they found it.
#ifndef UNIKIT_TEST_PROBE_H
#define UNIKIT_TEST_PROBE_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-function"

static const char* errno_name(int e)
{
    switch (e) {
#define N(x) case x: return #x;
        N(EPERM) N(ENOENT) N(ESRCH) N(EINTR) N(EIO) N(ENXIO) N(E2BIG) N(ENOEXEC) N(EBADF)
        N(ECHILD) N(EAGAIN) N(ENOMEM) N(EACCES) N(EFAULT) N(ENOTBLK) N(EBUSY) N(EEXIST)
        N(EXDEV) N(ENODEV) N(ENOTDIR) N(EISDIR) N(EINVAL) N(ENFILE) N(EMFILE) N(ENOTTY)
        N(ETXTBSY) N(EFBIG) N(ENOSPC) N(ESPIPE) N(EROFS) N(EMLINK) N(EPIPE) N(EDOM) N(ERANGE)
        N(EDEADLK) N(ENAMETOOLONG) N(ENOLCK) N(ENOSYS) N(ENOTEMPTY) N(ELOOP) N(ENOMSG)
        N(EOVERFLOW) N(EOPNOTSUPP) N(ENOTSOCK) N(ENOTCONN) N(ETIMEDOUT) N(ENODATA)
        N(ESTALE) N(EDQUOT) N(ECONNREFUSED) N(ECONNRESET) N(EINPROGRESS) N(EALREADY) N(EISCONN)
        N(EADDRINUSE) N(EADDRNOTAVAIL) N(EDESTADDRREQ) N(EAFNOSUPPORT) N(EPROTONOSUPPORT)
        N(ENOPROTOOPT) N(EMSGSIZE) N(ECONNABORTED) N(ENETUNREACH) N(ESOCKTNOSUPPORT)
#undef N
    default: {
        static char buffer[32];
        snprintf(buffer, sizeof buffer, "errno%d", e);
        return buffer;
    }
    }
}

// check(LABEL, RESULT): prints "LABEL: RESULT" or "LABEL: -1 ENAME"; returns RESULT.
static long check(const char* label, long result)
{
    int saved = errno;
    if (result < 0)
        printf("%s: -1 %s\n", label, errno_name(saved));
    else
        printf("%s: %ld\n", label, result);
    errno = saved;
    return result;
}

// check_ok(LABEL, RESULT): like check(), but success prints only "ok" (for calls whose
// success value is a descriptor or another number that need not be compared).
static long check_ok(const char* label, long result)
{
    int saved = errno;
    if (result < 0)
        printf("%s: -1 %s\n", label, errno_name(saved));
    else
        printf("%s: ok\n", label);
    errno = saved;
    return result;
}

// checkf(RESULT, FORMAT, ...): check() with a printf-formatted label.
__attribute__((format(printf, 2, 3))) static long checkf(long result, const char* format, ...)
{
    int saved = errno;
    char label[4200];
    va_list args;
    va_start(args, format);
    vsnprintf(label, sizeof label, format, args);
    va_end(args);
    errno = saved;
    return check(label, result);
}

static const char* file_type(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "regular";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symlink";
    case S_IFIFO: return "fifo";
    case S_IFCHR: return "chardev";
    case S_IFBLK: return "blockdev";
    case S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

// Prints the deterministic fields of a stat result: type, permission bits, size for
// non-directories (a directory's size depends on the file system), link count for
// non-directories.
static void print_stat(const char* label, int result, const struct stat* st)
{
    if (result < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    if (S_ISDIR(st->st_mode))
        printf("%s: %s mode %04o\n", label, file_type(st->st_mode), (unsigned)(st->st_mode & 07777));
    else
        printf("%s: %s mode %04o size %lld nlink %lu\n", label, file_type(st->st_mode),
            (unsigned)(st->st_mode & 07777), (long long)st->st_size, (unsigned long)st->st_nlink);
}

static void stat_path(const char* label, const char* path)
{
    struct stat st;
    int result = stat(path, &st);
    print_stat(label, result, &st);
}

static void lstat_path(const char* label, const char* path)
{
    struct stat st;
    int result = lstat(path, &st);
    print_stat(label, result, &st);
}

// Prints bytes as a C-like string literal, escaping non-printable bytes.
static void print_bytes(const char* p, long n)
{
    putchar('"');
    for (long i = 0; i < n; ++i) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\\' || c == '"')
            printf("\\%c", c);
        else if (c < 32 || c >= 127)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('"');
}

// print_read(LABEL, RESULT, BUFFER): "LABEL: N "bytes"" or "LABEL: -1 ENAME".
static void print_read(const char* label, long result, const char* buffer)
{
    if (result < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    printf("%s: %ld ", label, result);
    print_bytes(buffer, result);
    putchar('\n');
    fflush(stdout);
}

// Whole-file content, for short files: "LABEL: "content"" or "LABEL: -1 ENAME".
static void print_file(const char* label, const char* path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: -1 %s\n", label, errno_name(errno));
        return;
    }
    char buffer[4096];
    long total = 0, n;
    while (total < (long)sizeof buffer && (n = read(fd, buffer + total, sizeof buffer - total)) > 0)
        total += n;
    close(fd);
    print_read(label, total, buffer);
}

static int write_file(const char* path, const char* content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t length = strlen(content);
    ssize_t written = write(fd, content, length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

static uint32_t fnv1a(uint32_t hash, const void* data, size_t n)
{
    const unsigned char* p = data;
    for (size_t i = 0; i < n; ++i)
        hash = (hash ^ p[i]) * 16777619u;
    return hash;
}

// Removes PATH recursively (no symlinks followed). Returns 0 or -1.
static int remove_tree_at(int parent, const char* name)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(parent, name, 0);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    DIR* dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    // Collect the names first: removing while iterating may skip entries.
    char** names = NULL;
    size_t count = 0, capacity = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            names = realloc(names, capacity * sizeof *names);
        }
        names[count++] = strdup(entry->d_name);
    }
    int result = 0;
    for (size_t i = 0; i < count; ++i) {
        if (remove_tree_at(dirfd(dir), names[i]) < 0)
            result = -1;
        free(names[i]);
    }
    free(names);
    closedir(dir);
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0)
        result = -1;
    return result;
}

// Start of every probe: line-buffered stdout, umask 022, and only descriptors 0, 1 and 2
// open (a caller may leak others, which would shift the numbers open() returns).
static void probe_start(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    for (int fd = 3; fd < 1024; ++fd)
        close(fd);
}

static char probe_workdir[256];
static struct timespec probe_tmp_times[2];

// Creates /tmp/NAME.PID, makes it the working directory and returns 0; on failure prints
// why and returns -1.
static int enter_workdir(const char* name)
{
    umask(022);
    // Natively, /tmp is ROOTFS/tmp: its times are put back at the end (leave_workdir).
    struct stat tmp;
    if (stat("/tmp", &tmp) == 0) {
        probe_tmp_times[0] = tmp.st_atim;
        probe_tmp_times[1] = tmp.st_mtim;
    }
    snprintf(probe_workdir, sizeof probe_workdir, "/tmp/%s.%ld", name, (long)getpid());
    if (mkdir(probe_workdir, 0755) < 0 || chdir(probe_workdir) < 0) {
        printf("setup: cannot create a directory in /tmp: -1 %s\n", errno_name(errno));
        fflush(stdout);
        return -1;
    }
    return 0;
}

// Leaves and removes the working directory; prints whether that worked.
static void leave_workdir(void)
{
    if (!probe_workdir[0])
        return;
    if (chdir("/") < 0)
        printf("cleanup: chdir /: -1 %s\n", errno_name(errno));
    if (remove_tree_at(AT_FDCWD, probe_workdir) < 0)
        printf("cleanup: -1 %s\n", errno_name(errno));
    struct stat st;
    if (lstat(probe_workdir, &st) == 0)
        printf("cleanup: the work directory is still there\n");
    if (probe_tmp_times[1].tv_sec)
        utimensat(AT_FDCWD, "/tmp", probe_tmp_times, 0);
}

static int compare_strings(const void* a, const void* b)
{
    return strcmp(*(char* const*)a, *(char* const*)b);
}

#endif
