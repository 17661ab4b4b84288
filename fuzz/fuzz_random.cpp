// Fuzz target: the Random hypercall: any buffer, any length.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::Random,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, false)
