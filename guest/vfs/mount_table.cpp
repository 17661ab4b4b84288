// The mount table (see vfs/mount_table.h).
#include <lib/errno_codes.h>
#include <vfs/mount_table.h>

namespace vfs {

lib::ErrorOr<void> MountTable::mount(lib::StringView path, lib::RefPtr<FileSystem> file_system, bool read_only)
{
    if (path.is_empty() || path[0] != '/' || (m_count == 0 && !(path == "/")))
        return EINVAL;
    if (!file_system)
        return ENOMEM;
    lib::RefPtr<Vnode> root = file_system->root();
    if (!root)
        return ENOMEM;
    Mount* slot = nullptr;
    for (size_t i = 0; i < m_count; ++i)
        if (lib::StringView(m_mounts[i].path) == path)
            slot = &m_mounts[i];
    if (!slot) {
        if (m_count == MAX_MOUNTS)
            return ENOSPC;
        slot = &m_mounts[m_count++];
    }
    if (!path.copy_to(slot->path, sizeof(slot->path)))
        return ENAMETOOLONG;
    slot->file_system = file_system;
    slot->root = root;
    slot->read_only = read_only || file_system->is_read_only();
    return {};
}

const Mount* MountTable::find(lib::StringView path) const
{
    for (size_t i = 0; i < m_count; ++i)
        if (lib::StringView(m_mounts[i].path) == path)
            return &m_mounts[i];
    return nullptr;
}

const Mount* MountTable::mount_of(const FileSystem& file_system) const
{
    for (size_t i = 0; i < m_count; ++i)
        if (m_mounts[i].file_system.ptr() == &file_system)
            return &m_mounts[i];
    return nullptr;
}

void MountTable::clear()
{
    for (size_t i = 0; i < m_count; ++i) {
        m_mounts[i].file_system.clear();
        m_mounts[i].root.clear();
    }
    m_count = 0;
}

MountTable& mounts()
{
    static MountTable table;
    return table;
}

} // namespace vfs
