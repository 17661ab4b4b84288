// Unit tests for the hostfs hypercalls that walk and read: handles, names, confinement, I/O,
// directories, and the checks on every guest address and length.
#include "tests/unit/host_hostfs_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <set>

namespace hostfs_test {
namespace {

TEST_F(HostFsTest, RootsAndLookupsCarryAttributes)
{
    uabi::HostAttributes attributes {};
    int64_t root_handle = root(ROOTFS, &attributes);
    ASSERT_GE(root_handle, 0);
    EXPECT_TRUE(S_ISDIR(attributes.mode));
    int64_t etc = lookup(root_handle, "etc", &attributes);
    ASSERT_GE(etc, 0);
    EXPECT_TRUE(S_ISDIR(attributes.mode));
    int64_t hostname = lookup(etc, "hostname", &attributes);
    ASSERT_GE(hostname, 0);
    EXPECT_TRUE(S_ISREG(attributes.mode));
    EXPECT_EQ(attributes.size, 7);
    struct stat host {};
    ASSERT_EQ(stat(path("root/etc/hostname").c_str(), &host), 0);
    EXPECT_EQ(attributes.ino, host.st_ino);
    EXPECT_EQ(read(hostname), "unikit\n");
    EXPECT_EQ(read(hostname, 3), "kit\n");
    EXPECT_EQ(read(hostname, 100), "");

    uabi::HostGetAttributesRequest get { hostname, {} };
    EXPECT_EQ(call(uabi::Hypercall::HostGetAttributes, get), 0);
    EXPECT_EQ(get.attributes.ino, host.st_ino);

    EXPECT_EQ(lookup(etc, "missing"), -ENOENT);
    EXPECT_EQ(lookup(hostname, "x"), -ENOTDIR);
    EXPECT_EQ(root(3), -ENOENT);
    EXPECT_EQ(m_hostfs->mount_count(), 3u);
}

TEST_F(HostFsTest, BadNamesAreRefused)
{
    int64_t root_handle = root(ROOTFS);
    ASSERT_GE(root_handle, 0);
    for (auto const* name : { "", ".", "..", "etc/hostname", "/etc", "etc/" })
        EXPECT_EQ(lookup(root_handle, name), -EINVAL) << '"' << name << '"';
    EXPECT_EQ(lookup(root_handle, std::string(255, 'a')), -ENOENT);
    // 256 bytes leave no room for the NUL.
    EXPECT_EQ(lookup(root_handle, std::string(256, 'a')), -ENAMETOOLONG);
    EXPECT_FALSE(stopped());
}

TEST_F(HostFsTest, SymlinksAreNeverFollowed)
{
    int64_t root_handle = root(ROOTFS);
    for (auto const* name : { "escape", "absolute", "relative", "magic" }) {
        uabi::HostAttributes attributes {};
        int64_t link = lookup(root_handle, name, &attributes);
        ASSERT_GE(link, 0) << name;
        EXPECT_TRUE(S_ISLNK(attributes.mode)) << name;
        // A symlink's handle is neither a directory nor a file.
        EXPECT_EQ(lookup(link, "outside"), -ENOTDIR) << name;
        EXPECT_EQ(read(link), "<errno " + std::to_string(EINVAL) + ">") << name;
        uabi::HostIoRequest list { link, BUFFER_GPA, 4096, 0 };
        EXPECT_EQ(call(uabi::Hypercall::HostReadDirectory, list), -ENOTDIR) << name;
    }
    uabi::HostReadLinkRequest read_link { lookup(root_handle, "escape"), BUFFER_GPA, 64 };
    EXPECT_EQ(call(uabi::Hypercall::HostReadLink, read_link), 10);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(m_memory->bytes(BUFFER_GPA, 10).data()), 10), "../outside");
    // A short buffer gets the start, and the full length.
    read_link.length = 3;
    memset(m_memory->bytes(BUFFER_GPA, 4).data(), 'x', 4);
    EXPECT_EQ(call(uabi::Hypercall::HostReadLink, read_link), 10);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(m_memory->bytes(BUFFER_GPA, 4).data()), 4), "../x");
    uabi::HostReadLinkRequest not_link { root_handle, BUFFER_GPA, 64 };
    EXPECT_EQ(call(uabi::Hypercall::HostReadLink, not_link), -EINVAL);
}

