// The packet device's rings, monitor side. The guest kernel runs at the same time, in another
// host process: indices are read with acquire and written with release order, and the
// monitor's own indices are kept here, never read back from guest memory.
#include "host/net/frame_rings.h"

#include <atomic>
#include <string.h>

namespace host::net {

namespace {

uint32_t load_acquire(uint32_t& index) { return std::atomic_ref<uint32_t>(index).load(std::memory_order_acquire); }
void store_release(uint32_t& index, uint32_t value) { std::atomic_ref<uint32_t>(index).store(value, std::memory_order_release); }

uabi::NetRingHeader* ring_at(const GuestMemory& memory, uabi::Gpa gpa)
{
    auto* header = memory.object<uabi::NetRingHeader>(gpa);
    if (!header || !memory.contains(gpa, uabi::NET_RING_SIZE))
        throw std::logic_error("guest RAM does not hold the packet device's rings");
    return header;
}

uint8_t* slot_at(uint8_t* slots, uint32_t index)
{
    return slots + static_cast<uint64_t>(index % uabi::NET_RING_SLOTS) * uabi::NET_SLOT_SIZE;
}

} // namespace

bool FrameQueue::push(std::span<const uint8_t> frame)
{
    if (m_frames.size() >= MAX_FRAMES || frame.size() < uabi::NET_FRAME_MIN || frame.size() > uabi::NET_FRAME_MAX) {
        ++m_dropped;
        return false;
    }
    m_frames.emplace_back(frame.begin(), frame.end());
    return true;
}

FrameRings::FrameRings(const GuestMemory& memory)
    : m_transmit(ring_at(memory, uabi::NET_TX_RING_GPA))
    , m_receive(ring_at(memory, uabi::NET_RX_RING_GPA))
    , m_transmit_slots(reinterpret_cast<uint8_t*>(m_transmit) + uabi::NET_RING_HEADER_SIZE)
    , m_receive_slots(reinterpret_cast<uint8_t*>(m_receive) + uabi::NET_RING_HEADER_SIZE)
{
}

std::string FrameRings::take_transmitted(const std::function<void(std::span<const uint8_t>)>& send)
{
    uint32_t produced = load_acquire(m_transmit->produced);
    if (produced - m_taken > uabi::NET_RING_SLOTS)
        return "transmit ring index " + std::to_string(produced) + " is ahead of " + std::to_string(m_taken) + " by more than the ring";
    uint8_t frame[uabi::NET_FRAME_MAX];
    while (m_taken != produced) {
        uint8_t* slot = slot_at(m_transmit_slots, m_taken);
        uint32_t length;
        memcpy(&length, slot, sizeof(length));
        if (length < uabi::NET_FRAME_MIN || length > uabi::NET_FRAME_MAX)
            return "transmit slot " + std::to_string(m_taken % uabi::NET_RING_SLOTS) + " holds a frame of " + std::to_string(length) + " bytes";
        // SAFETY: the slot lies in the ring, and length <= NET_FRAME_MAX < its frame bytes.
        memcpy(frame, slot + offsetof(uabi::NetSlot, frame), length);
        ++m_taken;
        ++m_sent;
        send({ frame, length });
    }
    store_release(m_transmit->consumed, m_taken);
    return {};
}

std::string FrameRings::give_received(FrameQueue& queue)
{
    if (queue.size() == 0)
        return {};
    uint32_t consumed = load_acquire(m_receive->consumed);
    if (m_given - consumed > uabi::NET_RING_SLOTS)
        return "receive ring index " + std::to_string(consumed) + " is not one the monitor gave";
    uint32_t given = m_given;
    while (queue.size() > 0 && given - consumed < uabi::NET_RING_SLOTS) {
        auto const& frame = queue.front();
        uint8_t* slot = slot_at(m_receive_slots, given);
        uabi::NetSlot header { static_cast<uint32_t>(frame.size()), 0, {} };
        memcpy(slot, &header, offsetof(uabi::NetSlot, frame));
        memcpy(slot + offsetof(uabi::NetSlot, frame), frame.data(), frame.size());
        queue.pop();
        ++given;
        ++m_received;
    }
    if (given != m_given)
        store_release(m_receive->produced, m_given = given);
    return {};
}

bool FrameRings::guest_has_frames() const { return load_acquire(m_receive->consumed) != m_given; }

bool FrameRings::ask_for_notify(const FrameQueue& queue)
{
    store_release(m_transmit->monitor_waiting, 1);
    if (queue.size() > 0)
        store_release(m_receive->monitor_waiting, 1);
    // Pairs with the guest's fence between changing a ring and reading monitor_waiting: either
    // the guest sees the flag, or the monitor sees the change here.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool changed = load_acquire(m_transmit->produced) != m_taken
        || (queue.size() > 0 && m_given - load_acquire(m_receive->consumed) < uabi::NET_RING_SLOTS);
    if (changed)
        stop_asking();
    return !changed;
}

void FrameRings::stop_asking()
{
    store_release(m_transmit->monitor_waiting, 0);
    store_release(m_receive->monitor_waiting, 0);
}

} // namespace host::net
