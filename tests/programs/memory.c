// memory.c: exercises brk and mmap the way C libraries and programs do: many malloc sizes,
// a 64 MiB allocation, realloc growth, a private file mapping, mprotect and partial munmap.
// Prints what it saw; the native run is the oracle.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint32_t checksum(const unsigned char* p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; ++i)
        sum = sum * 31 + p[i];
    return sum;
}

int main(void)
{
    // Many small and medium allocations, each filled and checked.
    void* blocks[512];
    uint32_t total = 0;
    for (int i = 0; i < 512; ++i) {
        size_t size = 1 + (size_t)i * 97 % 20000;
        blocks[i] = malloc(size);
        memset(blocks[i], i & 0xff, size);
        total += checksum(blocks[i], size);
    }
    for (int i = 0; i < 512; i += 2)
        free(blocks[i]);
    printf("small allocations: checksum %u\n", total);

    // One big allocation (mmap-backed in both C libraries), touched at every page.
    size_t big = 64u << 20;
    unsigned char* p = malloc(big);
    if (!p)
        return 1;
    for (size_t i = 0; i < big; i += 4096)
        p[i] = (unsigned char)(i >> 12);
    printf("64 MiB: last page byte %u\n", p[big - 4096]);
    p = realloc(p, big * 2);
    printf("realloc to 128 MiB kept data: %s\n", p && p[4096 * 7] == 7 ? "yes" : "no");
    free(p);

    // A private mapping of a file: its bytes, and a write that stays private.
    int fd = open("/data/hello.txt", O_RDONLY);
    if (fd < 0)
        return 2;
    char* file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED)
        return 3;
    printf("mapped file starts: %.5s\n", file);
    printf("past end of file is zero: %s\n", file[4000] == 0 ? "yes" : "no");
    file[0] = 'J';
    char again[6] = { 0 };
    pread(fd, again, 5, 0);
    printf("file unchanged by private write: %s\n", again[0] != 'J' ? "yes" : "no");
    munmap(file, 4096);
    close(fd);

    // Anonymous pages: zeroed, protection changes, unmapping the middle of a mapping.
    unsigned char* anon = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anonymous memory is zero: %s\n", checksum(anon, 8 * 4096) == 0 ? "yes" : "no");
    memset(anon, 0x5a, 8 * 4096);
    printf("mprotect read-only: %d\n", mprotect(anon, 4096, PROT_READ));
    printf("munmap the middle: %d\n", munmap(anon + 2 * 4096, 2 * 4096));
    printf("pages around it intact: %s\n", anon[4096] == 0x5a && anon[5 * 4096] == 0x5a ? "yes" : "no");
    unsigned char* fixed = mmap(anon + 2 * 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED into the hole: %s, zero: %s\n", fixed == anon + 2 * 4096 ? "yes" : "no", fixed[0] == 0 ? "yes" : "no");
    printf("madvise(DONTNEED) zeroes: ");
    madvise(anon + 5 * 4096, 4096, MADV_DONTNEED);
    printf("%s\n", anon[5 * 4096] == 0 ? "yes" : "no");
    printf("mprotect of unmapped memory: %d\n", mprotect(anon + 3 * 4096, 4096, PROT_READ) == 0 ? 0 : -1);
    return 0;
}
