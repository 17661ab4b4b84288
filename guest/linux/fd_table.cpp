// File descriptor tables (see linux/fd_table.h).
#include <lib/errno_codes.h>
#include <linux/fd_table.h>
#include <linux/host_file.h>
#include <mm/heap.h>

namespace linux {

OpenFile* FdTable::get(int fd) const
{
    if (fd < 0 || fd >= MAX_FDS)
        return nullptr;
    return m_files[fd];
}

lib::ErrorOr<int> FdTable::install(OpenFile* file, int minimum, bool close_on_exec)
{
    if (minimum < 0 || minimum >= MAX_FDS)
        return EINVAL;
    for (int fd = minimum; fd < MAX_FDS; ++fd) {
        if (!m_files[fd]) {
            m_files[fd] = file;
            m_close_on_exec[fd] = close_on_exec;
            return fd;
        }
    }
    return EMFILE;
}

lib::ErrorOr<void> FdTable::install_at(int fd, OpenFile* file, bool close_on_exec)
{
    if (fd < 0 || fd >= MAX_FDS)
        return EBADF;
    if (m_files[fd])
        release(m_files[fd]);
    m_files[fd] = file;
    m_close_on_exec[fd] = close_on_exec;
    return {};
}

lib::ErrorOr<void> FdTable::close(int fd)
{
    OpenFile* file = get(fd);
    if (!file)
        return EBADF;
    m_files[fd] = nullptr;
    m_close_on_exec[fd] = false;
    release(file);
    return {};
}

OpenFile* new_console_file(int console_fd)
{
    auto* file = static_cast<OpenFile*>(mm::kmalloc(sizeof(OpenFile)));
    if (!file)
        return nullptr;
    *file = { FileKind::Console, console_fd, -1, 0, console_fd == 0 ? 0u : 1u, 0, nullptr, 1 };
    return file;
}

void release(OpenFile* file)
{
    if (--file->references > 0)
        return;
    if (file->kind == FileKind::HostFile)
        host_file::close(file->handle);
    mm::kfree(file->path);
    mm::kfree(file);
}

} // namespace linux
