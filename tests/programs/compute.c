// compute.c: CPU-bound work with a checkable result: counts primes below N with a sieve
// and runs an FNV-1a hash loop over the sieve, printing both.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv)
{
    long limit = argc > 1 ? atol(argv[1]) : 1000000;
    if (limit < 2)
        limit = 2;
    unsigned char* composite = calloc((size_t)limit, 1);
    if (!composite)
        return 1;
    long primes = 0;
    for (long i = 2; i < limit; ++i) {
        if (composite[i])
            continue;
        ++primes;
        for (long j = i * i; j < limit; j += i)
            composite[j] = 1;
    }
    uint64_t hash = 14695981039346656037ull;
    for (int round = 0; round < 8; ++round) {
        for (long i = 0; i < limit; ++i) {
            hash ^= composite[i] + (uint64_t)round;
            hash *= 1099511628211ull;
        }
    }
    printf("primes below %ld: %ld\n", limit, primes);
    printf("fnv1a: %016llx\n", (unsigned long long)hash);
    free(composite);
    return 0;
}
