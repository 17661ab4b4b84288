// HostFileTable: confined read-only opens beneath ROOTFS with openat2, and the handle table.
#include "host/host_file_table.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace host {

HostFileTable::HostFileTable(int rootfs_dirfd)
    : m_rootfs_dirfd(rootfs_dirfd)
{
}

HostFileTable::~HostFileTable()
{
    for (int fd : m_fds) {
        if (fd >= 0)
            ::close(fd);
    }
    if (m_rootfs_dirfd >= 0)
        ::close(m_rootfs_dirfd);
}

int64_t HostFileTable::open(const std::string& path)
{
    size_t handle = 0;
    while (handle < m_fds.size() && m_fds[handle] >= 0)
        ++handle;
    if (handle >= MAX_FILES)
        return -EMFILE;

    // RESOLVE_IN_ROOT treats ROOTFS as / for "..", absolute paths and absolute symlinks, as a
    // chroot would. O_NONBLOCK keeps a FIFO in ROOTFS from blocking the monitor's open;
    // O_NOCTTY keeps a terminal device from becoming ours.
    open_how how {};
    how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, m_rootfs_dirfd, path.c_str(), &how, sizeof(how));
    if (fd < 0)
        return -errno;

    if (handle == m_fds.size())
        m_fds.push_back(static_cast<int>(fd));
    else
        m_fds[handle] = static_cast<int>(fd);
    return static_cast<int64_t>(handle);
}

int HostFileTable::fd(int64_t handle) const
{
    if (handle < 0 || static_cast<uint64_t>(handle) >= m_fds.size())
        return -1;
    return m_fds[static_cast<size_t>(handle)];
}

int64_t HostFileTable::close(int64_t handle)
{
    int host_fd = fd(handle);
    if (host_fd < 0)
        return -EBADF;
    ::close(host_fd);
    m_fds[static_cast<size_t>(handle)] = -1;
    return 0;
}

size_t HostFileTable::open_count() const
{
    size_t count = 0;
    for (int fd : m_fds)
        count += fd >= 0;
    return count;
}

} // namespace host
