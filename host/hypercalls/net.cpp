// NetNotify and NetSync: the packet device's frames move through rings in guest RAM
// (abi/net_device.h) without hypercalls; these two only make the monitor look at the rings.
// NetNotify gets no answer (the exit loop sends none): the guest goes on at once.
#include "host/hypercalls/hypercalls.h"
#include "host/net/net_device.h"

#include <errno.h>

namespace host::hypercalls {

namespace {

// Sends what the transmit ring holds and refills the receive ring.
int64_t exchange(VmContext& context)
{
    if (context.net == nullptr)
        return -ENETDOWN;
    std::string problem = context.net->exchange();
    if (!problem.empty())
        return context.malformed("packet device: " + problem);
    return 0;
}

} // namespace

namespace net_notify {

int64_t handle(VmContext& context, uabi::Gpa) { return exchange(context); }

} // namespace net_notify

namespace net_sync {

int64_t handle(VmContext& context, uabi::Gpa) { return exchange(context); }

} // namespace net_sync

} // namespace host::hypercalls
