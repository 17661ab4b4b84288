// Unit tests for hostfs's table of names missing from ROOTFS's directories.
#include "guest/fs/hostfs/missing_names.h"

#include <gtest/gtest.h>
#include <string>

namespace {

const void* directory(uintptr_t n) { return reinterpret_cast<const void*>((1ull << 62) | n); }

TEST(MissingNames, RemembersPerDirectoryAndName)
{
    EXPECT_FALSE(fs::missing_names::contains(directory(1), "absent.py"));
    fs::missing_names::add(directory(1), "absent.py");
    EXPECT_TRUE(fs::missing_names::contains(directory(1), "absent.py"));
    EXPECT_FALSE(fs::missing_names::contains(directory(2), "absent.py"));
    EXPECT_FALSE(fs::missing_names::contains(directory(1), "absent.p"));
    EXPECT_FALSE(fs::missing_names::contains(directory(1), "absent.pyc"));
}

TEST(MissingNames, LongNamesAreNotRemembered)
{
    std::string long_name(56, 'x');
    fs::missing_names::add(directory(3), long_name.c_str());
    EXPECT_FALSE(fs::missing_names::contains(directory(3), long_name.c_str()));
    std::string longest_kept(55, 'y');
    fs::missing_names::add(directory(3), longest_kept.c_str());
    EXPECT_TRUE(fs::missing_names::contains(directory(3), longest_kept.c_str()));
}

TEST(MissingNames, ANewerEntryReplacesAnOlderOneInItsSlot)
{
    // More names than slots: the earliest are forgotten (never wrongly kept), the last known.
    for (int i = 0; i < 5000; ++i)
        fs::missing_names::add(directory(4), ("name" + std::to_string(i)).c_str());
    EXPECT_TRUE(fs::missing_names::contains(directory(4), "name4999"));
    int remembered = 0;
    for (int i = 0; i < 5000; ++i)
        remembered += fs::missing_names::contains(directory(4), ("name" + std::to_string(i)).c_str());
    EXPECT_LE(remembered, 1024);
    EXPECT_GT(remembered, 0);
}

} // namespace
