// The kernel's printf, checked against the host C library's snprintf as the oracle.
#include <cstdio>
#include <gtest/gtest.h>
#include <kernel/format.h>

namespace {

#define EXPECT_SAME_AS_SNPRINTF(...)                                   \
    do {                                                               \
        char ours[128], theirs[128];                                   \
        size_t length = kernel::format(ours, sizeof(ours), __VA_ARGS__); \
        int expected = std::snprintf(theirs, sizeof(theirs), __VA_ARGS__); \
        EXPECT_STREQ(ours, theirs);                                    \
        EXPECT_EQ(length, static_cast<size_t>(expected));              \
    } while (0)

TEST(Format, MatchesSnprintf)
{
    EXPECT_SAME_AS_SNPRINTF("plain text");
    EXPECT_SAME_AS_SNPRINTF("%d %d %d", 0, -1, 2147483647);
    EXPECT_SAME_AS_SNPRINTF("%d", -2147483647 - 1);
    EXPECT_SAME_AS_SNPRINTF("%ld %lu", -9223372036854775807L - 1, 18446744073709551615UL);
    EXPECT_SAME_AS_SNPRINTF("%x %X %lx %o", 0xdeadbeefu, 0xabcu, 0x7f0000000000UL, 0777u);
    EXPECT_SAME_AS_SNPRINTF("[%5d] [%-5d] [%05d] [%-8s] [%8s]", 42, 42, 42, "ab", "ab");
    EXPECT_SAME_AS_SNPRINTF("[%.3s] [%.*s]", "abcdef", 2, "xyz");
    EXPECT_SAME_AS_SNPRINTF("%c%c %% %s", 'o', 'k', "done");
    EXPECT_SAME_AS_SNPRINTF("%zu", sizeof(long));
    EXPECT_SAME_AS_SNPRINTF("%p", reinterpret_cast<void*>(0x1234));
}

TEST(Format, TruncatesButCountsEverything)
{
    char small[6];
    EXPECT_EQ(kernel::format(small, sizeof(small), "%s", "abcdefgh"), 8u);
    EXPECT_STREQ(small, "abcde");
}

} // namespace
