// Unit tests for the hostfs hypercalls that modify: what lands on the host on a read-write
// volume, and -EROFS with nothing changed on ROOTFS and read-only volumes.
#include "tests/unit/host_hostfs_fixture.h"

#include <errno.h>
#include <sys/sysmacros.h>

namespace hostfs_test {
namespace {

class HostFsModifyTest : public HostFsTest {
protected:
    int64_t create(int64_t directory, const std::string& name, uint32_t mode, uint32_t flags = 0,
        uabi::HostAttributes* attributes = nullptr)
    {
        uabi::HostCreateRequest request {};
        request.directory = directory;
        request.mode = mode;
        request.flags = flags;
        set_name(request.name, name);
        int64_t result = call(uabi::Hypercall::HostCreate, request);
        if (attributes)
            *attributes = request.attributes;
        return result < 0 ? result : request.handle;
    }

    int64_t make_directory(int64_t directory, const std::string& name, uint32_t mode)
    {
        uabi::HostCreateRequest request {};
        request.directory = directory;
        request.mode = mode;
        set_name(request.name, name);
        int64_t result = call(uabi::Hypercall::HostMakeDirectory, request);
        return result < 0 ? result : request.handle;
    }

    int64_t make_symlink(int64_t directory, const std::string& name, const std::string& target)
    {
        constexpr uabi::Gpa target_gpa = BUFFER_GPA + 0x8000;
        auto bytes = m_memory->bytes(target_gpa, target.size() + 1);
        memcpy(bytes.data(), target.c_str(), target.size() + 1);
        uabi::HostMakeSymlinkRequest request {};
        request.directory = directory;
        request.target = target_gpa;
        request.target_length = target.size() + 1;
        set_name(request.name, name);
        int64_t result = call(uabi::Hypercall::HostMakeSymlink, request);
        return result < 0 ? result : request.handle;
    }

    int64_t link(int64_t directory, const std::string& name, int64_t target)
    {
        uabi::HostLinkRequest request {};
        request.directory = directory;
        request.target = target;
        set_name(request.name, name);
        return call(uabi::Hypercall::HostLink, request);
    }

    int64_t remove(uabi::Hypercall number, int64_t directory, const std::string& name)
    {
        uabi::HostNameRequest request {};
        request.directory = directory;
        set_name(request.name, name);
        return call(number, request);
    }

    int64_t rename(int64_t directory, const std::string& name, int64_t new_directory, const std::string& new_name,
        uint32_t flags = 0)
    {
        uabi::HostRenameRequest request {};
        request.directory = directory;
        request.new_directory = new_directory;
        request.flags = flags;
        set_name(request.name, name);
        set_name(request.new_name, new_name);
        return call(uabi::Hypercall::HostRename, request);
    }

    int64_t truncate(int64_t handle, uint64_t size)
    {
        uabi::HostTruncateRequest request { handle, size, {} };
        return call(uabi::Hypercall::HostTruncate, request);
    }

    int64_t set_attributes(uabi::HostSetAttributesRequest& request)
    {
        return call(uabi::Hypercall::HostSetAttributes, request);
    }

    uint32_t host_mode(const std::string& relative) const
    {
        struct stat status {};
        return lstat(path(relative).c_str(), &status) == 0 ? status.st_mode : 0;
    }

