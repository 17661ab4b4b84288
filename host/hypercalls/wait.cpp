// Wait hypercall: the guest is idle (the HLT of the process platform). The monitor sleeps in
// ppoll on the event sources the guest watches until one is ready or the deadline passes, so
// an idle guest costs no CPU and still sees input at once. With a network, the monitor serves
// it meanwhile and wakes the guest when a frame reaches the receive ring (EVENT_NET).
#include "host/hypercalls/hypercalls.h"
#include "host/net/net_device.h"

#include <algorithm>

#include <cerrno>
#include <climits>
#include <ctime>
#include <poll.h>
#include <unistd.h>

namespace host::hypercalls::wait {

namespace {

// The relative timeout until a CLOCK_MONOTONIC deadline; nullptr for none.
const timespec* timeout_until(int64_t deadline, timespec& storage)
{
    if (deadline == INT64_MAX)
        return nullptr;
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    // The guest's deadline may be anything: compare before subtracting (found by fuzz_wait).
    int64_t now_ns = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    int64_t left = deadline > now_ns ? deadline - now_ns : 0;
    storage = { static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000) };
    return &storage;
}

} // namespace

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    auto request = context.memory.read<uabi::WaitRequest>(request_gpa);
    if (!request)
        return context.outside_ram("Wait request", request_gpa, sizeof(uabi::WaitRequest));
    if (request->watch & ~(uabi::EVENT_STDIN | uabi::EVENT_NET))
        return -EINVAL;
    pollfd sources[1];
    size_t count = 0;
    if (request->watch & uabi::EVENT_STDIN)
        sources[count++] = { STDIN_FILENO, POLLIN, 0 };
    uint32_t events = 0;
    // Frames may have reached the receive ring since the guest last looked.
    if (context.net) {
        std::string problem = context.net->exchange();
        if (!problem.empty())
            return context.malformed("packet device: " + problem);
    }
    for (;;) {
        if ((request->watch & uabi::EVENT_NET) && context.net && context.net->guest_has_frames()) {
            events |= uabi::EVENT_NET;
            break;
        }
        timespec storage;
        const timespec* timeout = timeout_until(request->deadline, storage);
        int ready;
        if (context.net) {
            // The network's descriptors and timers too: slirp's work happens here while the
            // guest sleeps, and the guest wakes only when a frame is queued for it.
            int timeout_ms = timeout ? static_cast<int>(std::min<int64_t>(INT32_MAX,
                                           (timeout->tv_sec * 1'000'000'000ll + timeout->tv_nsec + 999'999) / 1'000'000))
                                     : -1;
            std::string problem;
            ready = context.net->exchange_and_poll(std::span<pollfd>(sources, count), timeout_ms, problem);
            if (!problem.empty())
                return context.malformed("packet device: " + problem);
        } else {
            ready = ppoll(sources, count, timeout, nullptr);
        }
        if (ready < 0 && errno != EINTR)
            return -errno;
        // Input, end of file and errors all mean a read will not block.
        if (ready > 0 && (request->watch & uabi::EVENT_STDIN) && sources[0].revents)
            events |= uabi::EVENT_STDIN;
        if ((request->watch & uabi::EVENT_NET) && context.net && context.net->guest_has_frames())
            events |= uabi::EVENT_NET;
        // Done when something the guest watches is ready, at the deadline, or on a signal (the
        // monitor's handlers may have ended the run).
        if (events || ready < 0 || !context.net || (timeout && timeout->tv_sec == 0 && timeout->tv_nsec == 0))
            break;
    }
    uabi::WaitRequest reply = *request;
    reply.ready = events;
    if (!context.memory.write(request_gpa, reply))
        return context.outside_ram("Wait request", request_gpa, sizeof(uabi::WaitRequest));
    return 0;
}

} // namespace host::hypercalls::wait
