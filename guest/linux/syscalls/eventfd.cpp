// eventfd, eventfd2: a 64-bit counter as a file. A write adds to it; a read takes it all and
// leaves zero (or, with EFD_SEMAPHORE, takes one). Reads wait while it is zero, writes while
// the sum would pass 2^64 - 2, unless O_NONBLOCK (EAGAIN).
#include <linux/anonymous_file.h>
#include <linux/syscalls.h>
#include <vfs/open_file.h>
#include <vfs/wait.h>

namespace linux {

namespace {

constexpr uint32_t EFD_SEMAPHORE = 1;
constexpr uint64_t MAXIMUM = UINT64_MAX - 1;
AnonymousFileSystem g_eventfd_fs;

class EventFd final : public vfs::Vnode {
public:
    EventFd(uint64_t initial, bool semaphore) : m_counter(initial), m_semaphore(semaphore) {}

    lib::ErrorOr<vfs::Attributes> attributes() override { return anonymous_file_attributes(m_inode); }
    vfs::FileSystem& file_system() override { return g_eventfd_fs; }

    lib::ErrorOr<size_t> read(uint64_t, void* buffer, size_t length) override
    {
        if (length < sizeof(uint64_t))
            return EINVAL;
        if (m_counter == 0)
            return EAGAIN;
        uint64_t value = m_semaphore ? 1 : m_counter;
        m_counter -= value;
        ++m_reads;
        *static_cast<uint64_t*>(buffer) = value;
        vfs::notify_state_change();
        return sizeof(uint64_t);
    }

    lib::ErrorOr<size_t> write(uint64_t, const void* buffer, size_t length) override
    {
        if (length < sizeof(uint64_t))
            return EINVAL;
        uint64_t value = *static_cast<const uint64_t*>(buffer);
        if (value == UINT64_MAX)
            return EINVAL;
        if (value > MAXIMUM - m_counter)
            return EAGAIN;
        m_counter += value;
        ++m_writes;
        if (value)
            vfs::notify_state_change();
        return sizeof(uint64_t);
    }

    uint32_t poll_events() override
    {
        constexpr uint32_t POLLIN = 1, POLLOUT = 4;
        return (m_counter ? POLLIN : 0) | (m_counter < MAXIMUM ? POLLOUT : 0);
    }

    // As Linux: a write wakes readers (even of zero), a read wakes writers.
    uint64_t state_changes(uint32_t events) override
    {
        constexpr uint32_t POLLIN = 1, POLLOUT = 4;
        return (events & POLLIN ? m_writes : 0) + (events & POLLOUT ? m_reads : 0);
    }

private:
    uint64_t m_counter;
    uint64_t m_writes { 0 };
    uint64_t m_reads { 0 };
    bool m_semaphore;
    uint64_t m_inode { allocate_anonymous_inode() };
};

} // namespace

// int eventfd2(unsigned int initval, int flags);
SyscallResult sys_eventfd2(SyscallArguments& a)
{
    uint32_t flags = static_cast<uint32_t>(a[1]);
    if (flags & ~(EFD_SEMAPHORE | vfs::NonBlocking | vfs::CloseOnExec))
        return EINVAL;
    auto eventfd = lib::make_ref<EventFd>(static_cast<uint32_t>(a[0]), flags & EFD_SEMAPHORE);
    if (!eventfd)
        return ENOMEM;
    return install_anonymous_file(eventfd, flags, "eventfd");
}

// int eventfd(unsigned int initval);
SyscallResult sys_eventfd(SyscallArguments& a)
{
    a.value[1] = 0;
    return sys_eventfd2(a);
}

} // namespace linux
