// HostFsHandleTable: the mounts hostfs serves (ROOTFS and the -v volumes) and the handles the
// guest holds on their files, each an O_PATH descriptor that knows its mount.
#pragma once

#include "host/vm_config.h"

#include <memory>
#include <stdint.h>
#include <string>
#include <vector>

namespace host {

struct HostFsMount {
    std::string host_path;
    std::string guest_path;
    bool read_only = true;
    int root_fd = -1; // O_PATH | O_DIRECTORY, owned by the table
};

class HostFsHandleTable {
public:
    static constexpr size_t MAX_HANDLES = 4096;

    struct Handle {
        int path_fd = -1;   // O_PATH (or a real descriptor of the same file), never a symlink's target
        uint32_t mount = 0; // index into the mounts
        uint32_t type = 0;  // S_IFMT bits, fixed for the life of the file
        int io_fd = -1;     // opened for reading, writing or getdents on first use
        bool io_writable = false;
    };

    // Takes ownership of every mount's root_fd.
    explicit HostFsHandleTable(std::vector<HostFsMount> mounts);
    ~HostFsHandleTable();

    HostFsHandleTable(const HostFsHandleTable&) = delete;
    HostFsHandleTable& operator=(const HostFsHandleTable&) = delete;

    // ROOTFS at "/" (read-only), then config.volumes in order, each root opened O_PATH.
    // Throws VmError naming the host directory that cannot be opened.
    static std::unique_ptr<HostFsHandleTable> open_mounts(const VmConfig& config);

    size_t mount_count() const { return m_mounts.size(); }
    const HostFsMount* mount(uint64_t index) const { return index < m_mounts.size() ? &m_mounts[index] : nullptr; }

    // Files a new handle for path_fd (whose ownership passes to the table, also on failure).
    // Returns the handle, or -EMFILE when MAX_HANDLES are in use.
    int64_t add(int path_fd, uint32_t mount, uint32_t type, int io_fd = -1, bool io_writable = false);

    // The live handle, or nullptr.
    Handle* find(int64_t handle);
    bool is_read_only(const Handle& handle) const { return m_mounts[handle.mount].read_only; }

    // A descriptor to read (or, if writable, also write) a regular file, or to getdents a
    // directory; opened on first use and cached in the handle. Returns it, or -errno.
    int io_fd(Handle&, bool writable);

    // Closes handle; 0, or -EBADF if it was not live.
    int64_t release(int64_t handle);

    size_t open_count() const { return m_handles.size() - m_free.size(); }

private:
    std::vector<HostFsMount> m_mounts;
    std::vector<Handle> m_handles; // index = handle; path_fd == -1 when free
    std::vector<uint32_t> m_free;  // free indices below m_handles.size()
};

} // namespace host
