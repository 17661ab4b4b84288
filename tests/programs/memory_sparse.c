// memory_sparse.c: memory as Linux overcommits it. A 4 GiB private anonymous mapping (with
// and without MAP_NORESERVE) succeeds and costs nothing until touched; mincore tells touched
// pages from untouched ones; MADV_DONTNEED gives zeroed pages back. Prints what it saw; the
// native run is the oracle.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static void residency(const char* what, unsigned char* base, size_t pages)
{
    unsigned char vector[64];
    if (mincore(base, pages * PAGE, vector) != 0) {
        printf("%s: mincore failed: %s\n", what, strerror(errno));
        return;
    }
    printf("%s:", what);
    for (size_t i = 0; i < pages; ++i)
        printf(" %d", vector[i] & 1);
    printf("\n");
}

static void sparse(int extra_flags, const char* name)
{
    size_t size = 4ul << 30;
    unsigned char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    if (p == MAP_FAILED) {
        printf("%s: 4 GiB mmap failed: %s\n", name, strerror(errno));
        return;
    }
    size_t offsets[] = { 0, PAGE * 17, 1ul << 30, (3ul << 30) + 12345, size - 1 };
    unsigned sum = 0;
    for (int i = 0; i < 5; ++i) {
        sum += p[offsets[i]]; // untouched memory reads as zero
        p[offsets[i]] = (unsigned char)(i + 1);
    }
    for (int i = 0; i < 5; ++i)
        sum = sum * 7 + p[offsets[i]];
    printf("%s: 4 GiB mapping touched at 5 places, sum %u\n", name, sum);
    printf("%s: munmap %d\n", name, munmap(p, size));
}

int main(void)
{
    sparse(0, "plain");
    sparse(MAP_NORESERVE, "noreserve");

    // mincore: untouched anonymous pages are not resident, touched ones are.
    unsigned char* p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    residency("fresh 16 pages", p, 16);
    p[0] = 1;
    p[5 * PAGE] = 1;
    p[15 * PAGE + 100] = 1;
    unsigned char* touched_by_read = p + 9 * PAGE;
    printf("read of untouched page: %d\n", touched_by_read[0]);
    // Only the touched pages are compared: a kernel may back their neighbours too.
    unsigned char vector[16];
    mincore(p, 16 * PAGE, vector);
    printf("touched pages resident: %d %d %d %d\n", vector[0] & 1, vector[5] & 1, vector[9] & 1, vector[15] & 1);
    int result = mincore(p + 16 * PAGE + (1ul << 40), PAGE, vector);
    printf("mincore of unmapped memory: %d %s\n", result, strerror(errno));
    result = mincore(p + 1, PAGE, vector);
    printf("mincore of unaligned address: %d %s\n", result, strerror(errno));

    // MADV_DONTNEED: private anonymous pages read as zero afterwards.
    memset(p, 0xab, 16 * PAGE);
    printf("madvise DONTNEED of 4 pages: %d\n", madvise(p + 4 * PAGE, 4 * PAGE, MADV_DONTNEED));
    int zero = 1, kept = 1;
    for (size_t i = 0; i < 16 * PAGE; ++i) {
        if (i >= 4 * PAGE && i < 8 * PAGE)
            zero &= p[i] == 0;
        else
            kept &= p[i] == 0xab;
    }
    printf("discarded pages zero: %s, others kept: %s\n", zero ? "yes" : "no", kept ? "yes" : "no");
    mincore(p, 16 * PAGE, vector);
    printf("discarded pages resident: %d %d\n", vector[4] & 1, vector[7] & 1);

    // Shared anonymous memory keeps its contents through MADV_DONTNEED.
    unsigned char* shared = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset(shared, 0x5a, 4 * PAGE);
    madvise(shared, 4 * PAGE, MADV_DONTNEED);
    printf("shared memory after DONTNEED: %#x\n", shared[PAGE + 1]);

    // Hints are accepted.
    printf("WILLNEED %d, SEQUENTIAL %d, RANDOM %d, NORMAL %d\n", madvise(p, PAGE, MADV_WILLNEED), madvise(p, PAGE, MADV_SEQUENTIAL),
        madvise(p, PAGE, MADV_RANDOM), madvise(p, PAGE, MADV_NORMAL));
    // MAP_POPULATE backs everything at once.
    unsigned char* populated = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    residency("MAP_POPULATE", populated, 8);
    printf("mlock %d\n", mlock(p + 10 * PAGE, 2 * PAGE));
    mincore(p, 16 * PAGE, vector);
    printf("locked pages resident: %d %d\n", vector[10] & 1, vector[11] & 1);
    return 0;
}
