// Address spaces, built for the host, against a page mapper that models the machine's page
// tables as a map from page to (frame, protection): reservations without frames, faults that
// back a block, splits and merges, protection of backed pages, discard, mremap moves.
#include <gtest/gtest.h>
#include <lib/errno_codes.h>
#include <map>
#include <mm/address_space.h>
#include <vector>

namespace {

constexpr uint64_t PAGE = 4096;
constexpr uint64_t LOW = 0x10000, HIGH = 0x100000000;

struct ModelMapper final : mm::PageMapper {
    struct Entry {
        uint64_t frame;
        int protection;
    };
    std::map<uint64_t, Entry> pages;
    std::vector<uint64_t> released;
    lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            pages[va + o] = { pa + o, protection };
        return {};
    }
    lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            pages.erase(va + o);
        return {};
    }
    lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) override
    {
        for (uint64_t o = 0; o < length; o += PAGE) {
            if (!pages.count(va + o))
                return lib::Error(12);
            pages[va + o].protection = protection;
        }
        return {};
    }
    void release_frames(uint64_t pa, uint64_t length) override
    {
        for (uint64_t o = 0; o < length; o += PAGE)
            released.push_back(pa + o);
    }
    void copy_frames(uint64_t, uint64_t, uint64_t) override { ADD_FAILURE() << "nothing is shared without fork"; }
};

struct Space {
    Space(uint64_t frames = 1024) : bookkeeping(mm::FrameAllocator::storage_bytes(frames) / 8 + 1), regions(64)
    {
        allocator.initialize(bookkeeping.data(), 0x200000, frames);
    }
    std::vector<uint64_t> bookkeeping;
    std::vector<mm::Region> regions;
    mm::FrameAllocator allocator;
    ModelMapper mapper;
    mm::AddressSpace space { mapper, allocator, regions.data(), regions.size(), LOW, HIGH };
    // Touches `va` as the program would, asserting the fault is resolved.
    void touch(uint64_t va, mm::Access access = mm::Access::Write)
    {
        ASSERT_EQ(space.handle_fault(va, access), mm::FaultResult::Resolved);
    }
    uint64_t used() const { return allocator.frame_count() - allocator.free_frames(); }
};


constexpr uint64_t BLOCK = mm::AddressSpace::FAULT_BLOCK;
constexpr int RW = 3, R = 1, NONE = 0;

TEST(AddressSpace, ReservingTakesNoFrames)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, RW).is_error());
    // Far more than the 1024 frames: reservations overcommit, as Linux does.
    ASSERT_FALSE(s.space.map_anonymous(0x10000000, 0x40000000, RW).is_error());
    EXPECT_EQ(s.mapper.pages.size(), 0u);
    EXPECT_EQ(s.used(), 0u);
    EXPECT_TRUE(s.space.translate(0x400000).is_error());
    // Overlap and misalignment are refused.
    EXPECT_TRUE(s.space.map_anonymous(0x400000 + PAGE, PAGE, RW).is_error());
    EXPECT_TRUE(s.space.map_anonymous(0x500001, PAGE, RW).is_error());
}

TEST(AddressSpace, FaultBacksTheAlignedBlockWithinTheRegion)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x10000000, 0x40000000, RW).is_error());
    s.touch(0x10000000 + 5 * BLOCK + 123);
    EXPECT_EQ(s.mapper.pages.size(), BLOCK / PAGE);
    EXPECT_EQ(s.used(), BLOCK / PAGE);
    EXPECT_TRUE(s.mapper.pages.count(0x10000000 + 5 * BLOCK));
    EXPECT_TRUE(s.mapper.pages.count(0x10000000 + 6 * BLOCK - PAGE));
    EXPECT_EQ(s.mapper.pages[0x10000000 + 5 * BLOCK].protection, RW);
    auto pa = s.space.translate(0x10000000 + 5 * BLOCK + 123);
    ASSERT_FALSE(pa.is_error());
    EXPECT_EQ(pa.value(), s.mapper.pages[0x10000000 + 5 * BLOCK].frame + 123);
    // A region smaller than a block gets only its own pages.
    ASSERT_FALSE(s.space.map_anonymous(0x400000 + PAGE, 2 * PAGE, R).is_error());
    s.touch(0x400000 + 2 * PAGE, mm::Access::Read);
    EXPECT_TRUE(s.mapper.pages.count(0x400000 + PAGE));
    EXPECT_FALSE(s.mapper.pages.count(0x400000));
    EXPECT_FALSE(s.mapper.pages.count(0x400000 + 3 * PAGE));
    EXPECT_EQ(s.mapper.pages[0x400000 + PAGE].protection, R);
}

