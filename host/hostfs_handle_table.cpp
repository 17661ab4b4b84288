// HostFsHandleTable: opening the mounts' roots, filing and releasing handles, I/O descriptors.
#include "host/hostfs_handle_table.h"
#include "host/vm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace host {

HostFsHandleTable::HostFsHandleTable(std::vector<HostFsMount> mounts)
    : m_mounts(std::move(mounts))
{
}

HostFsHandleTable::~HostFsHandleTable()
{
    for (auto& handle : m_handles) {
        if (handle.io_fd >= 0)
            ::close(handle.io_fd);
        if (handle.path_fd >= 0)
            ::close(handle.path_fd);
    }
    for (auto& mount : m_mounts) {
        if (mount.root_fd >= 0)
            ::close(mount.root_fd);
    }
}

std::unique_ptr<HostFsHandleTable> HostFsHandleTable::open_mounts(const VmConfig& config)
{
    std::vector<HostFsMount> mounts;
    auto add_mount = [&](const std::string& host_path, const std::string& guest_path, bool read_only) {
        int fd = ::open(host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            int error = errno;
            for (auto& mount : mounts)
                ::close(mount.root_fd);
            throw VmError(host_path + ": " + strerror(error));
        }
        mounts.push_back({ host_path, guest_path, read_only, fd });
    };
    // ROOTFS is never modified: its writable layer lives in the guest.
    add_mount(config.rootfs, "/", true);
    for (auto const& volume : config.volumes)
        add_mount(volume.host_path, volume.guest_path, volume.read_only);
    return std::make_unique<HostFsHandleTable>(std::move(mounts));
}

int64_t HostFsHandleTable::add(int path_fd, uint32_t mount, uint32_t type, int io_fd, bool io_writable)
{
    Handle handle { path_fd, mount, type, io_fd, io_writable };
    if (!m_free.empty()) {
        uint32_t index = m_free.back();
        m_free.pop_back();
        m_handles[index] = handle;
        return index;
    }
    if (m_handles.size() >= MAX_HANDLES) {
        ::close(path_fd);
        if (io_fd >= 0)
            ::close(io_fd);
        return -EMFILE;
    }
    m_handles.push_back(handle);
    return static_cast<int64_t>(m_handles.size() - 1);
}

HostFsHandleTable::Handle* HostFsHandleTable::find(int64_t handle)
{
    if (handle < 0 || static_cast<uint64_t>(handle) >= m_handles.size())
        return nullptr;
    Handle& entry = m_handles[static_cast<size_t>(handle)];
    return entry.path_fd >= 0 ? &entry : nullptr;
}

int HostFsHandleTable::io_fd(Handle& handle, bool writable)
{
    if (handle.io_fd >= 0 && (handle.io_writable || !writable))
        return handle.io_fd;

    int fd = -1;
    bool fd_writable = false;
    if (handle.type == S_IFDIR) {
        if (writable)
            return -EISDIR;
        fd = openat(handle.path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } else if (handle.type == S_IFREG) {
        // Reopening through the O_PATH descriptor's magic link reaches exactly that inode, and
        // only regular files come here: never a device, FIFO or socket of the host.
        std::string self = "/proc/self/fd/" + std::to_string(handle.path_fd);
        int flags = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        // On a read-write mount, open for both at once when the host lets us.
        if (writable || !is_read_only(handle)) {
            fd = ::open(self.c_str(), flags | O_RDWR);
            fd_writable = fd >= 0;
        }
        if (fd < 0 && !writable)
            fd = ::open(self.c_str(), flags | O_RDONLY);
    } else {
        return -EINVAL;
    }
    if (fd < 0)
        return -errno;
    if (handle.io_fd >= 0)
        ::close(handle.io_fd);
    handle.io_fd = fd;
    handle.io_writable = fd_writable;
    return fd;
}

int64_t HostFsHandleTable::release(int64_t handle)
{
    Handle* entry = find(handle);
    if (entry == nullptr)
        return -EBADF;
    if (entry->io_fd >= 0)
        ::close(entry->io_fd);
    ::close(entry->path_fd);
    *entry = Handle {};
    m_free.push_back(static_cast<uint32_t>(handle));
    return 0;
}

} // namespace host
