// Fuzz target: hostfs lookups: HostRoot, HostLookup, HostGetAttributes, HostReadLink, HostRelease on the scratch tree.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::HostRoot,
    uabi::Hypercall::HostLookup,
    uabi::Hypercall::HostGetAttributes,
    uabi::Hypercall::HostReadLink,
    uabi::Hypercall::HostRelease,
};

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const fuzz::TargetSpec spec { s_hypercalls, true };
    fuzz::run_input(spec, data, size);
    return 0;
}
