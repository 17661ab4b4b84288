// memory_malloc.c: the C library's allocator on top of brk and mmap: 100,000 blocks of many
// sizes (small, medium and a few large) filled and checksummed, freed in a scattered order and
// reused; realloc growth and shrinkage; a 64 MiB block touched at every byte. Prints
// checksums; the native run is the oracle.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345;
static uint32_t next_random(void)
{
    state = state * 1103515245u + 12345u;
    return state >> 8;
}

static size_t pick_size(void)
{
    uint32_t r = next_random();
    if (r % 256 == 0)
        return 1 + r % 300000; // large: mmap-backed in both C libraries
    if (r % 16 < 3)
        return 1 + r % 4000;
    return 1 + r % 200;
}

static uint32_t fill_and_sum(unsigned char* p, size_t size, uint32_t seed)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < size; ++i) {
        p[i] = (unsigned char)(seed + i);
        sum = sum * 31 + p[i];
    }
    return sum;
}

static uint32_t sum_of(const unsigned char* p, size_t size)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < size; ++i)
        sum = sum * 31 + p[i];
    return sum;
}

enum { COUNT = 100000 };
static unsigned char* blocks[COUNT];
static size_t sizes[COUNT];
static uint32_t sums[COUNT];

int main(void)
{
    uint32_t total = 0;
    for (int i = 0; i < COUNT; ++i) {
        sizes[i] = pick_size();
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i]) {
            printf("malloc %zu failed at %d\n", sizes[i], i);
            return 1;
        }
        sums[i] = fill_and_sum(blocks[i], sizes[i], (uint32_t)i);
        total += sums[i];
    }
    printf("100000 blocks: checksum %u\n", total);
    // Free two thirds in a scattered order, check the rest, allocate again into the holes.
    int intact = 1;
    for (int i = 0; i < COUNT; ++i)
        if (i % 3 != 1) {
            free(blocks[i]);
            blocks[i] = NULL;
        }
    for (int i = 1; i < COUNT; i += 3)
        intact &= sum_of(blocks[i], sizes[i]) == sums[i];
    printf("survivors intact: %d\n", intact);
    total = 0;
    for (int i = 0; i < COUNT; ++i)
        if (!blocks[i]) {
            sizes[i] = pick_size();
            blocks[i] = malloc(sizes[i]);
            sums[i] = fill_and_sum(blocks[i], sizes[i], (uint32_t)i * 7);
            total += sums[i];
        }
    printf("reallocated: checksum %u\n", total);
    // realloc: grow and shrink keep the prefix.
    intact = 1;
    for (int i = 0; i < COUNT; i += 97) {
        size_t old = sizes[i];
        size_t grown = old * 3 + 5000;
        blocks[i] = realloc(blocks[i], grown);
        intact &= sum_of(blocks[i], old) == sums[i];
        memset(blocks[i] + old, 0x11, grown - old);
        blocks[i] = realloc(blocks[i], old / 2 + 1);
        sizes[i] = old / 2 + 1;
        sums[i] = sum_of(blocks[i], sizes[i]);
    }
    printf("realloc kept contents: %d\n", intact);
    for (int i = 0; i < COUNT; ++i)
        free(blocks[i]);

    // One 64 MiB block, every byte written and read back.
    size_t big = 64u << 20;
    unsigned char* p = malloc(big);
    if (!p)
        return 2;
    uint64_t sum = 0;
    for (size_t i = 0; i < big; ++i)
        p[i] = (unsigned char)(i * 7 + (i >> 20));
    for (size_t i = 0; i < big; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8);
        sum += word ^ (sum << 1);
    }
    printf("64 MiB touched fully: %llu\n", (unsigned long long)sum);
    free(p);
    // calloc of a large block is zero.
    unsigned char* zeroed = calloc(1, 16u << 20);
    int zero = 1;
    for (size_t i = 0; i < (16u << 20); i += 4096)
        zero &= zeroed[i] == 0;
    printf("calloc 16 MiB zero: %d\n", zero);
    free(zeroed);
    return 0;
}
