// The packet device's batches: a transmit batch from a hostile guest (lengths and offsets that
// leave the batch, overflow, or lie) is refused before any byte outside it is read; the
// NetTransmit and NetReceive hypercalls check their buffers against guest RAM; the receive queue
// packs whole frames only and drops beyond its bound.
#include "host/guest_platform.h"
#include "host/hypercall_table.h"
#include "host/net/frame_batch.h"
#include "host/vm_context.h"

#include <gtest/gtest.h>
#include <string.h>
#include <vector>

namespace {

using host::net::FrameQueue;
using host::net::read_transmit_batch;

void append_record(std::vector<uint8_t>& batch, uint32_t length, uint8_t fill, bool pad_to_alignment = true)
{
    uabi::NetFrameHeader header { length, 0 };
    size_t start = batch.size();
    batch.resize(start + sizeof(header) + length, fill);
    memcpy(batch.data() + start, &header, sizeof(header));
    if (pad_to_alignment)
        batch.resize(start + uabi::net_record_size(length), 0);
}

struct Sent {
    std::vector<std::vector<uint8_t>> frames;
    std::string read(std::span<const uint8_t> batch, uint32_t count)
    {
        return read_transmit_batch(batch, count, [&](std::span<const uint8_t> frame) { frames.emplace_back(frame.begin(), frame.end()); });
    }
};

TEST(NetFrameBatch, ReadsEveryRecord)
{
    std::vector<uint8_t> batch;
    append_record(batch, 60, 0xaa);
    append_record(batch, uabi::NET_FRAME_MAX, 0xbb);
    append_record(batch, 14, 0xcc, false); // the last record may omit its padding
    Sent sent;
    EXPECT_EQ(sent.read(batch, 3), "");
    ASSERT_EQ(sent.frames.size(), 3u);
    EXPECT_EQ(sent.frames[0], std::vector<uint8_t>(60, 0xaa));
    EXPECT_EQ(sent.frames[1], std::vector<uint8_t>(uabi::NET_FRAME_MAX, 0xbb));
    EXPECT_EQ(sent.frames[2], std::vector<uint8_t>(14, 0xcc));
    EXPECT_EQ(Sent().read({}, 0), "");
}

TEST(NetFrameBatch, RefusesHostileRecords)
{
    auto refused = [](const std::vector<uint8_t>& batch, uint32_t count, size_t frames_before) {
        Sent sent;
        std::string problem = sent.read(batch, count);
        EXPECT_NE(problem, "");
        EXPECT_EQ(sent.frames.size(), frames_before) << problem;
    };
    std::vector<uint8_t> one;
    append_record(one, 64, 1);
    refused(one, 2, 1);                  // more records claimed than the batch holds
    refused(one, 0, 0);                  // bytes left over
    refused(std::vector<uint8_t>(4, 0), 1, 0); // not even a header
    for (uint32_t length : { 0u, 13u, uabi::NET_FRAME_MAX + 1, 0x7fffffffu, 0xfffffff8u, 0xffffffffu }) {
        std::vector<uint8_t> batch(8 + 2048, 0);
        uabi::NetFrameHeader header { length, 0 };
        memcpy(batch.data(), &header, sizeof(header));
        refused(batch, 1, 0);
    }
    // A length that runs past the end of the batch.
    std::vector<uint8_t> short_batch;
    append_record(short_batch, 100, 2);
    short_batch.resize(8 + 99);
    refused(short_batch, 1, 0);
    // A second record whose header lies past the end, after a good one.
    std::vector<uint8_t> two;
    append_record(two, 64, 3);
    two.resize(two.size() + 4, 0);
    refused(two, 2, 1);
    // A nonzero pad.
    std::vector<uint8_t> padded;
    append_record(padded, 64, 4);
    padded[4] = 1;
    refused(padded, 1, 0);
    // A non-final record without its alignment padding is not where the next one starts.
    std::vector<uint8_t> unaligned;
    append_record(unaligned, 61, 5, false);
    append_record(unaligned, 61, 6, false);
    refused(unaligned, 2, 1);
}

TEST(NetFrameQueue, PacksWholeFramesAndDropsBeyondItsBound)
{
    FrameQueue queue;
    std::vector<uint8_t> frame(100, 7);
    EXPECT_FALSE(queue.push(std::vector<uint8_t>(13, 0)));
    EXPECT_FALSE(queue.push(std::vector<uint8_t>(uabi::NET_FRAME_MAX + 1, 0)));
    for (size_t i = 0; i < FrameQueue::MAX_FRAMES; ++i)
        EXPECT_TRUE(queue.push(frame));
    EXPECT_FALSE(queue.push(frame));
    EXPECT_EQ(queue.dropped(), 3u);

    // Room for two records and a bit: two whole frames, nothing partial.
    std::vector<uint8_t> buffer(2 * uabi::net_record_size(100) + 50, 0xee);
    uint64_t used = 0;
    EXPECT_EQ(queue.pack(buffer, used), 2u);
    EXPECT_EQ(used, 2 * uabi::net_record_size(100));
    EXPECT_EQ(queue.size(), FrameQueue::MAX_FRAMES - 2);
    Sent sent;
    EXPECT_EQ(sent.read(std::span<const uint8_t>(buffer).first(used), 2), "");
    EXPECT_EQ(sent.frames, (std::vector<std::vector<uint8_t>> { frame, frame }));
    EXPECT_EQ(queue.pack(std::span<uint8_t>(buffer).first(10), used), 0u);
    EXPECT_EQ(used, 0u);
}

class NoPlatform final : public host::GuestPlatform {
public:
    int run() override { return 0; }
    void terminate() override { }
};

// The hypercalls themselves, against a small guest RAM, with no network behind them.
struct NetHypercalls : testing::Test {
    NoPlatform platform;
    std::vector<uint8_t> ram = std::vector<uint8_t>(1 << 20, 0);
    host::GuestMemory memory { ram.data(), ram.size() };
    host::VmConfig config;
    host::VmStats stats;
    host::VmContext context { config, memory, platform, stats, {}, {} };

