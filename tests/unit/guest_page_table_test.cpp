// The kernel's software page table: lookups, clears, and the skip over empty subtrees.
#include <gtest/gtest.h>
#include <mm/page_table.h>

namespace {

TEST(PageTable, SetLookupClear)
{
    mm::PageTable table;
    EXPECT_EQ(table.lookup(0x400000), mm::PageTable::NO_FRAME);
    ASSERT_FALSE(table.set(0x400000, 0).is_error()); // frame 0 is a frame
    ASSERT_FALSE(table.set(0x7effff000000, 0x5000).is_error());
    EXPECT_EQ(table.lookup(0x400123), 0u);
    EXPECT_EQ(table.lookup(0x7effff000fff), 0x5000u);
    EXPECT_EQ(table.present_pages(), 2u);
    table.clear(0x400000);
    table.clear(0x900000); // absent: nothing
    EXPECT_EQ(table.lookup(0x400000), mm::PageTable::NO_FRAME);
    EXPECT_EQ(table.present_pages(), 1u);
}

TEST(PageTable, NextPresentSkipsEmptySpans)
{
    mm::PageTable table;
    EXPECT_EQ(table.next_present(0, 0x7f0000000000), 0x7f0000000000u);
    ASSERT_FALSE(table.set(0x123456000, 0x1000).is_error());
    ASSERT_FALSE(table.set(0x7effff000000, 0x2000).is_error());
    EXPECT_EQ(table.next_present(0, 0x7f0000000000), 0x123456000u);
    EXPECT_EQ(table.next_present(0x123456000, 0x7f0000000000), 0x123456000u);
    EXPECT_EQ(table.next_present(0x123457000, 0x7f0000000000), 0x7effff000000u);
    EXPECT_EQ(table.next_present(0x123457000, 0x200000000), 0x200000000u);
}

} // namespace
