// The monitor's side of the packet device (abi/net_device.h): the frames waiting for the guest,
// and the two rings in guest RAM, which the guest kernel changes while the monitor reads them.
// Every index and length the guest writes is read once and checked before use.
#pragma once

#include "host/guest_memory.h"

#include <abi/net_device.h>
#include <deque>
#include <functional>
#include <span>
#include <stdint.h>
#include <string>
#include <vector>

namespace host::net {

// Frames waiting for room in the receive ring, oldest first, at most MAX_FRAMES of them (more
// are dropped, as a full link drops them).
class FrameQueue {
public:
    static constexpr size_t MAX_FRAMES = 1024;

    // Queues a copy of frame; false (and nothing queued) when it is full or the frame has a
    // length the device cannot carry.
    bool push(std::span<const uint8_t> frame);
    size_t size() const { return m_frames.size(); }
    uint64_t dropped() const { return m_dropped; }
    const std::vector<uint8_t>& front() const { return m_frames.front(); }
    void pop() { m_frames.pop_front(); }

private:
    std::deque<std::vector<uint8_t>> m_frames;
    uint64_t m_dropped = 0;
};

class FrameRings {
public:
    // The rings at their fixed addresses in `memory`, which must be large enough (the monitor
    // never makes guest RAM smaller than FIRST_FREE_GPA).
    explicit FrameRings(const GuestMemory& memory);

    // Calls `send` with a copy of each frame the guest put in the transmit ring, oldest first,
    // and gives the slots back. Returns what is wrong with the ring (then the VM must stop), or
    // an empty string.
    std::string take_transmitted(const std::function<void(std::span<const uint8_t>)>& send);
    // Moves frames from `queue` into the receive ring while it has room. Returns what is wrong
    // with the ring, or an empty string.
    std::string give_received(FrameQueue& queue);

    // The receive ring holds frames the guest has not taken.
    bool guest_has_frames() const;
    // Before the monitor sleeps: asks the guest for NetNotify when the transmit ring fills, and
    // when the receive ring empties while `queue` still holds frames. False when the rings
    // changed meanwhile (nothing is asked then: take and give again first).
    bool ask_for_notify(const FrameQueue& queue);
    // After the monitor woke: it no longer needs a NetNotify.
    void stop_asking();

    uint64_t frames_sent() const { return m_sent; }
    uint64_t frames_received() const { return m_received; }

private:
    uabi::NetRingHeader* m_transmit;
    uabi::NetRingHeader* m_receive;
    uint8_t* m_transmit_slots;
    uint8_t* m_receive_slots;
    uint32_t m_taken = 0;  // the transmit ring's consumed index: only the monitor writes it
    uint32_t m_given = 0;  // the receive ring's produced index: only the monitor writes it
    uint64_t m_sent = 0, m_received = 0;
};

} // namespace host::net
