// Unit tests for the boot information writer: BootInfo fields and the packed argv/envp.
#include "host/boot_info_writer.h"
#include "host/vm_error.h"

#include <gtest/gtest.h>
#include <vector>

namespace {

using Args = std::vector<std::string>;

TEST(PackArguments, NulTerminatedInOrder)
{
    auto packed = host::pack_arguments({ "ls", "-l" }, { "A=1" });
    ASSERT_TRUE(packed.has_value());
    EXPECT_EQ(*packed, std::string("ls\0-l\0A=1\0", 10));
    EXPECT_EQ(host::pack_arguments({ "" }, {}), std::string("\0", 1));
}

TEST(PackArguments, Limit)
{
    std::string fits(uabi::ARGS_MAX - 1, 'a');
    EXPECT_TRUE(host::pack_arguments({ fits }, {}).has_value());
    EXPECT_FALSE(host::pack_arguments({ fits + "a" }, {}).has_value());
    EXPECT_FALSE(host::pack_arguments({ fits }, { "" }).has_value());
    EXPECT_FALSE(host::pack_arguments({ std::string("a\0b", 3) }, {}).has_value());
}

TEST(WriteBootInfo, Fields)
{
    std::vector<uint8_t> ram(1 << 20, 0xee);
    host::GuestMemory memory(ram.data(), ram.size());
    host::VmConfig config;
    config.argv = { "prog", "arg" };
    config.envp = { "PATH=/bin", "HOME=/" };
    config.stats = true;
    config.log_level = uabi::LogLevel::Warn;
    host::write_boot_info(memory, config);

    auto info = memory.read<uabi::BootInfo>(uabi::BOOT_INFO_GPA);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->magic, uabi::BOOT_MAGIC);
    EXPECT_EQ(info->abi_version, uabi::UNIKIT_ABI_VERSION);
    EXPECT_EQ(info->ram_size, ram.size());
    EXPECT_TRUE(info->flags & uabi::BootStats);
    EXPECT_FALSE(info->flags & uabi::BootTrace);
    EXPECT_EQ(info->log_level, static_cast<uint32_t>(uabi::LogLevel::Warn));
    EXPECT_GT(info->wall_clock_sec, 1600000000);
    EXPECT_EQ(info->argc, 2u);
    EXPECT_EQ(info->envc, 2u);
    EXPECT_EQ(info->args_gpa, uabi::ARGS_GPA);
    std::string expected("prog\0arg\0PATH=/bin\0HOME=/\0", 26);
    EXPECT_EQ(info->args_length, expected.size());
    EXPECT_EQ(memcmp(ram.data() + uabi::ARGS_GPA, expected.data(), expected.size()), 0);
    EXPECT_NE(strnlen(info->kernel_release, sizeof(info->kernel_release)), 0u);
    EXPECT_LT(strnlen(info->kernel_release, sizeof(info->kernel_release)), sizeof(info->kernel_release));
}

TEST(WriteBootInfo, ArgumentListTooLong)
{
    std::vector<uint8_t> ram(1 << 20, 0);
    host::GuestMemory memory(ram.data(), ram.size());
    host::VmConfig config;
    config.argv = { "prog", std::string(uabi::ARGS_MAX, 'x') };
    try {
        host::write_boot_info(memory, config);
        FAIL();
    } catch (const host::VmError& error) {
        EXPECT_STREQ(error.what(), "argument list too long");
        EXPECT_EQ(error.exit_status(), 125);
    }
}

} // namespace
