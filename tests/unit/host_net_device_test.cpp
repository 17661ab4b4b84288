// The packet device's rings, monitor side, against a guest that writes them by hand: frames
// come out in order and whole; an index that runs ahead of the ring or a slot with an
// impossible length is refused before anything is read from it; the receive ring never holds
// more than its slots; the monitor asks for NetNotify only when the rings did not change after
// it asked; NetNotify and NetSync without a network answer ENETDOWN.
#include "host/guest_platform.h"
#include "host/hypercall_table.h"
#include "host/net/frame_rings.h"
#include "host/vm_context.h"

#include <abi/boot_info.h>
#include <gtest/gtest.h>
#include <string.h>
#include <vector>

namespace {

using host::net::FrameQueue;
using host::net::FrameRings;

// Guest RAM with the rings, and the guest driver's side of them done by hand.
struct GuestSide {
    std::vector<uint8_t> ram = std::vector<uint8_t>(uabi::FIRST_FREE_GPA, 0);
    host::GuestMemory memory { ram.data(), ram.size() };
    FrameRings rings { memory };
    std::vector<std::vector<uint8_t>> sent;
    uint32_t guest_produced = 0;

    uabi::NetRingHeader& header(uabi::Gpa gpa) { return *reinterpret_cast<uabi::NetRingHeader*>(ram.data() + gpa); }
    uabi::NetSlot& slot(uabi::Gpa gpa, uint32_t index)
    {
        return *reinterpret_cast<uabi::NetSlot*>(ram.data() + gpa + uabi::NET_RING_HEADER_SIZE + (index % uabi::NET_RING_SLOTS) * uabi::NET_SLOT_SIZE);
    }
    // What the guest driver does: fill the next slot, then publish.
    void guest_sends(uint32_t length, uint8_t fill)
    {
        auto& target = slot(uabi::NET_TX_RING_GPA, guest_produced);
        target.length = length;
        memset(target.frame, fill, std::min<size_t>(length, sizeof(target.frame)));
        header(uabi::NET_TX_RING_GPA).produced = ++guest_produced;
    }
    std::string take()
    {
        return rings.take_transmitted([&](std::span<const uint8_t> frame) { sent.emplace_back(frame.begin(), frame.end()); });
    }
};

struct Rings : testing::Test, GuestSide {
};

TEST_F(Rings, TransmittedFramesComeOutInOrderAndTheSlotsGoBack)
{
    for (uint32_t round = 0; round < 3; ++round) {
        for (uint32_t i = 0; i < uabi::NET_RING_SLOTS; ++i)
            guest_sends(i % 2 ? uabi::NET_FRAME_MAX : uabi::NET_FRAME_MIN + i, static_cast<uint8_t>(i));
        EXPECT_EQ(take(), "");
        EXPECT_EQ(header(uabi::NET_TX_RING_GPA).consumed, guest_produced);
    }
    ASSERT_EQ(sent.size(), 3u * uabi::NET_RING_SLOTS);
    EXPECT_EQ(sent[1], std::vector<uint8_t>(uabi::NET_FRAME_MAX, 1));
    EXPECT_EQ(sent[uabi::NET_RING_SLOTS + 2], std::vector<uint8_t>(uabi::NET_FRAME_MIN + 2, 2));
    EXPECT_EQ(rings.frames_sent(), 3u * uabi::NET_RING_SLOTS);
}

TEST_F(Rings, IndicesWrapAround)
{
    header(uabi::NET_TX_RING_GPA).produced = guest_produced = UINT32_MAX - 2;
    EXPECT_NE(take(), ""); // the monitor's index starts at 0: this is far ahead
    sent.clear();
    FrameRings fresh { memory };
    header(uabi::NET_TX_RING_GPA).produced = guest_produced = 0;
    for (int i = 0; i < 3; ++i)
        guest_sends(60, 9);
    EXPECT_EQ(fresh.take_transmitted([&](std::span<const uint8_t> frame) { sent.emplace_back(frame.begin(), frame.end()); }), "");
    EXPECT_EQ(sent.size(), 3u);
}

TEST_F(Rings, AHostileTransmitRingIsRefused)
{
    header(uabi::NET_TX_RING_GPA).produced = uabi::NET_RING_SLOTS + 1;
    EXPECT_NE(take(), "");
    EXPECT_TRUE(sent.empty());
    for (uint32_t bad : { 0u, 13u, uabi::NET_FRAME_MAX + 1, UINT32_MAX }) {
        GuestSide fresh_state;
        fresh_state.guest_sends(60, 1);
        fresh_state.guest_sends(bad, 2);
        EXPECT_NE(fresh_state.take(), "") << bad;
        EXPECT_EQ(fresh_state.sent.size(), 1u) << bad; // the good frame before it went out
    }
}

TEST_F(Rings, TheReceiveRingHoldsNoMoreThanItsSlots)
{
    FrameQueue queue;
    std::vector<uint8_t> frame(100, 7);
    for (uint32_t i = 0; i < uabi::NET_RING_SLOTS + 10; ++i)
        ASSERT_TRUE(queue.push(frame));
    EXPECT_EQ(rings.give_received(queue), "");
    EXPECT_EQ(header(uabi::NET_RX_RING_GPA).produced, uabi::NET_RING_SLOTS);
    EXPECT_EQ(queue.size(), 10u);
    EXPECT_TRUE(rings.guest_has_frames());
    EXPECT_EQ(slot(uabi::NET_RX_RING_GPA, 5).length, 100u);
    EXPECT_EQ(slot(uabi::NET_RX_RING_GPA, 5).frame[99], 7);
    // The guest takes three: three more fit.
    header(uabi::NET_RX_RING_GPA).consumed = 3;
    EXPECT_EQ(rings.give_received(queue), "");
    EXPECT_EQ(header(uabi::NET_RX_RING_GPA).produced, uabi::NET_RING_SLOTS + 3);
    EXPECT_EQ(queue.size(), 7u);
    // A guest that claims to have taken frames it was never given.
    header(uabi::NET_RX_RING_GPA).consumed = uabi::NET_RING_SLOTS * 3;
    EXPECT_NE(rings.give_received(queue), "");
    EXPECT_EQ(rings.frames_received(), uabi::NET_RING_SLOTS + 3u);
}

TEST_F(Rings, TheQueueDropsBeyondItsBoundAndImpossibleFrames)
{
    FrameQueue queue;
    std::vector<uint8_t> frame(100, 7);
    EXPECT_FALSE(queue.push(std::vector<uint8_t>(13, 0)));
    EXPECT_FALSE(queue.push(std::vector<uint8_t>(uabi::NET_FRAME_MAX + 1, 0)));
    for (size_t i = 0; i < FrameQueue::MAX_FRAMES; ++i)
        EXPECT_TRUE(queue.push(frame));
    EXPECT_FALSE(queue.push(frame));
    EXPECT_EQ(queue.dropped(), 3u);
}

TEST_F(Rings, TheMonitorAsksForNotifyOnlyWhenNothingChanged)
{
    FrameQueue queue;
    EXPECT_TRUE(rings.ask_for_notify(queue));
    EXPECT_EQ(header(uabi::NET_TX_RING_GPA).monitor_waiting, 1u);
    EXPECT_EQ(header(uabi::NET_RX_RING_GPA).monitor_waiting, 0u); // nothing waits for room
    rings.stop_asking();
    EXPECT_EQ(header(uabi::NET_TX_RING_GPA).monitor_waiting, 0u);
    guest_sends(60, 1); // a frame the monitor has not taken: it must not sleep
    EXPECT_FALSE(rings.ask_for_notify(queue));
    EXPECT_EQ(header(uabi::NET_TX_RING_GPA).monitor_waiting, 0u);
    EXPECT_EQ(take(), "");
    // A full receive ring with frames still queued: wait for room.
    for (uint32_t i = 0; i < uabi::NET_RING_SLOTS + 1; ++i)
        queue.push(std::vector<uint8_t>(60, 1));
    EXPECT_EQ(rings.give_received(queue), "");
    EXPECT_TRUE(rings.ask_for_notify(queue));
    EXPECT_EQ(header(uabi::NET_RX_RING_GPA).monitor_waiting, 1u);
}

class NoPlatform final : public host::GuestPlatform {
public:
    int run() override { return 0; }
    void terminate() override { }
};

TEST(NetHypercalls, WithoutANetworkTheDeviceIsDown)
{
    NoPlatform platform;
    std::vector<uint8_t> ram(1 << 20, 0);
    host::GuestMemory memory { ram.data(), ram.size() };
    host::VmConfig config;
    host::VmStats stats;
    host::VmContext context { config, memory, platform, stats, {}, {} };
    for (auto number : { uabi::Hypercall::NetNotify, uabi::Hypercall::NetSync })
        EXPECT_EQ(host::dispatch_hypercall(context, static_cast<uint64_t>(number), 0x100), -ENETDOWN);
    EXPECT_FALSE(context.exit_status);
}

} // namespace
