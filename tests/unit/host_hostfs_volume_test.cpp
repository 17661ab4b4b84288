// Unit tests for -v/--volume parsing and the mount table the monitor hands the guest.
#include "cli/options.h"
#include "host/boot_info_writer.h"
#include "host/vm_error.h"

#include <gtest/gtest.h>

namespace {

using cli::VolumeOption;

TEST(ParseVolume, Forms)
{
    EXPECT_EQ(cli::parse_volume("-v", "/srv/data:/data"), (VolumeOption { "/srv/data", "/data", false }));
    EXPECT_EQ(cli::parse_volume("-v", "relative:/data:ro"), (VolumeOption { "relative", "/data", true }));
    EXPECT_EQ(cli::parse_volume("-v", "/a:/x//y/:rw"), (VolumeOption { "/a", "/x/y", false }));
}

TEST(ParseVolume, Mistakes)
{
    for (auto const* spec : { "/a", "/a:/b:ro:x", "/a:/b:xx", ":/b", "/a:b", "/a:", "/a:/", "/a:///", "/a:/b/../c", "/a:/./b" })
        EXPECT_THROW(cli::parse_volume("-v", spec), cli::UsageError) << spec;
    EXPECT_THROW(cli::parse_volume("-v", "/a:/" + std::string(255, 'x')), cli::UsageError);
    EXPECT_NO_THROW(cli::parse_volume("-v", "/a:/" + std::string(254, 'x')));
}

TEST(ParseVolume, InRunOptions)
{
    std::vector<std::string> args { "-v", "/a:/one", "--volume=/b:/two:ro", "-v/c:/three", "--volume", "/d:/four", "rootfs", "prog" };
    auto options = cli::parse_run_options(args);
    ASSERT_EQ(options.volumes.size(), 4u);
    EXPECT_EQ(options.volumes[1], (VolumeOption { "/b", "/two", true }));
    EXPECT_EQ(options.volumes[2].host_path, "/c");
    EXPECT_EQ(options.rootfs, "rootfs");
    std::vector<std::string> twice { "-v", "/a:/same", "-v", "/b:/same/", "rootfs", "prog" };
    EXPECT_THROW(cli::parse_run_options(twice), cli::UsageError);
    std::vector<std::string> missing { "-v" };
    EXPECT_THROW(cli::parse_run_options(missing), cli::UsageError);
}

TEST(MountTable, RootfsFirstThenVolumes)
{
    host::VmConfig config;
    config.volumes = { { "/srv/a", "/data", false }, { "/srv/b", "/ro", true } };
    auto table = host::mount_table(config);
    ASSERT_EQ(table.count, 3u);
    EXPECT_STREQ(table.entries[0].guest_path, "/");
    EXPECT_EQ(table.entries[0].flags, uint32_t(uabi::MountReadOnly));
    EXPECT_STREQ(table.entries[1].guest_path, "/data");
    EXPECT_EQ(table.entries[1].flags, 0u);
    EXPECT_STREQ(table.entries[2].guest_path, "/ro");
    EXPECT_EQ(table.entries[2].flags, uint32_t(uabi::MountReadOnly));

    config.volumes.assign(uabi::MOUNTS_MAX, { "/srv", "/v", false });
    EXPECT_THROW(host::mount_table(config), host::VmError);

    std::vector<uint8_t> ram(1 << 20);
    host::GuestMemory memory(ram.data(), ram.size());
    config.volumes = { { "/srv/a", "/data", false } };
    host::write_boot_info(memory, config);
    auto written = memory.read<uabi::MountTable>(uabi::MOUNTS_GPA);
    ASSERT_TRUE(written.has_value());
    EXPECT_EQ(written->count, 2u);
    EXPECT_STREQ(written->entries[1].guest_path, "/data");
}

} // namespace
