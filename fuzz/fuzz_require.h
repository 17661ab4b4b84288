// What a fuzz target checks beyond crashes and sanitizer reports: a property of the code's
// answer. A broken one prints "PREFIX: WHAT" and aborts, which libFuzzer records as a crash.
#pragma once

#include <stdio.h>
#include <stdlib.h>

inline void fuzz_require(bool condition, const char* prefix, const char* what)
{
    if (!condition) {
        fprintf(stderr, "%s: %s\n", prefix, what);
        abort();
    }
}
