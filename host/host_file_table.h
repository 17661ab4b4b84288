// HostFileTable: host files the guest opened beneath ROOTFS, named by small handles.
#pragma once

#include <stdint.h>
#include <string>
#include <vector>

namespace host {

class HostFileTable {
public:
    static constexpr size_t MAX_FILES = 1024;

    // Takes ownership of rootfs_dirfd (an O_PATH directory descriptor), or -1 for none.
    explicit HostFileTable(int rootfs_dirfd);
    ~HostFileTable();

    HostFileTable(const HostFileTable&) = delete;
    HostFileTable& operator=(const HostFileTable&) = delete;

    // Opens path read-only beneath ROOTFS as if ROOTFS were / (no "..", symlink or magic link
    // escapes it). Returns a handle >= 0, or -errno (-EMFILE when the table is full).
    int64_t open(const std::string& path);

    // The host fd for handle, or -1 if the handle is not open.
    int fd(int64_t handle) const;

    // Closes handle; 0, or -EBADF if it was not open.
    int64_t close(int64_t handle);

    size_t open_count() const;

private:
    int m_rootfs_dirfd;
    std::vector<int> m_fds; // index = handle; -1 = free
};

} // namespace host
