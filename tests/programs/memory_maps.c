// memory_maps.c: mmap, mprotect, mremap and munmap sequences as programs and C libraries make
// them, with the errors Linux gives; 20,000 separate mappings; brk growth. Addresses differ
// between kernels, so only facts about them are printed; the native run is the oracle.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static void fill(unsigned char* p, size_t length, unsigned seed)
{
    for (size_t i = 0; i < length; ++i)
        p[i] = (unsigned char)(seed + i * 13 + (i >> 12));
}

static int check(const unsigned char* p, size_t length, unsigned seed)
{
    for (size_t i = 0; i < length; ++i)
        if (p[i] != (unsigned char)(seed + i * 13 + (i >> 12)))
            return 0;
    return 1;
}

static void result(const char* what, long value)
{
    if (value == -1)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, value);
}

int main(void)
{
    int prot_rw = PROT_READ | PROT_WRITE;
    int anonymous = MAP_PRIVATE | MAP_ANONYMOUS;

    // mremap: grow in place when the next pages are free, shrink, move with MAYMOVE.
    unsigned char* base = mmap(NULL, 64 * PAGE, prot_rw, anonymous, -1, 0);
    munmap(base + 8 * PAGE, 56 * PAGE);
    fill(base, 8 * PAGE, 1);
    unsigned char* grown = mremap(base, 8 * PAGE, 16 * PAGE, 0);
    printf("grow in place: %s, data kept: %d\n", grown == base ? "same address" : "moved", check(base, 8 * PAGE, 1));
    printf("grown part zero: %d\n", grown[12 * PAGE] == 0 && grown[16 * PAGE - 1] == 0);
    unsigned char* blocker = mmap(base + 16 * PAGE, PAGE, PROT_READ, anonymous | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE into a hole: %s\n", blocker == base + 16 * PAGE ? "placed" : "failed");
    void* again = mmap(base + 16 * PAGE, PAGE, PROT_READ, anonymous | MAP_FIXED_NOREPLACE, -1, 0);
    result("MAP_FIXED_NOREPLACE over a mapping", again == MAP_FAILED ? -1 : 0);
    errno = 0;
    result("grow without MAYMOVE when blocked", mremap(base, 16 * PAGE, 32 * PAGE, 0) == MAP_FAILED ? -1 : 0);
    fill(grown, 16 * PAGE, 2);
    unsigned char* moved = mremap(grown, 16 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
    printf("grow with MAYMOVE: %s, data kept: %d, tail zero: %d\n", moved != grown ? "moved" : "same", check(moved, 16 * PAGE, 2),
        moved[31 * PAGE] == 0);
    unsigned char probe;
    result("old range unmapped (mincore)", mincore(grown, PAGE, &probe));
    unsigned char* shrunk = mremap(moved, 32 * PAGE, 4 * PAGE, 0);
    printf("shrink: %s, data kept: %d\n", shrunk == moved ? "same address" : "moved", check(shrunk, 4 * PAGE, 2));
    result("shrunk tail unmapped (mincore)", mincore(moved + 8 * PAGE, PAGE, &probe));
    // MREMAP_FIXED to a chosen place, replacing what was there.
    unsigned char* target = mmap(NULL, 8 * PAGE, PROT_READ, anonymous, -1, 0);
    unsigned char* fixed = mremap(shrunk, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    printf("MREMAP_FIXED: %s, data kept: %d, writable: ", fixed == target ? "at target" : "elsewhere", check(fixed, 4 * PAGE, 2));
    fixed[7 * PAGE] = 9;
    printf("%d\n", fixed[7 * PAGE]);
    errno = 0;
    result("MREMAP_FIXED without MAYMOVE", mremap(fixed, PAGE, PAGE, MREMAP_FIXED, target + PAGE) == MAP_FAILED ? -1 : 0);
    result("mremap of unmapped memory", mremap(grown, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
    result("mremap across two mappings", mremap(fixed, 9 * PAGE, 10 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
    result("mremap to length 0", mremap(fixed, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);

    // A big mremap move keeps every page (realloc of a large block does this).
    size_t big = 8u << 20;
    unsigned char* large = mmap(NULL, big, prot_rw, anonymous, -1, 0);
    for (size_t i = 0; i < big; i += PAGE)
        large[i] = (unsigned char)(i >> 12);
    unsigned char* larger = mremap(large, big, 4 * big, MREMAP_MAYMOVE);
    int same = 1;
    for (size_t i = 0; i < big; i += PAGE)
        same &= larger[i] == (unsigned char)(i >> 12);
    printf("8 MiB grown to 32 MiB by mremap keeps its pages: %d\n", same);
    munmap(larger, 4 * big);

    // mprotect: splitting, errors, and back again.
    unsigned char* area = mmap(NULL, 10 * PAGE, prot_rw, anonymous, -1, 0);
    fill(area, 10 * PAGE, 3);
    result("mprotect middle read-only", mprotect(area + 3 * PAGE, 2 * PAGE, PROT_READ));
    result("mprotect middle none", mprotect(area + 6 * PAGE, PAGE, PROT_NONE));
    result("mprotect back to read-write", mprotect(area, 10 * PAGE, prot_rw));
    printf("data kept through mprotect: %d\n", check(area, 10 * PAGE, 3));
    result("mprotect unaligned", mprotect(area + 1, PAGE, PROT_READ));
    result("mprotect with bad bits", mprotect(area, PAGE, 0x40));
    result("mprotect PROT_EXEC|PROT_READ", mprotect(area, PAGE, PROT_READ | PROT_EXEC));
    result("mprotect PROT_READ|PROT_WRITE", mprotect(area, PAGE, prot_rw));
    result("munmap middle", munmap(area + 4 * PAGE, 2 * PAGE));
    result("mprotect of a hole", mprotect(area + 4 * PAGE, 2 * PAGE, PROT_READ));
    result("mprotect up to a hole", mprotect(area + 3 * PAGE, 2 * PAGE, PROT_READ));
    printf("page before the hole readable: %d\n", area[3 * PAGE] == (unsigned char)(3 + 3 * PAGE * 13 + 3));
    result("mprotect back", mprotect(area + 3 * PAGE, PAGE, prot_rw));
    result("munmap unaligned", munmap(area + 1, PAGE));
    result("munmap length 0", munmap(area, 0));
    result("munmap of a hole", munmap(area + 4 * PAGE, 2 * PAGE));
    result("mmap length 0", mmap(NULL, 0, prot_rw, anonymous, -1, 0) == MAP_FAILED ? -1 : 0);
    result("mmap without a type", mmap(NULL, PAGE, prot_rw, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
    result("mmap bad fd", mmap(NULL, PAGE, prot_rw, MAP_PRIVATE, 1234, 0) == MAP_FAILED ? -1 : 0);
    result("msync", msync(area, PAGE, MS_SYNC));
    result("msync of a hole", msync(area + 4 * PAGE, PAGE, MS_SYNC));
    result("msync bad flags", msync(area, PAGE, MS_SYNC | MS_ASYNC));

    // MAP_FIXED replaces a mapping's pages with zeroed ones.
    fill(area, 4 * PAGE, 4);
    unsigned char* replaced = mmap(area + PAGE, PAGE, prot_rw, anonymous | MAP_FIXED, -1, 0);
    printf("MAP_FIXED: %s, zero: %d, neighbours kept: %d %d\n", replaced == area + PAGE ? "at address" : "elsewhere", replaced[0] == 0 && replaced[PAGE - 1] == 0,
        check(area, PAGE, 4), area[2 * PAGE] == (unsigned char)(4 + 2 * PAGE * 13 + 2));
    // MAP_STACK, MAP_NORESERVE and MAP_GROWSDOWN are accepted.
    unsigned char* stack = mmap(NULL, 16 * PAGE, prot_rw, anonymous | MAP_STACK | MAP_NORESERVE, -1, 0);
    stack[16 * PAGE - 1] = 1;
    printf("MAP_STACK: %d\n", stack[16 * PAGE - 1]);
    unsigned char* down = mmap(NULL, 4 * PAGE, prot_rw, anonymous | MAP_GROWSDOWN, -1, 0);
    down[4 * PAGE - 1] = 2;
    down[0] = 3;
    printf("MAP_GROWSDOWN: %d %d\n", down[4 * PAGE - 1], down[0]);

    // 20,000 separate mappings (alternate protections so that none can merge), then unmapped.
    enum { COUNT = 20000 };
    static unsigned char* maps[COUNT];
    int made = 0;
    unsigned char* hint = (unsigned char*)0x200000000ul;
    for (int i = 0; i < COUNT; ++i) {
        maps[i] = mmap(hint + (size_t)i * PAGE, PAGE, i % 2 ? PROT_READ : prot_rw, anonymous | MAP_FIXED_NOREPLACE, -1, 0);
        if (maps[i] == MAP_FAILED)
            break;
        ++made;
    }
    unsigned sum = 0;
    for (int i = 0; i < made; i += 2) {
        maps[i][i % PAGE] = (unsigned char)i;
        sum += maps[i][i % PAGE] + maps[i + 1][0];
    }
    int unmapped = 0;
    for (int i = 0; i < made; ++i)
        unmapped += munmap(maps[i], PAGE) == 0;
    printf("separate mappings: %d made, sum %u, %d unmapped\n", made, sum, unmapped);

    // brk grows and shrinks the heap.
    char* start = sbrk(0);
    char* grown_break = sbrk(1 << 20);
    memset(grown_break, 7, 1 << 20);
    printf("sbrk 1 MiB: %s, contents %d\n", grown_break == start ? "from the old break" : "elsewhere", grown_break[(1 << 20) - 1]);
    sbrk(-(1 << 19));
    printf("sbrk shrink: %s\n", (char*)sbrk(0) == start + (1 << 19) ? "yes" : "no");
    char* regrown = sbrk(1 << 19);
    printf("regrown heap is zero: %d\n", regrown[100] == 0 && regrown[(1 << 19) - 1] == 0);
    return 0;
}