    int64_t call(uabi::Hypercall number, uabi::Gpa gpa, uabi::NetBatchRequest request)
    {
        if (gpa + sizeof(request) <= ram.size())
            memcpy(ram.data() + gpa, &request, sizeof(request));
        return host::dispatch_hypercall(context, static_cast<uint64_t>(number), gpa);
    }
};

TEST_F(NetHypercalls, BuffersOutsideRamStopTheVm)
{
    for (auto number : { uabi::Hypercall::NetTransmit, uabi::Hypercall::NetReceive }) {
        for (auto [buffer, length] : { std::pair<uint64_t, uint64_t> { ram.size() - 8, 16 }, { 0x1000, UINT64_MAX },
                 { UINT64_MAX - 4, 8 }, { 0x1000, ram.size() } }) {
            context.exit_status.reset();
            call(number, 0x100, { buffer, length, 1, 0 });
            EXPECT_EQ(context.exit_status, 125) << buffer << " " << length;
        }
        context.exit_status.reset();
        call(number, ram.size() - 8, {});
        EXPECT_EQ(context.exit_status, 125);
    }
    EXPECT_EQ(stats.hypercall(static_cast<uint64_t>(uabi::Hypercall::NetTransmit)).count, 5u);
}

TEST_F(NetHypercalls, WithoutANetworkTheDeviceIsDown)
{
    EXPECT_EQ(call(uabi::Hypercall::NetTransmit, 0x100, { 0x1000, 0, 0, 0 }), -ENETDOWN);
    EXPECT_EQ(call(uabi::Hypercall::NetReceive, 0x100, { 0x1000, 4096, 0, 0 }), -ENETDOWN);
    EXPECT_FALSE(context.exit_status);
}

} // namespace