TEST_F(HostFsTest, NothingOutsideTheMountIsReachable)
{
    // The guest has no name for outside: ".." is refused, symlinks are not followed, and a
    // mount's root handle gives no way up.
    for (uint32_t mount : { ROOTFS, VOLUME, READ_ONLY_VOLUME }) {
        int64_t root_handle = root(mount);
        ASSERT_GE(root_handle, 0);
        EXPECT_EQ(lookup(root_handle, ".."), -EINVAL);
        EXPECT_EQ(lookup(root_handle, "outside"), -ENOENT);
    }
    int64_t volume = root(VOLUME);
    int64_t slash = lookup(volume, "slash");
    ASSERT_GE(slash, 0);
    EXPECT_EQ(lookup(slash, "etc"), -ENOTDIR);
    EXPECT_FALSE(stopped());
}

TEST_F(HostFsTest, DirectoriesListAsDirent64)
{
    int64_t root_handle = root(ROOTFS);
    std::set<std::string> names;
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 100; ++rounds) {
        // A small buffer: several calls, each continuing from the last record's d_off.
        uabi::HostIoRequest request { root_handle, BUFFER_GPA, 64, cookie };
        int64_t got = call(uabi::Hypercall::HostReadDirectory, request);
        ASSERT_GE(got, 0);
        if (got == 0)
            break;
        auto bytes = m_memory->bytes(BUFFER_GPA, static_cast<uint64_t>(got));
        for (size_t at = 0; at < bytes.size();) {
            auto* record = reinterpret_cast<const dirent64*>(bytes.data() + at);
            names.insert(record->d_name);
            cookie = static_cast<uint64_t>(record->d_off);
            at += record->d_reclen;
        }
    }
    EXPECT_EQ(names, (std::set<std::string> { ".", "..", "etc", "escape", "absolute", "relative", "magic" }));
    uabi::HostIoRequest file { lookup(lookup(root_handle, "etc"), "hostname"), BUFFER_GPA, 4096, 0 };
    EXPECT_EQ(call(uabi::Hypercall::HostReadDirectory, file), -ENOTDIR);
    uabi::HostIoRequest read_directory { root_handle, BUFFER_GPA, 4096, 0 };
    EXPECT_EQ(call(uabi::Hypercall::HostRead, read_directory), -EISDIR);
}

TEST_F(HostFsTest, HandlesAreReleasedAndChecked)
{
    int64_t first = root(ROOTFS);
    int64_t second = lookup(first, "etc");
    EXPECT_EQ(m_hostfs->open_count(), 2u);
    EXPECT_EQ(release(second), 0);
    EXPECT_EQ(release(second), -EBADF);
    EXPECT_EQ(lookup(second, "hostname"), -EBADF);
    EXPECT_EQ(lookup(first, "etc"), second); // reused
    for (int64_t bad : { int64_t(-1), int64_t(4096), INT64_MAX, INT64_MIN }) {
        EXPECT_EQ(release(bad), -EBADF);
        EXPECT_EQ(lookup(bad, "etc"), -EBADF);
        EXPECT_EQ(read(bad), "<errno " + std::to_string(EBADF) + ">");
    }
    EXPECT_FALSE(stopped());
}

TEST_F(HostFsTest, TableFillsUp)
{
    int64_t first = root(ROOTFS);
    for (size_t index = 1; index < host::HostFsHandleTable::MAX_HANDLES; ++index)
        ASSERT_GE(lookup(first, "etc"), 0);
    EXPECT_EQ(lookup(first, "etc"), -EMFILE);
    EXPECT_EQ(root(VOLUME), -EMFILE);
    EXPECT_EQ(release(first), 0);
    EXPECT_GE(root(VOLUME), 0);
}

TEST_F(HostFsTest, ReadsWithoutTheMemfdFallBackToPread)
{
    // Caller-owned RAM has no memfd: the sendfile path is skipped.
    std::vector<uint8_t> ram(1 << 20);
    host::GuestMemory memory(ram.data(), ram.size());
    host::VmContext context { m_config, memory, m_platform, m_stats, {}, {} };
    context.hostfs = m_hostfs.get();
    int64_t file = lookup(root(VOLUME), "file");
    uabi::HostIoRequest request { file, BUFFER_GPA, 100, 7 };
    ASSERT_TRUE(memory.write(REQUEST_GPA, request));
    EXPECT_EQ(host::dispatch_hypercall(context, static_cast<uint64_t>(uabi::Hypercall::HostRead), REQUEST_GPA), 4);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(ram.data() + BUFFER_GPA), 4), "data");
}

