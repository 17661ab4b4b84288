// memory_shared_file.c: a MAP_SHARED mapping of a file writes through to the file on msync
// and munmap; a MAP_PRIVATE one never does; a shared mapping does not extend its file. Works
// on a scratch file in /tmp; prints what the file holds. The native run is the oracle.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void show(int fd, const char* when)
{
    char buffer[64] = { 0 };
    ssize_t got = pread(fd, buffer, sizeof(buffer) - 1, 0);
    off_t size = lseek(fd, 0, SEEK_END);
    printf("%s: %zd bytes read, size %ld: %s\n", when, got, (long)size, buffer);
}

int main(void)
{
    const char* path = "/tmp/memory_shared_file.txt";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 1;
    write(fd, "hello shared world", 18);
    char* shared = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shared == MAP_FAILED)
        return 2;
    printf("mapped: %.18s\n", shared);
    memcpy(shared, "HELLO", 5);
    shared[100] = 'x'; // past the end of the file: never written to it
    printf("msync: %d\n", msync(shared, 8192, MS_SYNC));
    show(fd, "after msync");
    memcpy(shared + 6, "SHARED", 6);
    printf("munmap: %d\n", munmap(shared, 8192));
    show(fd, "after munmap");

    char* private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    memcpy(private, "private!", 8);
    msync(private, 4096, MS_SYNC);
    munmap(private, 4096);
    show(fd, "after a private write");

    // A read-only file descriptor cannot back a writable shared mapping.
    int read_only = open(path, O_RDONLY);
    void* refused = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, read_only, 0);
    printf("writable shared mapping of a read-only fd: %s\n", refused == MAP_FAILED ? "refused" : "allowed");
    close(read_only);
    close(fd);
    unlink(path);
    return 0;
}
