// Fuzz target: the Console hypercall: stdout/stderr writes and stdin reads of any buffer.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::Console,
};

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::TargetSpec spec { s_hypercalls, false };
    fuzz::run_input(spec, data, size);
    return 0;
}