TEST(AddressSpace, FaultsOutsideOrAgainstProtectionAreNotResolved)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, R).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x500000, 4 * PAGE, NONE).is_error());
    EXPECT_EQ(s.space.handle_fault(0x300000, mm::Access::Read), mm::FaultResult::Unmapped);
    EXPECT_EQ(s.space.handle_fault(0x400000, mm::Access::Write), mm::FaultResult::Denied);
    EXPECT_EQ(s.space.handle_fault(0x400000, mm::Access::Execute), mm::FaultResult::Denied);
    EXPECT_EQ(s.space.handle_fault(0x500000, mm::Access::Read), mm::FaultResult::Denied);
    EXPECT_EQ(s.used(), 0u);
    // A backed page that faults again was refused by its protection.
    s.touch(0x400000, mm::Access::Read);
    EXPECT_EQ(s.space.handle_fault(0x400000, mm::Access::Read), mm::FaultResult::Denied);
}

TEST(AddressSpace, OutOfFramesBacksTheOnePageThenFails)
{
    Space s(20);
    ASSERT_FALSE(s.space.map_anonymous(0x10000000, 0x1000000, RW).is_error());
    s.touch(0x10000000);
    EXPECT_EQ(s.used(), 16u);
    s.touch(0x10000000 + BLOCK); // 4 frames left: fewer than a block, enough for the page
    EXPECT_GE(s.used(), 17u);
    while (s.allocator.free_frames())
        (void)s.allocator.allocate(1);
    EXPECT_EQ(s.space.handle_fault(0x10000000 + 9 * BLOCK, mm::Access::Write), mm::FaultResult::OutOfMemory);
    EXPECT_TRUE(s.space.populate(0x10000000 + 9 * BLOCK, PAGE).is_error());
}

TEST(AddressSpace, UnmapSplitsAndFreesOnlyTheMiddle)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 10 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.populate(0x400000, 10 * PAGE).is_error());
    EXPECT_EQ(s.used(), 10u);
    ASSERT_FALSE(s.space.unmap(0x400000 + 3 * PAGE, 2 * PAGE).is_error());
    EXPECT_EQ(s.space.region_count(), 2u);
    EXPECT_EQ(s.mapper.pages.size(), 8u);
    EXPECT_EQ(s.mapper.released.size(), 0u); // cleared when handed out again, not now
    EXPECT_EQ(s.used(), 8u);
    EXPECT_TRUE(s.space.translate(0x400000 + 3 * PAGE).is_error());
    EXPECT_FALSE(s.space.translate(0x400000 + 5 * PAGE).is_error());
    EXPECT_EQ(s.space.handle_fault(0x400000 + 3 * PAGE, mm::Access::Read), mm::FaultResult::Unmapped);
    // Unmapping holes is fine; a length is rounded up to pages.
    ASSERT_FALSE(s.space.unmap(0x300000, 0x200000 + 1).is_error());
    EXPECT_EQ(s.space.region_count(), 0u);
    EXPECT_EQ(s.used(), 0u);
    EXPECT_EQ(s.space.backed_pages(), 0u);
}

TEST(AddressSpace, AdjacentEqualRegionsMergeAndProtectSplitsThem)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 6 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x400000 + 6 * PAGE, 2 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x400000 + 8 * PAGE, 2 * PAGE, R).is_error());
    EXPECT_EQ(s.space.region_count(), 2u);
    s.touch(0x400000); // backs the first 8 pages (the read-only region is another)
    ASSERT_FALSE(s.space.protect(0x400000 + 2 * PAGE, 2 * PAGE, R).is_error());
    EXPECT_EQ(s.space.region_count(), 4u);
    EXPECT_EQ(s.mapper.pages[0x400000 + PAGE].protection, RW);
    EXPECT_EQ(s.mapper.pages[0x400000 + 2 * PAGE].protection, R);
    EXPECT_EQ(s.mapper.pages[0x400000 + 4 * PAGE].protection, RW);
    // Back again: the three rejoin.
    ASSERT_FALSE(s.space.protect(0x400000 + 2 * PAGE, 2 * PAGE, RW).is_error());
    EXPECT_EQ(s.space.region_count(), 2u);
    // Up to a hole: the mapped part changes, then ENOMEM, as Linux.
    auto result = s.space.protect(0x400000 + 9 * PAGE, 2 * PAGE, NONE);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), 12);
    EXPECT_EQ(s.space.find(0x400000 + 9 * PAGE)->protection, NONE);
    EXPECT_EQ(s.space.find(0x400000 + 8 * PAGE)->protection, R);
    EXPECT_TRUE(s.space.protect(0x800000, PAGE, R).is_error());
}

