// Fuzz target: hostfs lookups: HostRoot, HostLookup, HostGetAttributes, HostReadLink, HostRelease on the scratch tree.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::HostRoot,
    uabi::Hypercall::HostLookup,
    uabi::Hypercall::HostGetAttributes,
    uabi::Hypercall::HostReadLink,
    uabi::Hypercall::HostRelease,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, true)
