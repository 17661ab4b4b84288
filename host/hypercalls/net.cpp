// NetTransmit and NetReceive: the packet device's batches (abi/net_device.h). One hypercall
// moves every frame of a batch; the network is serviced on each call so a busy guest's traffic
// flows without a Wait.
#include "host/hypercalls/hypercalls.h"
#include "host/net/net_device.h"

#include <errno.h>

namespace host::hypercalls {

namespace {

// The request and its buffer, checked against guest RAM; nullopt (and the VM stopped) if not.
std::optional<uabi::NetBatchRequest> read_request(VmContext& context, uabi::Gpa request_gpa, const char* what)
{
    auto request = context.memory.read<uabi::NetBatchRequest>(request_gpa);
    if (!request) {
        context.outside_ram(what, request_gpa, sizeof(uabi::NetBatchRequest));
        return std::nullopt;
    }
    if (request->length > uabi::NET_BUFFER_SIZE * 16 || !context.memory.contains(request->buffer, request->length)) {
        context.outside_ram("net batch", request->buffer, request->length);
        return std::nullopt;
    }
    return request;
}

// Checks the request, runs `move` on it with the device, and answers with the frames pending.
template<typename Move>
int64_t serve(VmContext& context, uabi::Gpa request_gpa, const char* what, Move move)
{
    auto request = read_request(context, request_gpa, what);
    if (!request)
        return -EINVAL;
    if (context.net == nullptr)
        return -ENETDOWN;
    int64_t result = move(*request, *context.net);
    if (context.exit_status)
        return result;
    request->pending = static_cast<uint32_t>(context.net->incoming().size());
    if (!context.memory.write(request_gpa, *request))
        return context.outside_ram(what, request_gpa, sizeof(*request));
    return result;
}

} // namespace

namespace net_transmit {

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    return serve(context, request_gpa, "NetTransmit request", [&](uabi::NetBatchRequest& request, net::NetDevice& device) -> int64_t {
        auto batch = context.memory.bytes(request.buffer, request.length);
        auto& network = device.backend();
        std::string problem = net::read_transmit_batch(batch, request.count, [&](std::span<const uint8_t> frame) { network.send(frame); });
        if (!problem.empty())
            return context.malformed("NetTransmit: " + problem);
        context.stats.count_frames(request.count, 0);
        device.service_now();
        return request.count;
    });
}

} // namespace net_transmit

namespace net_receive {

int64_t handle(VmContext& context, uabi::Gpa request_gpa)
{
    return serve(context, request_gpa, "NetReceive request", [&](uabi::NetBatchRequest& request, net::NetDevice& device) -> int64_t {
        device.service_now();
        auto batch = context.memory.bytes(request.buffer, request.length);
        uint64_t used = 0;
        request.count = device.incoming().pack(batch, used);
        request.length = used;
        context.stats.count_frames(0, request.count);
        return request.count;
    });
}

} // namespace net_receive

} // namespace host::hypercalls
