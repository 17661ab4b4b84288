// Fuzz target: the Console hypercall: stdout/stderr writes and stdin reads of any buffer.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::Console,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, false)
