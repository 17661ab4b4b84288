// Fuzz target: hostfs changes: create, truncate, mkdir, symlink, link, unlink, rmdir, rename, set attributes.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::HostRoot,
    uabi::Hypercall::HostLookup,
    uabi::Hypercall::HostCreate,
    uabi::Hypercall::HostTruncate,
    uabi::Hypercall::HostMakeDirectory,
    uabi::Hypercall::HostMakeSymlink,
    uabi::Hypercall::HostLink,
    uabi::Hypercall::HostUnlink,
    uabi::Hypercall::HostRemoveDirectory,
    uabi::Hypercall::HostRename,
    uabi::Hypercall::HostSetAttributes,
    uabi::Hypercall::HostRelease,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, true)
