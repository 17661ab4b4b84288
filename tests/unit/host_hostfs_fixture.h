// A monitor without a guest for the hostfs hypercall tests: guest RAM, a VmContext over a
// temporary ROOTFS and volumes, and requests staged in RAM and dispatched by number.
#pragma once

#include "host/guest_platform.h"
#include "host/hostfs_handle_table.h"
#include "host/hypercall_table.h"
#include "host/vm_context.h"

#include <abi/boot_info.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <memory>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace hostfs_test {

class NoPlatform final : public host::GuestPlatform {
public:
    int run() override { return 0; }
    void terminate() override { }
};

// Mount 0: base/root (ROOTFS, read-only); 1: base/volume at /data (read-write);
// 2: base/readonly at /ro (read-only). base/outside is a secret none of them may reach.
class HostFsTest : public ::testing::Test {
protected:
    static constexpr uint64_t RAM_SIZE = 4 << 20;
    static constexpr uabi::Gpa REQUEST_GPA = uabi::HYPERCALL_PAGE_GPA;
    static constexpr uabi::Gpa BUFFER_GPA = uabi::BOUNCE_BUFFER_GPA;
    static constexpr uint32_t ROOTFS = 0, VOLUME = 1, READ_ONLY_VOLUME = 2;

    void SetUp() override
    {
        char pattern[] = "/tmp/unikit-hostfs-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        m_base = pattern;
        write_file("outside", "secret");
        for (auto const* directory : { "root", "root/etc", "volume", "volume/sub", "readonly" })
            ASSERT_EQ(mkdir(path(directory).c_str(), 0755), 0);
        write_file("root/etc/hostname", "unikit\n");
        write_file("volume/file", "volume data");
        write_file("readonly/file", "read-only data");
        ASSERT_EQ(symlink("../outside", path("root/escape").c_str()), 0);
        ASSERT_EQ(symlink(path("outside").c_str(), path("root/absolute").c_str()), 0);
        ASSERT_EQ(symlink("etc/hostname", path("root/relative").c_str()), 0);
        ASSERT_EQ(symlink("/proc/self/root", path("root/magic").c_str()), 0);
        ASSERT_EQ(symlink("../outside", path("volume/escape").c_str()), 0);
        ASSERT_EQ(symlink("/", path("volume/slash").c_str()), 0);

        m_config.rootfs = path("root");
        m_config.volumes = { { path("volume"), "/data", false }, { path("readonly"), "/ro", true } };
        m_hostfs = host::HostFsHandleTable::open_mounts(m_config);
        m_memory = std::make_unique<host::GuestMemory>(RAM_SIZE);
        m_context = std::make_unique<host::VmContext>(host::VmContext { m_config, *m_memory, m_platform, m_stats, {}, {} });
        m_context->hostfs = m_hostfs.get();
    }

    void TearDown() override
    {
        m_context.reset();
        m_hostfs.reset();
        std::string command = "rm -rf '" + m_base + "'";
        (void)system(command.c_str());
    }

    std::string path(const std::string& relative) const { return m_base + "/" + relative; }

    void write_file(const std::string& relative, const std::string& text)
    {
        int fd = open(path(relative).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
        close(fd);
    }

    std::string read_host_file(const std::string& relative) const
    {
        int fd = open(path(relative).c_str(), O_RDONLY);
        if (fd < 0)
            return "<missing>";
        char buffer[256];
        ssize_t got = ::read(fd, buffer, sizeof(buffer));
        close(fd);
        return got < 0 ? "<error>" : std::string(buffer, static_cast<size_t>(got));
    }

    bool host_exists(const std::string& relative) const
    {
        struct stat status {};
        return lstat(path(relative).c_str(), &status) == 0;
    }

    // Stages request at gpa, runs hypercall `number` and copies the answer back.
    template<typename Request>
    int64_t call(uabi::Hypercall number, Request& request, uabi::Gpa gpa = REQUEST_GPA)
    {
        EXPECT_TRUE(m_memory->write(gpa, request));
        int64_t result = host::dispatch_hypercall(*m_context, static_cast<uint64_t>(number), gpa);
        if (auto answer = m_memory->read<Request>(gpa))
            request = *answer;
        return result;
    }

    // Whether the last call stopped the VM as malformed (and clears that for the next test step).
    bool stopped()
    {
        bool was = m_context->exit_status.has_value();
        m_context->exit_status.reset();
        m_context->exit_message.clear();
        return was;
    }

    template<size_t N>
    static void set_name(char (&field)[N], const std::string& name)
    {
        memset(field, 0, N);
        memcpy(field, name.data(), std::min(name.size(), N));
    }

    int64_t root(uint32_t mount, uabi::HostAttributes* attributes = nullptr)
    {
        uabi::HostRootRequest request {};
        request.mount = mount;
        int64_t result = call(uabi::Hypercall::HostRoot, request);
        if (attributes)
            *attributes = request.attributes;
        return result < 0 ? result : request.handle;
    }

    int64_t lookup(int64_t directory, const std::string& name, uabi::HostAttributes* attributes = nullptr)
    {
        uabi::HostLookupRequest request {};
        request.directory = directory;
        set_name(request.name, name);
        int64_t result = call(uabi::Hypercall::HostLookup, request);
        if (attributes)
            *attributes = request.attributes;
        return result < 0 ? result : request.handle;
    }

    // Reads a whole (small) file through HostRead.
    std::string read(int64_t handle, uint64_t offset = 0, uint64_t length = 4096)
    {
        uabi::HostIoRequest request { handle, BUFFER_GPA, length, offset };
        int64_t got = call(uabi::Hypercall::HostRead, request);
        if (got < 0)
            return "<errno " + std::to_string(-got) + ">";
        auto bytes = m_memory->bytes(BUFFER_GPA, static_cast<uint64_t>(got));
        return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }

    int64_t write(int64_t handle, const std::string& data, uint64_t offset = 0)
    {
        auto bytes = m_memory->bytes(BUFFER_GPA, data.size());
        memcpy(bytes.data(), data.data(), data.size());
        uabi::HostIoRequest request { handle, BUFFER_GPA, data.size(), offset };
        return call(uabi::Hypercall::HostWrite, request);
    }

    int64_t release(int64_t handle)
    {
        uabi::HostReleaseRequest request { handle };
        return call(uabi::Hypercall::HostRelease, request);
    }

    std::string m_base;
    host::VmConfig m_config;
    NoPlatform m_platform;
    host::VmStats m_stats;
    std::unique_ptr<host::HostFsHandleTable> m_hostfs;
    std::unique_ptr<host::GuestMemory> m_memory;
    std::unique_ptr<host::VmContext> m_context;
};

} // namespace hostfs_test
