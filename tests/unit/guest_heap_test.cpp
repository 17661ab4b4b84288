// The kernel heap, built for the host with pages from aligned_alloc.
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <mm/heap.h>
#include <set>

namespace {

int g_pages_out;

void* allocate_pages(uint64_t count)
{
    void* pages = std::aligned_alloc(4096, count * 4096);
    std::memset(pages, 0, count * 4096);
    g_pages_out += static_cast<int>(count);
    return pages;
}

void free_pages(void* pages, uint64_t count)
{
    g_pages_out -= static_cast<int>(count);
    std::free(pages);
}

void* no_pages(uint64_t) { return nullptr; }

TEST(Heap, AllocationsAreZeroedAlignedAndDistinct)
{
    mm::Heap heap;
    heap.initialize({ allocate_pages, free_pages });
    std::set<uintptr_t> seen;
    for (size_t size : { 1, 8, 15, 16, 17, 100, 500, 1000, 2000, 2032 }) {
        for (int i = 0; i < 20; ++i) {
            auto* p = static_cast<uint8_t*>(heap.allocate(size));
            ASSERT_NE(p, nullptr);
            EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
            for (size_t b = 0; b < size; ++b)
                ASSERT_EQ(p[b], 0) << size;
            std::memset(p, 0xab, size);
            EXPECT_TRUE(seen.insert(reinterpret_cast<uintptr_t>(p)).second);
        }
    }
}

TEST(Heap, FreedBlocksAreReusedAndZeroedAgain)
{
    mm::Heap heap;
    heap.initialize({ allocate_pages, free_pages });
    auto* a = static_cast<uint8_t*>(heap.allocate(64));
    std::memset(a, 0xff, 64);
    heap.free(a);
    auto* b = static_cast<uint8_t*>(heap.allocate(64));
    EXPECT_EQ(a, b);
    for (int i = 0; i < 64; ++i)
        EXPECT_EQ(b[i], 0);
}

TEST(Heap, LargeAllocationsTakeAndReturnWholePages)
{
    g_pages_out = 0;
    mm::Heap heap;
    heap.initialize({ allocate_pages, free_pages });
    void* big = heap.allocate(100000);
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(g_pages_out, 25); // 100000 + header bytes round up to 25 pages
    EXPECT_EQ(heap.pages_in_use(), 25u);
    heap.free(big);
    EXPECT_EQ(g_pages_out, 0);
    EXPECT_EQ(heap.pages_in_use(), 0u);
}

TEST(Heap, RunningOutGivesNull)
{
    mm::Heap heap;
    heap.initialize({ no_pages, free_pages });
    EXPECT_EQ(heap.allocate(10), nullptr);
    EXPECT_EQ(heap.allocate(10000), nullptr);
    EXPECT_EQ(heap.allocate(SIZE_MAX - 4), nullptr);
    heap.free(nullptr);
}

} // namespace
