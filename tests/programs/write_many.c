// write_many.c: writes N numbered lines to stdout (N = argv[1], default 1000), for
// big-output tests.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv)
{
    long count = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < count; ++i)
        printf("line %ld: the quick brown fox jumps over the lazy dog\n", i);
    return fflush(stdout) == 0 ? 0 : 1;
}
