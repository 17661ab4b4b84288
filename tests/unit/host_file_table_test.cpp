// Unit tests for host::HostFileTable: handles, and opens confined beneath ROOTFS.
#include "host/host_file_table.h"

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

class HostFileTableTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/unikit-file-table-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        m_base = pattern;
        // base/outside is a secret; base/root is ROOTFS.
        write_file(m_base + "/outside", "secret");
        ASSERT_EQ(mkdir((m_base + "/root").c_str(), 0755), 0);
        ASSERT_EQ(mkdir((m_base + "/root/etc").c_str(), 0755), 0);
        write_file(m_base + "/root/etc/inside", "inside");
        ASSERT_EQ(symlink("/etc/inside", (m_base + "/root/absolute").c_str()), 0);
        ASSERT_EQ(symlink("../../outside", (m_base + "/root/etc/escape").c_str()), 0);
        ASSERT_EQ(symlink((m_base + "/outside").c_str(), (m_base + "/root/host-absolute").c_str()), 0);
        ASSERT_EQ(symlink("/proc/self/root/etc/hostname", (m_base + "/root/magic").c_str()), 0);
        int dirfd = open((m_base + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        ASSERT_GE(dirfd, 0);
        m_table = std::make_unique<host::HostFileTable>(dirfd);
    }

    void TearDown() override
    {
        m_table.reset();
        std::string command = "rm -rf '" + m_base + "'";
        (void)system(command.c_str());
    }

    static void write_file(const std::string& path, const char* text)
    {
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(write(fd, text, strlen(text)), static_cast<ssize_t>(strlen(text)));
        close(fd);
    }

    std::string read_handle(int64_t handle)
    {
        char buffer[64] {};
        ssize_t got = pread(m_table->fd(handle), buffer, sizeof(buffer) - 1, 0);
        return got < 0 ? std::string("error") : std::string(buffer, static_cast<size_t>(got));
    }

    std::string m_base;
    std::unique_ptr<host::HostFileTable> m_table;
};

TEST_F(HostFileTableTest, OpensInsideRootfs)
{
    int64_t handle = m_table->open("/etc/inside");
    ASSERT_GE(handle, 0);
    EXPECT_EQ(read_handle(handle), "inside");
    EXPECT_EQ(read_handle(m_table->open("etc/inside")), "inside");
    EXPECT_EQ(read_handle(m_table->open("/absolute")), "inside");
}

TEST_F(HostFileTableTest, NothingEscapes)
{
    // ".." and absolute symlinks stop at ROOTFS, as in a chroot: outside is simply not there.
    EXPECT_EQ(m_table->open("/../outside"), -ENOENT);
    EXPECT_EQ(m_table->open("../../outside"), -ENOENT);
    EXPECT_EQ(m_table->open("/etc/escape"), -ENOENT);
    EXPECT_EQ(m_table->open("/host-absolute"), -ENOENT);
    EXPECT_LT(m_table->open("/magic"), 0);
    EXPECT_EQ(m_table->open_count(), 0u);
}

TEST_F(HostFileTableTest, HandlesAreReusedAndChecked)
{
    int64_t first = m_table->open("/etc/inside");
    int64_t second = m_table->open("/etc/inside");
    EXPECT_EQ(first, 0);
    EXPECT_EQ(second, 1);
    EXPECT_EQ(m_table->close(first), 0);
    EXPECT_EQ(m_table->close(first), -EBADF);
    EXPECT_EQ(m_table->open("/etc/inside"), first);
    EXPECT_EQ(m_table->fd(-1), -1);
    EXPECT_EQ(m_table->fd(1000), -1);
    EXPECT_EQ(m_table->close(-5), -EBADF);
    EXPECT_EQ(m_table->close(INT64_MAX), -EBADF);
}

TEST_F(HostFileTableTest, TableFillsUp)
{
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < host::HostFileTable::MAX_FILES + 64)
        GTEST_SKIP() << "RLIMIT_NOFILE too low";
    for (size_t index = 0; index < host::HostFileTable::MAX_FILES; ++index)
        ASSERT_EQ(m_table->open("/etc/inside"), static_cast<int64_t>(index));
    EXPECT_EQ(m_table->open("/etc/inside"), -EMFILE);
}

} // namespace
