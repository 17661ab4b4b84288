// Address spaces, built for the host, against a page mapper that models the page tables as a
// map from page to (frame, protection).
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
};

struct Space {
    Space(uint64_t frames = 1024) : bitmap(mm::FrameAllocator::bitmap_words(frames)), regions(64)
    {
        allocator.initialize(bitmap.data(), 0x200000, frames);
    }
    std::vector<uint64_t> bitmap;
    std::vector<mm::Region> regions;
    mm::FrameAllocator allocator;
    ModelMapper mapper;
    mm::AddressSpace space { mapper, allocator, regions.data(), regions.size(), LOW, HIGH };
};

TEST(AddressSpace, MapsFreshFramesAndTranslates)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, 3).is_error());
    EXPECT_EQ(s.mapper.pages.size(), 4u);
    auto pa = s.space.translate(0x400000 + PAGE + 5);
    ASSERT_FALSE(pa.is_error());
    EXPECT_EQ(pa.value(), s.mapper.pages[0x400000 + PAGE].frame + 5);
    EXPECT_TRUE(s.space.translate(0x400000 + 4 * PAGE).is_error());
    EXPECT_EQ(s.allocator.free_frames(), 1020u);
    // Overlap and misalignment are refused.
    EXPECT_TRUE(s.space.map_anonymous(0x400000 + PAGE, PAGE, 3).is_error());
    EXPECT_TRUE(s.space.map_anonymous(0x500001, PAGE, 3).is_error());
}

TEST(AddressSpace, UnmapSplitsAndFreesOnlyTheMiddle)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 10 * PAGE, 3).is_error());
    ASSERT_FALSE(s.space.unmap(0x400000 + 3 * PAGE, 2 * PAGE).is_error());
    EXPECT_EQ(s.space.region_count(), 2u);
    EXPECT_EQ(s.mapper.pages.size(), 8u);
    EXPECT_EQ(s.mapper.released.size(), 2u);
    EXPECT_EQ(s.allocator.free_frames(), 1024u - 8);
    EXPECT_TRUE(s.space.translate(0x400000 + 3 * PAGE).is_error());
    EXPECT_FALSE(s.space.translate(0x400000 + 5 * PAGE).is_error());
    // Unmapping holes is fine; a length is rounded up to pages.
    ASSERT_FALSE(s.space.unmap(0x300000, 0x200000 + 1).is_error());
    EXPECT_EQ(s.space.region_count(), 0u);
    EXPECT_EQ(s.allocator.free_frames(), 1024u);
}

TEST(AddressSpace, ProtectSplitsRegionsAndNeedsEveryPageMapped)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 6 * PAGE, 3).is_error());
    ASSERT_FALSE(s.space.protect(0x400000 + 2 * PAGE, 2 * PAGE, 1).is_error());
    EXPECT_EQ(s.space.region_count(), 3u);
    EXPECT_EQ(s.mapper.pages[0x400000 + PAGE].protection, 3);
    EXPECT_EQ(s.mapper.pages[0x400000 + 2 * PAGE].protection, 1);
    EXPECT_EQ(s.mapper.pages[0x400000 + 4 * PAGE].protection, 3);
    auto result = s.space.protect(0x400000 + 5 * PAGE, 2 * PAGE, 0);
    ASSERT_TRUE(result.is_error());
    EXPECT_EQ(result.error(), 12); // ENOMEM, as Linux
    EXPECT_EQ(s.mapper.pages[0x400000 + 5 * PAGE].protection, 3);
}

TEST(AddressSpace, FindsFreeRangesTopDown)
{
    Space s;
    auto first = s.space.find_free_range(4 * PAGE, 0x800000);
    ASSERT_FALSE(first.is_error());
    EXPECT_EQ(first.value(), 0x800000 - 4 * PAGE);
    ASSERT_FALSE(s.space.map_anonymous(first.value(), 4 * PAGE, 3).is_error());
    ASSERT_FALSE(s.space.map_anonymous(0x700000, 0x7fb000 - 0x700000, 3).is_error());
    // The gap between them is one page: a two-page request must go below 0x700000.
    EXPECT_EQ(s.space.find_free_range(PAGE, 0x800000).value(), 0x7fb000u);
    EXPECT_EQ(s.space.find_free_range(2 * PAGE, 0x800000).value(), 0x700000u - 2 * PAGE);
    EXPECT_TRUE(s.space.find_free_range(HIGH, HIGH).is_error());
    EXPECT_TRUE(s.space.find_free_range(PAGE + 1, HIGH).is_error());
}

TEST(AddressSpace, SplitsAcrossFragmentedFramesAndRollsBackWhenOut)
{
    Space s(64);
    std::vector<uint64_t> singles;
    for (int i = 0; i < 64; ++i)
        singles.push_back(s.allocator.allocate(1).value());
    for (int i = 0; i < 64; i += 2)
        s.allocator.free(singles[i], 1);
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 8 * PAGE, 3).is_error());
    EXPECT_EQ(s.space.region_count(), 8u);
    EXPECT_EQ(s.mapper.pages.size(), 8u);
    auto too_big = s.space.map_anonymous(0x500000, 30 * PAGE, 3);
    ASSERT_TRUE(too_big.is_error());
    EXPECT_EQ(too_big.error(), 12);
    EXPECT_EQ(s.mapper.pages.size(), 8u);
    EXPECT_EQ(s.allocator.free_frames(), 24u);
}

TEST(AddressSpace, DiscardReleasesContentsButKeepsTheMapping)
{
    Space s;
    ASSERT_FALSE(s.space.map_anonymous(0x400000, 4 * PAGE, 3).is_error());
    s.space.discard(0x400000 + PAGE, 2 * PAGE);
    EXPECT_EQ(s.mapper.released.size(), 2u);
    EXPECT_EQ(s.mapper.pages.size(), 4u);
    EXPECT_EQ(s.allocator.free_frames(), 1020u);
}

} // namespace
