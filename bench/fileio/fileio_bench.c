// fileio_bench.c: the guest side of bench/fileio/run.sh, built static and run both under
// chroot and under unikit. Each workload times its own work with CLOCK_MONOTONIC and
// prints one line "WORKLOAD ... ns=N" (N excludes process start and, for create, cleanup).
//   read PATH BLOCK_SIZE       reads PATH to the end with BLOCK_SIZE reads, discards it
//   create DIR COUNT SIZE      makes DIR/bench.PID, creates+writes+closes COUNT files of
//                              SIZE bytes in it, then (untimed) removes them all
//   walk DIR                   counts regular files under DIR with opendir/readdir/lstat
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int bench_read(const char* path, long block)
{
    char* buffer = malloc(block);
    long long start = now_ns();
    int fd = open(path, O_RDONLY);
    if (fd < 0 || !buffer) {
        fprintf(stderr, "read: open %s: %s\n", path, strerror(errno));
        return 1;
    }
    long long total = 0;
    long n;
    while ((n = read(fd, buffer, block)) > 0)
        total += n;
    if (n < 0) {
        fprintf(stderr, "read: %s\n", strerror(errno));
        return 1;
    }
    close(fd);
    printf("read bytes=%lld ns=%lld\n", total, now_ns() - start);
    return 0;
}

static int bench_create(const char* dir, long count, long size)
{
    char base[512], path[600];
    snprintf(base, sizeof base, "%s/bench.%ld", dir, (long)getpid());
    if (mkdir(base, 0755) < 0) {
        fprintf(stderr, "create: mkdir %s: %s\n", base, strerror(errno));
        return 1;
    }
    char* content = malloc(size + 1);
    memset(content, 'x', size);
    long long start = now_ns();
    for (long i = 0; i < count; ++i) {
        snprintf(path, sizeof path, "%s/f%05ld", base, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, content, size) != size || close(fd) < 0) {
            fprintf(stderr, "create: %s: %s\n", path, strerror(errno));
            return 1;
        }
    }
    long long elapsed = now_ns() - start;
    for (long i = 0; i < count; ++i) {
        snprintf(path, sizeof path, "%s/f%05ld", base, i);
        unlink(path);
    }
    rmdir(base);
    printf("create files=%ld ns=%lld\n", count, elapsed);
    return 0;
}

static long walk(const char* path)
{
    DIR* dir = opendir(path);
    if (!dir)
        return 0;
    long files = 0;
    struct dirent* entry;
    char child[4096];
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
            continue;
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        struct stat st;
        if (lstat(child, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode))
            files += walk(child);
        else if (S_ISREG(st.st_mode))
            ++files;
    }
    closedir(dir);
    return files;
}

int main(int argc, char** argv)
{
    if (argc == 4 && !strcmp(argv[1], "read"))
        return bench_read(argv[2], atol(argv[3]));
    if (argc == 5 && !strcmp(argv[1], "create"))
        return bench_create(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "walk")) {
        long long start = now_ns();
        long files = walk(argv[2]);
        printf("walk files=%ld ns=%lld\n", files, now_ns() - start);
        return files > 0 ? 0 : 1;
    }
    fprintf(stderr, "usage: fileio_bench read PATH BS | create DIR COUNT SIZE | walk DIR\n");
    return 2;
}
