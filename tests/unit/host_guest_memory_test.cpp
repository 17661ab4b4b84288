// Unit tests for host::GuestMemory, the one checked Gpa translator.
#include "host/guest_memory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdint.h>
#include <vector>

namespace {

struct Pair {
    uint32_t a;
    uint32_t b;
};

class GuestMemoryTest : public ::testing::Test {
protected:
    std::vector<uint8_t> m_backing = std::vector<uint8_t>(4096, 0);
    host::GuestMemory m_memory { m_backing.data(), m_backing.size() };
};

TEST_F(GuestMemoryTest, AcceptsRangesInside)
{
    EXPECT_EQ(m_memory.bytes(0, 4096).data(), m_backing.data());
    EXPECT_EQ(m_memory.bytes(4095, 1).data(), m_backing.data() + 4095);
    EXPECT_EQ(m_memory.bytes(100, 10).size(), 10u);
}

TEST_F(GuestMemoryTest, RejectsRangesPastTheEnd)
{
    EXPECT_EQ(m_memory.bytes(4096, 1).data(), nullptr);
    EXPECT_EQ(m_memory.bytes(4095, 2).data(), nullptr);
    EXPECT_EQ(m_memory.bytes(0, 4097).data(), nullptr);
    EXPECT_EQ(m_memory.bytes(1ull << 40, 1).data(), nullptr);
}

TEST_F(GuestMemoryTest, RejectsOverflowingRanges)
{
    EXPECT_EQ(m_memory.bytes(UINT64_MAX, 2).data(), nullptr);
    EXPECT_EQ(m_memory.bytes(16, UINT64_MAX).data(), nullptr);
    EXPECT_EQ(m_memory.bytes(UINT64_MAX - 7, 8).data(), nullptr);
    EXPECT_FALSE(m_memory.contains(1, UINT64_MAX));
}

TEST_F(GuestMemoryTest, EmptyRangesAtTheEdge)
{
    EXPECT_TRUE(m_memory.contains(4096, 0));
    EXPECT_FALSE(m_memory.contains(4097, 0));
    EXPECT_TRUE(m_memory.bytes(4096, 0).empty());
}

TEST_F(GuestMemoryTest, ObjectsMustFitAndBeAligned)
{
    EXPECT_NE(m_memory.object<Pair>(4096 - sizeof(Pair)), nullptr);
    EXPECT_EQ(m_memory.object<Pair>(4096 - sizeof(Pair) + 4), nullptr);
    EXPECT_EQ(m_memory.object<Pair>(2), nullptr);
    EXPECT_EQ(m_memory.object<Pair>(UINT64_MAX - 3), nullptr);
}

TEST_F(GuestMemoryTest, ReadAndWriteCopy)
{
    EXPECT_TRUE(m_memory.write<Pair>(8, { 1, 2 }));
    auto pair = m_memory.read<Pair>(8);
    ASSERT_TRUE(pair.has_value());
    EXPECT_EQ(pair->a, 1u);
    EXPECT_EQ(pair->b, 2u);
    EXPECT_TRUE(m_memory.read<Pair>(4093).has_value() == false);
    EXPECT_FALSE(m_memory.write<Pair>(4090, { 1, 2 }));
    // Unaligned copies are fine: they never form a misaligned pointer.
    EXPECT_TRUE(m_memory.read<Pair>(3).has_value());
}

TEST_F(GuestMemoryTest, ReadsBoundedStrings)
{
    memcpy(m_backing.data() + 100, "hello", 6);
    EXPECT_EQ(m_memory.read_string(100, 6), "hello");
    EXPECT_EQ(m_memory.read_string(100, 4096), "hello");
    // The NUL must lie within max_length.
    EXPECT_FALSE(m_memory.read_string(100, 5).has_value());
    EXPECT_FALSE(m_memory.read_string(100, 0).has_value());
    EXPECT_EQ(m_memory.read_string(105, 1), "");
}

TEST_F(GuestMemoryTest, StringsStopAtTheEndOfRam)
{
    memset(m_backing.data() + 4000, 'x', 96);
    EXPECT_FALSE(m_memory.read_string(4000, UINT64_MAX).has_value());
    EXPECT_FALSE(m_memory.read_string(4096, 10).has_value());
    EXPECT_FALSE(m_memory.read_string(UINT64_MAX, 10).has_value());
}

TEST(GuestMemoryRam, MemfdBackedRamIsZeroedAndShared)
{
    host::GuestMemory memory(16 << 20);
    EXPECT_EQ(memory.size(), 16u << 20);
    EXPECT_GE(memory.memfd(), 0);
    auto last = memory.bytes((16 << 20) - 1, 1);
    ASSERT_NE(last.data(), nullptr);
    EXPECT_EQ(last[0], 0);
    last[0] = 0x5a;
    uint8_t byte = 0;
    EXPECT_EQ(pread(memory.memfd(), &byte, 1, (16 << 20) - 1), 1);
    EXPECT_EQ(byte, 0x5a);
}

} // namespace

// -m is enforced on the host: the guest holds the memfd and may fallocate it (to release
// frames), but it cannot grow the file past -m, by any call, nor undo the seals.
TEST(GuestMemoryRam, MemfdCannotGrowPastItsSize)
{
    constexpr uint64_t SIZE = 1 << 20;
    host::GuestMemory memory(SIZE);
    int fd = memory.memfd();
    EXPECT_EQ(ftruncate(fd, SIZE * 2), -1);
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(fallocate(fd, 0, SIZE, 4096), -1);
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(pwrite(fd, "x", 1, SIZE), -1);
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
    struct stat status {};
    ASSERT_EQ(fstat(fd, &status), 0);
    EXPECT_EQ(static_cast<uint64_t>(status.st_size), SIZE);
    // What the guest does to release frames still works.
    EXPECT_EQ(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), 0);
    EXPECT_EQ(pwrite(fd, "x", 1, SIZE - 1), 1);
}
