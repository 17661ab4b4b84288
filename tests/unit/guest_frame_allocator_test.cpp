// The guest's physical frame allocator, built for the host.
#include <gtest/gtest.h>
#include <mm/frame_allocator.h>
#include <vector>

namespace {

constexpr uint64_t BASE = 0x100000;
constexpr uint64_t FRAME = mm::FrameAllocator::FRAME_SIZE;

struct Frames {
    explicit Frames(uint64_t count) : bookkeeping(mm::FrameAllocator::storage_bytes(count) / 8 + 1) { allocator.initialize(bookkeeping.data(), BASE, count); }
    std::vector<uint64_t> bookkeeping;
    mm::FrameAllocator allocator;
};

TEST(FrameAllocator, HandsOutContiguousRunsFromTheBottom)
{
    Frames f(100);
    EXPECT_EQ(f.allocator.free_frames(), 100u);
    auto a = f.allocator.allocate(10);
    ASSERT_FALSE(a.is_error());
    EXPECT_EQ(a.value(), BASE);
    auto b = f.allocator.allocate(70);
    ASSERT_FALSE(b.is_error());
    EXPECT_EQ(b.value(), BASE + 10 * FRAME);
    EXPECT_EQ(f.allocator.free_frames(), 20u);
    for (uint64_t i = 0; i < 80; ++i)
        EXPECT_TRUE(f.allocator.is_allocated(BASE + i * FRAME)) << i;
    EXPECT_FALSE(f.allocator.is_allocated(BASE + 80 * FRAME));
}

TEST(FrameAllocator, RefusesWhatDoesNotFit)
{
    Frames f(100);
    EXPECT_TRUE(f.allocator.allocate(0).is_error());
    EXPECT_TRUE(f.allocator.allocate(101).is_error());
    ASSERT_FALSE(f.allocator.allocate(100).is_error());
    EXPECT_TRUE(f.allocator.allocate(1).is_error());
    EXPECT_EQ(f.allocator.free_frames(), 0u);
}

TEST(FrameAllocator, ReusesFreedFramesFirst)
{
    Frames f(200);
    auto a = f.allocator.allocate(50).value();
    auto b = f.allocator.allocate(50).value();
    f.allocator.free(a, 50);
    EXPECT_EQ(f.allocator.free_frames(), 150u);
    EXPECT_EQ(f.allocator.allocate(20).value(), a);
    // A run that does not fit in the hole comes from above b.
    EXPECT_EQ(f.allocator.allocate(40).value(), b + 50 * FRAME);
    EXPECT_EQ(f.allocator.allocate(30).value(), a + 20 * FRAME);
}

TEST(FrameAllocator, FragmentationNeedsARealRun)
{
    Frames f(128);
    std::vector<uint64_t> singles;
    for (int i = 0; i < 128; ++i)
        singles.push_back(f.allocator.allocate(1).value());
    for (int i = 0; i < 128; i += 2)
        f.allocator.free(singles[i], 1);
    EXPECT_EQ(f.allocator.free_frames(), 64u);
    EXPECT_TRUE(f.allocator.allocate(2).is_error());
    EXPECT_FALSE(f.allocator.allocate(1).is_error());
}

TEST(FrameAllocator, RunsCrossBitmapWords)
{
    Frames f(300);
    ASSERT_FALSE(f.allocator.allocate(60).is_error());
    auto run = f.allocator.allocate(130);
    ASSERT_FALSE(run.is_error());
    EXPECT_EQ(run.value(), BASE + 60 * FRAME);
    EXPECT_TRUE(f.allocator.allocate(111).is_error());
    EXPECT_FALSE(f.allocator.allocate(110).is_error());
}

TEST(FrameAllocator, ReserveAndDoubleFreeKeepTheCountRight)
{
    Frames f(64);
    f.allocator.reserve(BASE, 4);
    EXPECT_EQ(f.allocator.free_frames(), 60u);
    EXPECT_EQ(f.allocator.allocate(1).value(), BASE + 4 * FRAME);
    f.allocator.free(BASE + 4 * FRAME, 1);
    f.allocator.free(BASE + 4 * FRAME, 1);
    EXPECT_EQ(f.allocator.free_frames(), 60u);
    f.allocator.free(BASE - FRAME, 1);        // below the range: ignored
    f.allocator.free(BASE + 64 * FRAME, 1);   // above: ignored
    EXPECT_EQ(f.allocator.free_frames(), 60u);
}

TEST(FrameAllocator, SharedFramesAreFreeAfterTheLastReference)
{
    Frames f(130);
    auto run = f.allocator.allocate(3).value();
    EXPECT_EQ(f.allocator.references(run), 1u);
    EXPECT_FALSE(f.allocator.is_shared(run));
    f.allocator.share(run + FRAME);
    f.allocator.share(run + FRAME);
    EXPECT_EQ(f.allocator.references(run + FRAME), 3u);
    EXPECT_TRUE(f.allocator.is_shared(run + FRAME));
    // Freeing the run frees the two unshared frames and drops a reference to the middle one.
    f.allocator.free(run, 3);
    EXPECT_EQ(f.allocator.free_frames(), 129u);
    EXPECT_FALSE(f.allocator.is_allocated(run));
    EXPECT_EQ(f.allocator.references(run + FRAME), 2u);
    EXPECT_EQ(f.allocator.references(run), 0u);
    // The hole below it is reused first.
    EXPECT_EQ(f.allocator.allocate(1).value(), run);
    f.allocator.free(run + FRAME, 1);
    EXPECT_TRUE(f.allocator.is_allocated(run + FRAME));
    f.allocator.free(run + FRAME, 1);
    EXPECT_FALSE(f.allocator.is_allocated(run + FRAME));
    EXPECT_EQ(f.allocator.free_frames(), 129u);
    // Sharing a free frame or one not ours does nothing.
    f.allocator.share(run + FRAME);
    f.allocator.share(BASE + 500 * FRAME);
    EXPECT_EQ(f.allocator.references(run + FRAME), 0u);
}

TEST(FrameAllocator, ReservedFramesHaveOneReference)
{
    Frames f(64);
    f.allocator.reserve(BASE + 8 * FRAME, 2);
    EXPECT_EQ(f.allocator.references(BASE + 8 * FRAME), 1u);
    f.allocator.free(BASE + 8 * FRAME, 2);
    EXPECT_EQ(f.allocator.free_frames(), 64u);
}

TEST(FrameAllocator, BookkeepingFitsItsStorage)
{
    // The dirty bitmap ends the storage: a sanitizer build catches overruns.
    std::vector<uint8_t> storage(mm::FrameAllocator::storage_bytes(65) + 7);
    auto* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(storage.data()) + 7) & ~uintptr_t(7));
    mm::FrameAllocator allocator;
    allocator.initialize(aligned, BASE, 65);
    EXPECT_EQ(mm::FrameAllocator::storage_bytes(65), 2 * 8 + 66 * 4u + 2 * 8);
    auto all = allocator.allocate(65);
    ASSERT_FALSE(all.is_error());
    allocator.share(BASE + 64 * FRAME);
    EXPECT_EQ(allocator.references(BASE + 64 * FRAME), 2u);
}

} // namespace