TEST(AddressSpace, ManyRegionsOutgrowTheInitialStorage)
{
    Space s;
    for (uint64_t i = 0; i < 5000; ++i)
        ASSERT_FALSE(s.space.map_anonymous(0x400000 + i * 2 * PAGE, PAGE, RW).is_error()) << i;
    EXPECT_EQ(s.space.region_count(), 5000u);
    s.touch(0x400000 + 4999 * 2 * PAGE);
    EXPECT_EQ(s.space.find(0x400000 + 4999 * 2 * PAGE)->start, 0x400000 + 4999 * 2 * PAGE);
    for (uint64_t i = 0; i < 5000; ++i)
        ASSERT_FALSE(s.space.unmap(0x400000 + i * 2 * PAGE, PAGE).is_error());
    EXPECT_EQ(s.space.region_count(), 0u);
    EXPECT_EQ(s.used(), 0u);
}

TEST(AddressSpace, FindsFreeRangesTopDown)
{
    Space s;
    auto first = s.space.find_free_range(4 * PAGE, 0x800000);
    ASSERT_FALSE(first.is_error());
    EXPECT_EQ(first.value(), 0x800000 - 4 * PAGE);
    ASSERT_FALSE(s.space.map_anonymous(first.value(), 4 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x700000, 0x7fb000 - 0x700000, R).is_error());
    // The gap between them is one page: a two-page request must go below 0x700000.
    EXPECT_EQ(s.space.find_free_range(PAGE, 0x800000).value(), 0x7fb000u);
    EXPECT_EQ(s.space.find_free_range(2 * PAGE, 0x800000).value(), 0x700000u - 2 * PAGE);
    EXPECT_TRUE(s.space.find_free_range(HIGH, HIGH).is_error());
    EXPECT_TRUE(s.space.find_free_range(PAGE + 1, HIGH).is_error());
}

TEST(AddressSpace, BacksAcrossFragmentedFrames)
{
    Space s(64);
    std::vector<uint64_t> singles;
    for (int i = 0; i < 64; ++i)
        singles.push_back(s.allocator.allocate(1).value());
    for (int i = 0; i < 64; i += 2)
        s.allocator.free(singles[i], 1);
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 8 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.populate(0x400000, 8 * PAGE).is_error());
    EXPECT_EQ(s.mapper.pages.size(), 8u);
    EXPECT_EQ(s.space.region_count(), 1u);
    ASSERT_FALSE(s.space.map_anonymous(0x500000, 30 * PAGE, RW).is_error());
    auto too_big = s.space.populate(0x500000, 30 * PAGE);
    ASSERT_TRUE(too_big.is_error());
    EXPECT_EQ(too_big.error(), 12);
    EXPECT_TRUE(s.space.populate(0x600000, PAGE).is_error()); // not mapped
}

TEST(AddressSpace, FramesThatHeldDataAreClearedWhenHandedOutAgain)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.populate(0x400000, 4 * PAGE).is_error());
    EXPECT_EQ(s.mapper.released.size(), 0u); // fresh frames are zero already
    ASSERT_FALSE(s.space.unmap(0x400000, 4 * PAGE).is_error());
    EXPECT_EQ(s.mapper.released.size(), 0u);
    ASSERT_FALSE(s.space.map_anonymous(0x800000, 4 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.populate(0x800000, 4 * PAGE).is_error());
    EXPECT_EQ(s.mapper.released.size(), 4u); // a page at a time
}

TEST(AddressSpace, DiscardFreesPrivatePagesAndKeepsTheMapping)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x500000, 4 * PAGE, RW, mm::RegionShared).is_error());
    s.touch(0x400000);
    s.touch(0x500000);
    EXPECT_EQ(s.used(), 8u);
    ASSERT_FALSE(s.space.discard(0x400000 + PAGE, 2 * PAGE).is_error());
    EXPECT_EQ(s.mapper.released.size(), 0u); // cleared when handed out again, not now
    EXPECT_EQ(s.mapper.pages.size(), 6u);
    EXPECT_EQ(s.used(), 6u);
    EXPECT_FALSE(s.space.is_backed(0x400000 + PAGE));
    EXPECT_TRUE(s.space.is_backed(0x400000 + 3 * PAGE));
    // Touching again gives a fresh page.
    s.touch(0x400000 + PAGE);
    EXPECT_TRUE(s.space.is_backed(0x400000 + PAGE));
    // Shared memory keeps its pages.
    ASSERT_FALSE(s.space.discard(0x500000, 4 * PAGE).is_error());
    EXPECT_TRUE(s.space.is_backed(0x500000));
    EXPECT_TRUE(s.space.discard(0x600000, PAGE).is_error());
}

