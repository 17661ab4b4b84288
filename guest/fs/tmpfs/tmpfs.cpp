// The tmpfs file system object: root directory, inode numbers and the size limit.
#include "tmpfs_nodes.h"

namespace fs {

TmpFs::TmpFs(uint64_t max_bytes, uint64_t device_number) : m_max_bytes(max_bytes), m_device_number(device_number) {}

TmpFs::~TmpFs() = default;

lib::RefPtr<TmpFs> TmpFs::create(uint64_t max_bytes, uint64_t device_number)
{
    // The constructor is private: build in place rather than through lib::make.
    void* memory = lib::allocate(sizeof(TmpFs));
    if (!memory)
        return nullptr;
    lib::RefPtr<TmpFs> file_system(new (memory) TmpFs(max_bytes, device_number));
    file_system->m_root = lib::make_ref<TmpDirectory>(*file_system, vfs::TypeDirectory | 01777, nullptr);
    if (!file_system->m_root)
        return nullptr;
    return file_system;
}

lib::RefPtr<vfs::Vnode> TmpFs::root() { return m_root; }

bool TmpFs::reserve_bytes(uint64_t bytes)
{
    if (m_max_bytes != 0 && (m_used_bytes + bytes > m_max_bytes || m_used_bytes + bytes < m_used_bytes))
        return false;
    m_used_bytes += bytes;
    return true;
}

} // namespace fs
