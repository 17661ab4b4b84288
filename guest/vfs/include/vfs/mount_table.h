// Where each file system is mounted, by canonical absolute path. The path walk asks it at
// every step whether it has reached a mount point.
#pragma once

#include <lib/error_or.h>
#include <lib/ref_ptr.h>
#include <lib/string_view.h>
#include <vfs/vnode.h>

namespace vfs {

struct Mount {
    char path[256]; // canonical, "/" for the root
    lib::RefPtr<FileSystem> file_system;
    lib::RefPtr<Vnode> root;
    bool read_only;
};

class MountTable {
public:
    static constexpr size_t MAX_MOUNTS = 16;

    // The first mount must be "/". A mount over an existing mount point replaces it.
    lib::ErrorOr<void> mount(lib::StringView path, lib::RefPtr<FileSystem>, bool read_only);
    // The mount whose path is exactly `path`, or nullptr.
    const Mount* find(lib::StringView path) const;
    const Mount* root() const { return m_count ? &m_mounts[0] : nullptr; }
    // The mount a vnode's file system is mounted at (first match), or nullptr.
    const Mount* mount_of(const FileSystem&) const;

    size_t count() const { return m_count; }
    const Mount& at(size_t index) const { return m_mounts[index]; }
    void clear();

private:
    Mount m_mounts[MAX_MOUNTS];
    size_t m_count { 0 };
};

MountTable& mounts();

} // namespace vfs
