// memory_hog [MIB]: mallocs and touches 1 MiB blocks until MIB (default 4096) are held, then
// prints "held N MiB" and exits 0; prints "malloc failed after N MiB" and exits 2 if malloc
// gives up first. Under unikit -m it runs out of guest memory first. For hardening.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv)
{
    long limit = argc > 1 ? atol(argv[1]) : 4096;
    for (long held = 0; held < limit; ++held) {
        char* block = malloc(1 << 20);
        if (block == NULL) {
            printf("malloc failed after %ld MiB\n", held);
            return 2;
        }
        memset(block, 0x5a, 1 << 20);
    }
    printf("held %ld MiB\n", limit);
    return 0;
}
