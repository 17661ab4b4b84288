// The packet device between the guest kernel and the monitor: Ethernet frames move through two
// rings in shared guest RAM, and the network configuration the monitor hands the guest in its
// boot info.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uabi {

// The packet device is two rings of frame slots in guest RAM, shared by the guest kernel and the
// monitor, which run at the same time (on the process platform, in different host processes):
// the transmit ring (the guest produces, the monitor consumes) and the receive ring (the
// monitor produces, the guest consumes). A frame moves without a hypercall. The guest looks at
// the receive ring whenever it leaves a trap and before it idles; the monitor looks at the
// transmit ring whenever it wakes. The one notification is NetNotify, which the guest sends
// only when the monitor has said it sleeps waiting for a ring (`monitor_waiting`).
inline constexpr uint64_t NET_TX_RING_GPA = 0x100000;
inline constexpr uint64_t NET_RX_RING_GPA = 0x190000;
inline constexpr uint32_t NET_RING_SLOTS = 256; // a power of two: indices run free and wrap
inline constexpr uint64_t NET_SLOT_SIZE = 2048;
inline constexpr uint64_t NET_RING_HEADER_SIZE = 0x1000;
inline constexpr uint64_t NET_RING_SIZE = NET_RING_HEADER_SIZE + NET_RING_SLOTS * NET_SLOT_SIZE;

// A frame is an Ethernet header and payload without the FCS: 14..NET_FRAME_MAX bytes.
inline constexpr uint32_t NET_MTU = 1500;
inline constexpr uint32_t NET_FRAME_MIN = 14;
inline constexpr uint32_t NET_FRAME_MAX = NET_MTU + 14;

// A ring's first page. Each index counts slots filled (`produced`) or emptied (`consumed`)
// since boot, modulo 2^32; only its side writes it, with release order after the slots, and
// the other side reads it with acquire order. produced - consumed is 0..NET_RING_SLOTS; slot
// i is at NET_RING_HEADER_SIZE + (i % NET_RING_SLOTS) * NET_SLOT_SIZE. A guest that breaks
// this, or fills a slot with a length outside NET_FRAME_MIN..NET_FRAME_MAX, stops the VM.
struct NetRingHeader {
    uint32_t produced;
    uint32_t pad0[15]; // each index on a cache line of its own
    uint32_t consumed;
    uint32_t pad1[15];
    // Set by the monitor before it sleeps waiting for this ring to change (frames to send on
    // the transmit ring, room on the receive ring). The guest, after changing the ring and a
    // full fence, swaps it to 0 and, if it was set, sends NetNotify.
    uint32_t monitor_waiting;
};
static_assert(offsetof(NetRingHeader, consumed) == 64 && offsetof(NetRingHeader, monitor_waiting) == 128);

struct NetSlot {
    uint32_t length; // bytes of frame that follow
    uint32_t pad;
    uint8_t frame[NET_SLOT_SIZE - 8];
};
static_assert(sizeof(NetSlot) == NET_SLOT_SIZE && NET_FRAME_MAX <= sizeof(NetSlot::frame));

// NetNotify (no request, no answer: the guest does not wait for it): the rings changed while
// the monitor waited. NetSync (no request; answers 0, or -ENETDOWN without a network): the
// monitor empties the transmit ring and refills the receive ring before it answers; the guest
// calls it when the transmit ring is full.

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
