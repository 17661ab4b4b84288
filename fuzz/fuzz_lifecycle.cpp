// Fuzz target: the Exit, Panic and BootPhase hypercalls: any kind, status, signal, unterminated messages.
#include "fuzz/hypercall_fuzzer.h"

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::Exit,
    uabi::Hypercall::Panic,
    uabi::Hypercall::BootPhase,
};

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, false)