TEST(AddressSpace, RemapGrowsInPlaceShrinksAndMovesFrames)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, RW).is_error());
    s.touch(0x400000);
    uint64_t frame = s.space.translate(0x400000 + PAGE).value();
    // Grow in place into free pages.
    auto grown = s.space.remap(0x400000, 4 * PAGE, 8 * PAGE, false, false, 0, 0x10000000);
    ASSERT_FALSE(grown.is_error());
    EXPECT_EQ(grown.value(), 0x400000u);
    EXPECT_EQ(s.space.region_count(), 1u);
    EXPECT_EQ(s.space.find(0x400000)->end, 0x400000 + 8 * PAGE);
    // Blocked: only with may_move, and then the frames go along.
    ASSERT_FALSE(s.space.map_anonymous(0x400000 + 8 * PAGE, PAGE, R).is_error());
    EXPECT_TRUE(s.space.remap(0x400000, 8 * PAGE, 16 * PAGE, false, false, 0, 0x10000000).is_error());
    auto moved = s.space.remap(0x400000, 8 * PAGE, 16 * PAGE, true, false, 0, 0x10000000);
    ASSERT_FALSE(moved.is_error());
    EXPECT_EQ(moved.value(), 0x10000000u - 16 * PAGE);
    EXPECT_EQ(s.space.translate(moved.value() + PAGE).value(), frame);
    EXPECT_EQ(s.mapper.pages[moved.value() + PAGE].frame, frame);
    EXPECT_FALSE(s.space.find(0x400000));
    EXPECT_FALSE(s.mapper.pages.count(0x400000 + PAGE));
    EXPECT_EQ(s.used(), 4u);
    // Shrink frees the tail.
    ASSERT_FALSE(s.space.remap(moved.value(), 16 * PAGE, 2 * PAGE, false, false, 0, 0).is_error());
    EXPECT_EQ(s.used(), 2u);
    // Fixed: to exactly the given place, replacing what was there.
    ASSERT_FALSE(s.space.map_anonymous(0x800000, 4 * PAGE, R).is_error());
    s.touch(0x800000, mm::Access::Read);
    auto fixed = s.space.remap(moved.value(), 2 * PAGE, 4 * PAGE, true, true, 0x800000, 0);
    ASSERT_FALSE(fixed.is_error());
    EXPECT_EQ(fixed.value(), 0x800000u);
    EXPECT_EQ(s.space.translate(0x800000 + PAGE).value(), frame);
    EXPECT_EQ(s.space.find(0x800000)->protection, RW);
    EXPECT_EQ(s.used(), 2u);
    // Not within one mapping, or overlapping a fixed target: refused.
    EXPECT_EQ(s.space.remap(0x800000, 8 * PAGE, 9 * PAGE, true, false, 0, 0x10000000).error(), 14);
    EXPECT_EQ(s.space.remap(0x800000, 2 * PAGE, 2 * PAGE, true, true, 0x801000, 0).error(), 22);
}

TEST(AddressSpace, GrowsDownRegionsExtendOnAFaultJustBelow)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, RW).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x800000, 4 * PAGE, RW, mm::RegionGrowsDown).is_error());
    s.touch(0x800000 - 3 * PAGE + 8);
    EXPECT_EQ(s.space.find(0x800000)->start, 0x800000 - 3 * PAGE);
    // Not into the region below, nor from far away.
    EXPECT_EQ(s.space.handle_fault(0x400000 + 4 * PAGE, mm::Access::Write), mm::FaultResult::Unmapped);
    EXPECT_EQ(s.space.handle_fault(0x300000, mm::Access::Write), mm::FaultResult::Unmapped);
}

TEST(AddressSpace, KernelAccessBacksWhateverTheProtection)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, NONE).is_error());
    auto pa = s.space.backed_physical(0x400000 + 2 * PAGE + 9, true);
    ASSERT_FALSE(pa.is_error());
    EXPECT_EQ(pa.value() & (PAGE - 1), 9u);
    EXPECT_EQ(s.mapper.pages[0x400000 + 2 * PAGE].protection, NONE);
    EXPECT_EQ(s.space.backed_physical(0x900000, false).error(), 14);
}

} // namespace
