// File descriptor tables (see linux/fd_table.h).
#include <lib/errno_codes.h>
#include <linux/fd_table.h>

namespace linux {

lib::RefPtr<vfs::OpenFile> FdTable::get(int fd) const
{
    if (fd < 0 || fd >= MAX_FDS)
        return nullptr;
    return m_files[fd];
}

lib::ErrorOr<int> FdTable::install(lib::RefPtr<vfs::OpenFile> file, int minimum, bool close_on_exec)
{
    if (minimum < 0 || static_cast<uint64_t>(minimum) >= m_soft_limit)
        return EINVAL;
    for (int fd = minimum; static_cast<uint64_t>(fd) < m_soft_limit; ++fd) {
        if (!m_files[fd]) {
            m_files[fd] = file;
            m_close_on_exec[fd] = close_on_exec;
            return fd;
        }
    }
    return EMFILE;
}

lib::ErrorOr<void> FdTable::install_at(int fd, lib::RefPtr<vfs::OpenFile> file, bool close_on_exec)
{
    if (fd < 0 || static_cast<uint64_t>(fd) >= m_soft_limit)
        return EBADF;
    m_files[fd] = file;
    m_close_on_exec[fd] = close_on_exec;
    return {};
}

lib::ErrorOr<void> FdTable::close(int fd)
{
    if (!get(fd))
        return EBADF;
    m_files[fd].clear();
    m_close_on_exec[fd] = false;
    return {};
}

lib::ErrorOr<void> FdTable::set_limits(uint64_t soft, uint64_t hard)
{
    if (soft > hard)
        return EINVAL;
    if (hard > m_hard_limit)
        return EPERM; // FIXME: more than MAX_FDS descriptors
    m_soft_limit = soft;
    m_hard_limit = hard;
    return {};
}

int FdTable::highest_open() const
{
    for (int fd = MAX_FDS - 1; fd >= 0; --fd)
        if (m_files[fd])
            return fd;
    return -1;
}

} // namespace linux