    // Every modifying call on `directory`/`file` (both on a read-only mount) gives -EROFS.
    void expect_read_only(int64_t directory, int64_t file, const std::string& existing_name)
    {
        EXPECT_EQ(create(directory, "new", 0644), -EROFS);
        EXPECT_EQ(create(directory, existing_name, 0644), -EROFS);
        EXPECT_EQ(make_directory(directory, "new", 0755), -EROFS);
        EXPECT_EQ(make_symlink(directory, "new", "target"), -EROFS);
        EXPECT_EQ(link(directory, "new", file), -EROFS);
        EXPECT_EQ(remove(uabi::Hypercall::HostUnlink, directory, existing_name), -EROFS);
        EXPECT_EQ(remove(uabi::Hypercall::HostRemoveDirectory, directory, existing_name), -EROFS);
        EXPECT_EQ(rename(directory, existing_name, directory, "new"), -EROFS);
        EXPECT_EQ(write(file, "overwritten"), -EROFS);
        EXPECT_EQ(truncate(file, 0), -EROFS);
        uabi::HostSetAttributesRequest chmod {};
        chmod.handle = file;
        chmod.which = uabi::HostSetMode;
        chmod.mode = 0777;
        EXPECT_EQ(set_attributes(chmod), -EROFS);
        uabi::HostSetAttributesRequest touch {};
        touch.handle = file;
        touch.which = uabi::HostSetModifyTime;
        touch.mtime_nsec = UTIME_NOW;
        EXPECT_EQ(set_attributes(touch), -EROFS);
        EXPECT_FALSE(stopped());
    }
};

TEST_F(HostFsModifyTest, RootfsAndReadOnlyVolumesRefuseEveryChange)
{
    struct stat before {};
    ASSERT_EQ(stat(path("root/etc/hostname").c_str(), &before), 0);
    int64_t etc = lookup(root(ROOTFS), "etc");
    expect_read_only(etc, lookup(etc, "hostname"), "hostname");
    int64_t readonly = root(READ_ONLY_VOLUME);
    expect_read_only(readonly, lookup(readonly, "file"), "file");

    // Nothing changed.
    struct stat after {};
    ASSERT_EQ(stat(path("root/etc/hostname").c_str(), &after), 0);
    EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    EXPECT_EQ(before.st_mode, after.st_mode);
    EXPECT_EQ(read_host_file("root/etc/hostname"), "unikit\n");
    EXPECT_EQ(read_host_file("readonly/file"), "read-only data");
    EXPECT_FALSE(host_exists("root/etc/new"));
    EXPECT_FALSE(host_exists("readonly/new"));
    // Reading still works.
    EXPECT_EQ(read(lookup(etc, "hostname")), "unikit\n");
}

TEST_F(HostFsModifyTest, CreateWriteAndReadBack)
{
    int64_t volume = root(VOLUME);
    uabi::HostAttributes attributes {};
    int64_t file = create(volume, "created", 0640, uabi::HostCreateExclusive, &attributes);
    ASSERT_GE(file, 0);
    EXPECT_TRUE(S_ISREG(attributes.mode));
    EXPECT_EQ(attributes.mode & 07777, 0640u); // the monitor's umask does not apply
    EXPECT_EQ(host_mode("volume/created") & 07777, 0640u);
    EXPECT_EQ(write(file, "hello, host"), 11);
    EXPECT_EQ(write(file, "HOST", 7), 4);
    EXPECT_EQ(read_host_file("volume/created"), "hello, HOST");
    EXPECT_EQ(read(file), "hello, HOST");
    // Writes past the end leave a hole.
    EXPECT_EQ(write(file, "!", 20), 1);
    EXPECT_EQ(read(file).size(), 21u);

    EXPECT_EQ(create(volume, "created", 0644, uabi::HostCreateExclusive), -EEXIST);
    int64_t again = create(volume, "created", 0600);
    ASSERT_GE(again, 0);
    EXPECT_EQ(read(again, 0, 5), "hello");
    EXPECT_EQ(create(volume, "sub", 0644), -EISDIR);
    // An existing symlink is never followed by create, even a dangling one.
    EXPECT_EQ(create(volume, "escape", 0644), -EEXIST);
    EXPECT_EQ(create(volume, "escape", 0644, uabi::HostCreateExclusive), -EEXIST);
    EXPECT_EQ(read_host_file("outside"), "secret");
    // setuid and setgid never reach the host.
    ASSERT_GE(create(volume, "setuid", 06755), 0);
    EXPECT_EQ(host_mode("volume/setuid") & 07777, 0755u);
    EXPECT_EQ(create(volume, "bad-flags", 0644, 0x80), -EINVAL);
    EXPECT_EQ(create(volume, "a/b", 0644), -EINVAL);
}

TEST_F(HostFsModifyTest, TruncateAndSetAttributes)
{
    int64_t file = lookup(root(VOLUME), "file");
    uabi::HostTruncateRequest request { file, 6, {} };
    EXPECT_EQ(call(uabi::Hypercall::HostTruncate, request), 0);
    EXPECT_EQ(request.attributes.size, 6);
    EXPECT_EQ(read_host_file("volume/file"), "volume");
    EXPECT_EQ(truncate(file, uint64_t(INT64_MAX) + 1), -EINVAL);
    EXPECT_EQ(truncate(root(VOLUME), 0), -EISDIR);

    uabi::HostSetAttributesRequest change {};
    change.handle = file;
    change.which = uabi::HostSetMode | uabi::HostSetAccessTime | uabi::HostSetModifyTime | uabi::HostSetOwner;
    change.mode = 04600;
    change.uid = 12345;
    change.atime_sec = 1000;
    change.atime_nsec = 5;
    change.mtime_sec = 2000;
    change.mtime_nsec = 7;
    EXPECT_EQ(set_attributes(change), 0);
    EXPECT_EQ(change.attributes.mode & 07777, 0600u);
    EXPECT_EQ(change.attributes.mtime_sec, 2000);
    struct stat host {};
    ASSERT_EQ(stat(path("volume/file").c_str(), &host), 0);
    EXPECT_EQ(host.st_mode & 07777, 0600u);
    EXPECT_EQ(host.st_atim.tv_sec, 1000);
    EXPECT_EQ(host.st_atim.tv_nsec, 5);
    EXPECT_EQ(host.st_mtim.tv_sec, 2000);
    EXPECT_EQ(host.st_mtim.tv_nsec, 7);
    EXPECT_EQ(host.st_uid, getuid()); // owner accepted, not applied

    change.which = uabi::HostSetModifyTime;
    change.mtime_nsec = 1000000000;
    EXPECT_EQ(set_attributes(change), -EINVAL);
    change.which = 0x100;
    EXPECT_EQ(set_attributes(change), -EINVAL);

    // A symlink's times are its own; it has no mode of its own.
    uabi::HostSetAttributesRequest touch {};
    touch.handle = lookup(root(VOLUME), "escape");
    touch.which = uabi::HostSetModifyTime;
    touch.mtime_sec = 3000;
    EXPECT_EQ(set_attributes(touch), 0);
    struct stat outside {};
    ASSERT_EQ(stat(path("outside").c_str(), &outside), 0);
    EXPECT_NE(outside.st_mtim.tv_sec, 3000);
    touch.which = uabi::HostSetMode;
    EXPECT_EQ(set_attributes(touch), -EOPNOTSUPP);
}

TEST_F(HostFsModifyTest, DirectoriesSymlinksAndLinks)
{
    int64_t volume = root(VOLUME);
    int64_t directory = make_directory(volume, "made", 0700);
    ASSERT_GE(directory, 0);
    EXPECT_TRUE(S_ISDIR(host_mode("volume/made")));
    EXPECT_EQ(host_mode("volume/made") & 07777, 0700u);
    EXPECT_EQ(make_directory(volume, "made", 0700), -EEXIST);
    int64_t inner = create(directory, "inner", 0644);
    ASSERT_GE(inner, 0);
    EXPECT_TRUE(host_exists("volume/made/inner"));
    EXPECT_EQ(remove(uabi::Hypercall::HostRemoveDirectory, volume, "made"), -ENOTEMPTY);
    EXPECT_EQ(remove(uabi::Hypercall::HostUnlink, volume, "made"), -EISDIR);
    EXPECT_EQ(remove(uabi::Hypercall::HostUnlink, directory, "inner"), 0);
    EXPECT_EQ(remove(uabi::Hypercall::HostRemoveDirectory, volume, "made"), 0);
    EXPECT_FALSE(host_exists("volume/made"));

    int64_t symlink_handle = make_symlink(volume, "new-link", "../../outside");
    ASSERT_GE(symlink_handle, 0);
    char target[64] {};
    ASSERT_EQ(readlink(path("volume/new-link").c_str(), target, sizeof(target)), 13);
    EXPECT_STREQ(target, "../../outside");
    EXPECT_EQ(make_symlink(volume, "empty-link", ""), -ENOENT);

    // Hard links: of a file, of a symlink (as itself), never of a directory or across mounts.
    int64_t file = lookup(volume, "file");
    uabi::HostLinkRequest request {};
    request.directory = lookup(volume, "sub");
    request.target = file;
    set_name(request.name, "hard");
    EXPECT_EQ(call(uabi::Hypercall::HostLink, request), 0);
    EXPECT_EQ(request.attributes.nlink, 2u);
    EXPECT_EQ(read_host_file("volume/sub/hard"), "volume data");
    EXPECT_EQ(link(volume, "link-of-link", symlink_handle), 0);
    EXPECT_TRUE(S_ISLNK(host_mode("volume/link-of-link")));
    EXPECT_EQ(link(volume, "dir-link", lookup(volume, "sub")), -EPERM);
    EXPECT_EQ(link(volume, "cross", lookup(lookup(root(ROOTFS), "etc"), "hostname")), -EXDEV);
    EXPECT_FALSE(host_exists("volume/cross"));
}

TEST_F(HostFsModifyTest, Rename)
{
    int64_t volume = root(VOLUME);
    int64_t sub = lookup(volume, "sub");
    EXPECT_EQ(rename(volume, "file", sub, "moved"), 0);
    EXPECT_EQ(read_host_file("volume/sub/moved"), "volume data");
    EXPECT_FALSE(host_exists("volume/file"));
    write_file("volume/other", "other");
    EXPECT_EQ(rename(sub, "moved", volume, "other", uabi::HostRenameNoReplace), -EEXIST);
    EXPECT_EQ(rename(sub, "moved", volume, "other", uabi::HostRenameExchange), 0);
    EXPECT_EQ(read_host_file("volume/other"), "volume data");
    EXPECT_EQ(read_host_file("volume/sub/moved"), "other");
    EXPECT_EQ(rename(sub, "moved", volume, "x", uabi::HostRenameNoReplace | uabi::HostRenameExchange), -EINVAL);
    EXPECT_EQ(rename(volume, "sub", sub, "inside-itself"), -EINVAL);
    EXPECT_EQ(rename(volume, "other", volume, ".."), -EINVAL);
    EXPECT_EQ(rename(volume, "..", volume, "x"), -EINVAL);
    // Not across mounts, even when both are on one host file system.
    int64_t readonly = root(READ_ONLY_VOLUME);
    EXPECT_EQ(rename(volume, "other", readonly, "stolen"), -EROFS);
    EXPECT_EQ(rename(readonly, "file", volume, "stolen"), -EROFS);
    EXPECT_EQ(read_host_file("readonly/file"), "read-only data");
    m_hostfs.reset();
    m_config.volumes.push_back({ path("readonly"), "/second", false });
    m_hostfs = host::HostFsHandleTable::open_mounts(m_config);
    m_context->hostfs = m_hostfs.get();
    EXPECT_EQ(rename(root(VOLUME), "other", root(3), "moved"), -EXDEV);
    EXPECT_TRUE(host_exists("volume/other"));
}

TEST_F(HostFsModifyTest, IoIsForRegularFilesOnly)
{
    // A FIFO in a volume: the monitor neither opens it (it would block) nor writes it.
    ASSERT_EQ(mkfifo(path("volume/fifo").c_str(), 0644), 0);
    int64_t fifo = lookup(root(VOLUME), "fifo");
    ASSERT_GE(fifo, 0);
    EXPECT_EQ(read(fifo), "<errno " + std::to_string(EINVAL) + ">");
    EXPECT_EQ(write(fifo, "x"), -EINVAL);
    EXPECT_EQ(truncate(fifo, 0), -EINVAL);
    EXPECT_EQ(create(root(VOLUME), "fifo", 0644), -EEXIST);
    EXPECT_EQ(write(root(VOLUME), "x"), -EISDIR);
}

} // namespace
} // namespace hostfs_test
