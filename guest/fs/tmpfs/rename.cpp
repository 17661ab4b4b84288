// tmpfs rename, with Linux's rules for replacing, NO_REPLACE and EXCHANGE.
#include "tmpfs_nodes.h"

namespace fs {

namespace {

constexpr uint32_t NO_REPLACE = 1; // RENAME_NOREPLACE (the C library has it as a macro)
constexpr uint32_t EXCHANGE = 2;    // RENAME_EXCHANGE

} // namespace

// True when `directory` is this directory or lies below it.
bool TmpDirectory::is_ancestor_of(TmpDirectory* directory) const
{
    while (directory) {
        if (directory == this)
            return true;
        if (directory->m_parent == directory)
            return false; // the root
        directory = directory->m_parent;
    }
    return false;
}

lib::ErrorOr<void> TmpDirectory::rename(lib::StringView name, vfs::Vnode& new_directory_vnode, lib::StringView new_name, uint32_t flags)
{
    if ((flags & ~(NO_REPLACE | EXCHANGE)) || flags == (NO_REPLACE | EXCHANGE))
        return EINVAL;
    if (&new_directory_vnode.file_system() != m_fs)
        return EXDEV;
    auto& new_directory_node = static_cast<TmpNode&>(new_directory_vnode);
    if (!new_directory_node.is_tmp_directory())
        return ENOTDIR;
    auto& new_directory = static_cast<TmpDirectory&>(new_directory_node);
    TRY(check_writable());
    if (new_name.length() > TmpFs::MAX_NAME_LENGTH)
        return ENAMETOOLONG;

    TmpDirectoryEntry* source = find(name);
    if (!source)
        return ENOENT;
    TmpDirectoryEntry* target = new_directory.find(new_name);
    if (target && (flags & NO_REPLACE))
        return EEXIST;
    if (!target && (flags & EXCHANGE))
        return ENOENT;
    if (!target && new_directory.m_removed)
        return ENOENT;
    lib::RefPtr<TmpNode> moving = source->node;
    lib::RefPtr<TmpNode> replaced = target ? target->node : nullptr;
    if (moving == replaced)
        return {}; // the same file: Linux does nothing

    // A directory cannot move below itself; nor, for an exchange, can the other one.
    if (moving->is_tmp_directory() && static_cast<TmpDirectory&>(*moving).is_ancestor_of(&new_directory))
        return EINVAL;
    if ((flags & EXCHANGE) && replaced->is_tmp_directory() && static_cast<TmpDirectory&>(*replaced).is_ancestor_of(this))
        return EINVAL;

    if (flags & EXCHANGE) {
        orphan(*moving);
        new_directory.orphan(*replaced);
        source->node = replaced;
        target->node = moving;
        adopt(*replaced);
        new_directory.adopt(*moving);
        moving->touch_change();
        replaced->touch_change();
        touch_modify();
        new_directory.touch_modify();
        return {};
    }

    if (replaced) {
        if (moving->is_tmp_directory() && !replaced->is_tmp_directory())
            return ENOTDIR;
        if (!moving->is_tmp_directory() && replaced->is_tmp_directory())
            return EISDIR;
        if (replaced->is_tmp_directory() && !static_cast<TmpDirectory&>(*replaced).is_empty())
            return ENOTEMPTY;
        // The moving node takes over the target's entry (and its cookie).
        new_directory.orphan(*replaced);
        target->node = moving;
        new_directory.adopt(*moving);
        if (replaced->is_tmp_directory()) {
            auto& gone = static_cast<TmpDirectory&>(*replaced);
            gone.m_removed = true;
            gone.m_parent = nullptr;
        } else {
            replaced->drop_link();
        }
        replaced->touch_change();
        new_directory.touch_modify();
    } else {
        TRY(new_directory.add_entry(new_name, moving));
    }
    // Find the source again: adding to this same directory may not move it, but be plain.
    remove_entry(find(name));
    moving->touch_change();
    return {};
}

} // namespace fs