TEST_F(HostFsTest, OutOfRangeAddressesStopTheVm)
{
    int64_t root_handle = root(ROOTFS);
    int64_t file = lookup(lookup(root_handle, "etc"), "hostname");
    ASSERT_FALSE(stopped());

    // Request structs that do not lie in RAM.
    for (uabi::Gpa bad : { RAM_SIZE, RAM_SIZE - 4, uint64_t(-1), uint64_t(-4096) }) {
        for (auto number : { uabi::Hypercall::HostRoot, uabi::Hypercall::HostLookup, uabi::Hypercall::HostGetAttributes,
                 uabi::Hypercall::HostReadLink, uabi::Hypercall::HostRead, uabi::Hypercall::HostReadDirectory,
                 uabi::Hypercall::HostRelease, uabi::Hypercall::HostCreate, uabi::Hypercall::HostWrite,
                 uabi::Hypercall::HostTruncate, uabi::Hypercall::HostMakeDirectory, uabi::Hypercall::HostMakeSymlink,
                 uabi::Hypercall::HostLink, uabi::Hypercall::HostUnlink, uabi::Hypercall::HostRemoveDirectory,
                 uabi::Hypercall::HostRename, uabi::Hypercall::HostSetAttributes }) {
            host::dispatch_hypercall(*m_context, static_cast<uint64_t>(number), bad);
            EXPECT_TRUE(stopped()) << host::hypercall_name(static_cast<uint64_t>(number)) << " at " << bad;
        }
    }

    // Buffers that leave RAM, wrap around, or are too long.
    struct Range {
        uabi::Gpa gpa;
        uint64_t length;
    };
    for (auto range : { Range { RAM_SIZE, 1 }, Range { RAM_SIZE - 1, 2 }, Range { 0, RAM_SIZE + 1 }, Range { uint64_t(-1), 2 },
             Range { 4096, uint64_t(-4096) }, Range { 4096, UINT64_MAX } }) {
        uabi::HostIoRequest read_request { file, range.gpa, range.length, 0 };
        call(uabi::Hypercall::HostRead, read_request);
        EXPECT_TRUE(stopped()) << "HostRead " << range.gpa << "+" << range.length;
        uabi::HostIoRequest list { root_handle, range.gpa, range.length, 0 };
        call(uabi::Hypercall::HostReadDirectory, list);
        EXPECT_TRUE(stopped()) << "HostReadDirectory " << range.gpa << "+" << range.length;
        uabi::HostIoRequest write_request { lookup(root(VOLUME), "file"), range.gpa, range.length, 0 };
        call(uabi::Hypercall::HostWrite, write_request);
        EXPECT_TRUE(stopped()) << "HostWrite " << range.gpa << "+" << range.length;
        uabi::HostReadLinkRequest read_link { lookup(root_handle, "escape"), range.gpa, range.length };
        call(uabi::Hypercall::HostReadLink, read_link);
        EXPECT_TRUE(stopped()) << "HostReadLink " << range.gpa << "+" << range.length;
        uabi::HostMakeSymlinkRequest symlink_request {};
        symlink_request.directory = root(VOLUME);
        symlink_request.target = range.gpa;
        symlink_request.target_length = range.length;
        set_name(symlink_request.name, "new-link");
        call(uabi::Hypercall::HostMakeSymlink, symlink_request);
        EXPECT_TRUE(stopped()) << "HostMakeSymlink " << range.gpa << "+" << range.length;
    }
    EXPECT_FALSE(host_exists("volume/new-link"));
    EXPECT_EQ(read_host_file("volume/file"), "volume data");

    // A bad handle with a bad buffer still stops: the addresses are checked first.
    uabi::HostIoRequest both_bad { 999, RAM_SIZE, 16, 0 };
    call(uabi::Hypercall::HostRead, both_bad);
    EXPECT_TRUE(stopped());
    // Offsets past INT64_MAX are refused, not stopped.
    uabi::HostIoRequest far { file, BUFFER_GPA, 16, uint64_t(INT64_MAX) + 1 };
    EXPECT_EQ(call(uabi::Hypercall::HostRead, far), -EINVAL);
    EXPECT_FALSE(stopped());
}

TEST_F(HostFsTest, WithoutHostFsTheCallsAreNotImplemented)
{
    m_context->hostfs = nullptr;
    EXPECT_EQ(root(ROOTFS), -ENOSYS);
    EXPECT_EQ(lookup(0, "etc"), -ENOSYS);
    EXPECT_FALSE(stopped());
}

} // namespace
} // namespace hostfs_test
