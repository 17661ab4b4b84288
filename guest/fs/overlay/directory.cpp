// Overlay directory changes: new entries go to the upper layer (shadowing a whiteout), and
// removing a name the lower layer has leaves a whiteout.
#include "overlay_node.h"

namespace fs {

namespace {

uint64_t inode_of(vfs::Vnode& node)
{
    auto attributes = node.attributes();
    return attributes.is_error() ? 0 : attributes.value().inode;
}

} // namespace

lib::ErrorOr<void> OverlayNode::prepare_new_entry(lib::StringView name)
{
    if (!is_overlay_directory())
        return ENOTDIR;
    if (m_fs.is_read_only())
        return EROFS;
    if (m_removed)
        return ENOENT;
    auto existing = lookup(name);
    if (!existing.is_error())
        return EEXIST;
    if (!(ENOENT == existing.error()))
        return lib::Error(existing.error());
    return copy_up();
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::finish_new_entry(lib::StringView name, lib::RefPtr<vfs::Vnode> upper_child)
{
    uint64_t directory = upper_inode();
    if (m_fs.is_whiteout(directory, name)) {
        // A directory made where a lower entry was removed must not show that entry's contents.
        if (upper_child->is_directory()) {
            auto marked = m_fs.set_opaque(inode_of(*upper_child));
            if (marked.is_error()) {
                (void)m_upper->remove_directory(name).is_error();
                return ENOMEM;
            }
        }
        m_fs.remove_whiteout(directory, name);
    }
    return node_for(name, upper_child, nullptr, 0);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::create(lib::StringView name, uint32_t mode)
{
    TRY(prepare_new_entry(name));
    return finish_new_entry(name, TRY(m_upper->create(name, mode)));
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::make_directory(lib::StringView name, uint32_t mode)
{
    TRY(prepare_new_entry(name));
    return finish_new_entry(name, TRY(m_upper->make_directory(name, mode)));
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::make_symlink(lib::StringView name, lib::StringView target)
{
    TRY(prepare_new_entry(name));
    return finish_new_entry(name, TRY(m_upper->make_symlink(name, target)));
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::make_node(lib::StringView name, uint32_t mode, uint64_t device)
{
    TRY(prepare_new_entry(name));
    return finish_new_entry(name, TRY(m_upper->make_node(name, mode, device)));
}

lib::ErrorOr<void> OverlayNode::link(lib::StringView name, vfs::Vnode& target_vnode)
{
    if (&target_vnode.file_system() != &m_fs)
        return EXDEV;
    auto& target = static_cast<OverlayNode&>(target_vnode);
    if (!is_overlay_directory())
        return ENOTDIR;
    if (target.is_overlay_directory())
        return EPERM;
    TRY(prepare_new_entry(name));
    TRY(target.copy_up());
    TRY(m_upper->link(name, *target.m_upper));
    m_fs.remove_whiteout(upper_inode(), name);
    return {};
}

lib::ErrorOr<void> OverlayNode::check_empty()
{
    bool empty = true;
    auto sink = [](void* context, const vfs::DirectoryEntry& entry, uint64_t) {
        bool dots = entry.name[0] == '.' && (entry.name[1] == '\0' || (entry.name[1] == '.' && entry.name[2] == '\0'));
        if (dots)
            return true;
        *static_cast<bool*>(context) = false;
        return false;
    };
    TRY(read_directory(0, sink, &empty));
    if (!empty)
        return ENOTEMPTY;
    return {};
}

// Removes `name` (which is `child`) from the merged view.
lib::ErrorOr<void> OverlayNode::remove_entry(lib::StringView name, OverlayNode& child)
{
    if (m_fs.is_read_only())
        return EROFS;
    bool whiteout = needs_whiteout(name);
    if (whiteout) {
        TRY(copy_up());
        TRY(m_fs.add_whiteout(upper_inode(), name));
    }
    if (child.m_upper) {
        uint64_t child_upper_inode = child.upper_inode();
        auto removed = child.is_overlay_directory() ? m_upper->remove_directory(name) : m_upper->unlink(name);
        if (removed.is_error()) {
            if (whiteout)
                m_fs.remove_whiteout(upper_inode(), name);
            return removed;
        }
        auto attributes = child.m_upper->attributes();
        if (!attributes.is_error() && attributes.value().link_count == 0)
            m_fs.forget(child_upper_inode);
    }
    child.detach();
    return {};
}

lib::ErrorOr<void> OverlayNode::unlink(lib::StringView name)
{
    if (!is_overlay_directory())
        return ENOTDIR;
    auto child = TRY(find_child(name));
    if (child->is_overlay_directory())
        return EISDIR;
    return remove_entry(name, *child);
}

lib::ErrorOr<void> OverlayNode::remove_directory(lib::StringView name)
{
    if (!is_overlay_directory())
        return ENOTDIR;
    auto child = TRY(find_child(name));
    if (!child->is_overlay_directory())
        return ENOTDIR;
    TRY(child->check_empty());
    return remove_entry(name, *child);
}

} // namespace fs
