// Fuzz target: hostfs I/O: HostRead, HostWrite, HostReadDirectory on handles found with HostRoot and HostLookup.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::HostRoot,
    uabi::Hypercall::HostLookup,
    uabi::Hypercall::HostRead,
    uabi::Hypercall::HostWrite,
    uabi::Hypercall::HostReadDirectory,
    uabi::Hypercall::HostRelease,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, true)
