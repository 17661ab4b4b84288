// The packet device between the guest kernel and the monitor: Ethernet frames move in batches,
// one NetTransmit or NetReceive hypercall for as many frames as fit in a buffer, and the
// network configuration the monitor hands the guest in its boot info.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uabi {

// Guest-physical buffers of the packet device: the guest stages outgoing frames in the transmit
// buffer and the monitor writes incoming ones into the receive buffer (each call names its own
// buffer and length, which the monitor checks like any other guest address).
inline constexpr uint64_t NET_TX_BUFFER_GPA = 0x30000;
inline constexpr uint64_t NET_RX_BUFFER_GPA = 0x40000;
inline constexpr uint64_t NET_BUFFER_SIZE = 0x10000;

// A frame is an Ethernet header and payload without the FCS: 14..NET_FRAME_MAX bytes.
inline constexpr uint32_t NET_MTU = 1500;
inline constexpr uint32_t NET_FRAME_MIN = 14;
inline constexpr uint32_t NET_FRAME_MAX = NET_MTU + 14;

// A batch is a sequence of records, each a NetFrameHeader followed by `length` bytes of frame,
// the next record starting at the next multiple of NET_RECORD_ALIGN from the batch's start.
inline constexpr uint32_t NET_RECORD_ALIGN = 8;

struct NetFrameHeader {
    uint32_t length; // bytes of frame that follow
    uint32_t pad;    // zero
};
static_assert(sizeof(NetFrameHeader) == 8);

// Bytes a record of a frame of `length` bytes takes in a batch.
constexpr uint64_t net_record_size(uint64_t length)
{
    return (sizeof(NetFrameHeader) + length + NET_RECORD_ALIGN - 1) & ~uint64_t(NET_RECORD_ALIGN - 1);
}

// NetTransmit: `count` records in [buffer, buffer + length) go out, in order. A batch whose
// records do not fit exactly, or a frame shorter than NET_FRAME_MIN or longer than
// NET_FRAME_MAX, is malformed and stops the VM. Result: frames accepted (frames the network
// drops, as a full link would, count too), or -errno (-ENETDOWN without a network).
// NetReceive: the monitor fills [buffer, buffer + length) with as many whole pending records
// as fit, sets count and length (bytes used) and pending. Result: frames delivered.
// Both report in `pending` how many frames wait for the guest after the call, so a busy guest
// picks them up without a Wait; an idle one waits for EVENT_NET.
struct NetBatchRequest {
    // IN (NetReceive: length = capacity)
    uint64_t buffer; // Gpa
    uint64_t length;
    uint32_t count;
    // OUT
    uint32_t pending;
};
static_assert(sizeof(NetBatchRequest) == 24 && offsetof(NetBatchRequest, pending) == 20);

enum class NetMode : uint32_t {
    None = 0,  // no packet device
    Slirp = 1, // user-mode networking in the monitor (libslirp), 10.0.2.0/24 as QEMU's
    Tap = 2,   // a host tap device; addresses given on the command line
};

// The guest's interface, in boot info. Addresses are IPv4 in network byte order; 0 = none.
struct NetConfig {
    uint32_t mode; // NetMode
    uint32_t mtu;
    uint8_t mac[6];
    uint8_t prefix_length; // of address: the netmask
    uint8_t pad;
    uint32_t address;
    uint32_t gateway;
    uint32_t dns;
};
static_assert(sizeof(NetConfig) == 28 && offsetof(NetConfig, address) == 16);

} // namespace uabi
