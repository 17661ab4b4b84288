// Frame batches of the packet device (abi/net_device.h): reading a guest's transmit batch with
// every length and offset checked, and packing pending frames into a receive batch.
#pragma once

#include <abi/net_device.h>
#include <deque>
#include <functional>
#include <span>
#include <stdint.h>
#include <string>
#include <vector>

namespace host::net {

// Calls `send` for each of the `count` frames of `batch` (guest memory, already checked to lie
// in RAM), each copied out of guest memory first so the guest cannot change it mid-use.
// Returns an empty string, or what is wrong with the batch (then no frame after the bad record
// is sent): a record that leaves the batch, a frame shorter than NET_FRAME_MIN or longer than
// NET_FRAME_MAX, a nonzero pad, bytes left over after `count` records.
std::string read_transmit_batch(std::span<const uint8_t> batch, uint32_t count,
    const std::function<void(std::span<const uint8_t>)>& send);

// Frames waiting for the guest, oldest first, at most MAX_FRAMES of them (more are dropped, as
// a full receive ring drops them).
class FrameQueue {
public:
    static constexpr size_t MAX_FRAMES = 1024;

    // Queues a copy of frame; false (and nothing queued) when it is full or the frame has a
    // length the device cannot carry.
    bool push(std::span<const uint8_t> frame);
    size_t size() const { return m_frames.size(); }
    uint64_t dropped() const { return m_dropped; }

    // Moves as many whole frames as fit into `batch` as records; returns the frames moved and
    // sets `used` to the bytes written.
    uint32_t pack(std::span<uint8_t> batch, uint64_t& used);

private:
    std::deque<std::vector<uint8_t>> m_frames;
    uint64_t m_dropped = 0;
};

} // namespace host::net
