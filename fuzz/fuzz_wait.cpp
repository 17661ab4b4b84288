// Fuzz target: the Wait hypercall: any watch set and deadline (deadlines are cut to 1 ms: a guest may sleep for ever).
#include "fuzz/hypercall_fuzzer.h"

#include <time.h>

static constexpr uabi::Hypercall s_hypercalls[] = {
    uabi::Hypercall::Wait,
};

// A deadline more than 1 ms ahead becomes 1 ms ahead, so the target never sleeps long.
static void cut_deadline(const host::GuestMemory& memory, uabi::Gpa gpa)
{
    auto request = memory.read<uabi::WaitRequest>(gpa);
    if (!request)
        return;
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t soon = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec + 1'000'000;
    if (request->deadline > soon) {
        request->deadline = soon;
        memory.write(gpa, *request);
    }
}

UNIKIT_HYPERCALL_FUZZ_TARGET(s_hypercalls, false, cut_deadline)
