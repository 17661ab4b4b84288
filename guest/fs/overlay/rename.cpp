// Overlay rename: a rename in the upper layer, with copy-up before, whiteouts after, and
// EXDEV for directories that have lower contents (Linux without redirect_dir; mv copies).
#include "overlay_node.h"

namespace fs {

namespace {

constexpr uint32_t NO_REPLACE = 1; // RENAME_NOREPLACE
constexpr uint32_t EXCHANGE = 2;   // RENAME_EXCHANGE

bool is_within(OverlayNode* node, OverlayNode& ancestor)
{
    for (; node; node = node->parent())
        if (node == &ancestor)
            return true;
    return false;
}

} // namespace

lib::ErrorOr<void> OverlayNode::rename(lib::StringView name, vfs::Vnode& new_directory_vnode, lib::StringView new_name, uint32_t flags)
{
    if ((flags & ~(NO_REPLACE | EXCHANGE)) || flags == (NO_REPLACE | EXCHANGE))
        return EINVAL;
    if (&new_directory_vnode.file_system() != &m_fs)
        return EXDEV;
    auto& new_directory = static_cast<OverlayNode&>(new_directory_vnode);
    if (!is_overlay_directory() || !new_directory.is_overlay_directory())
        return ENOTDIR;
    if (m_fs.is_read_only())
        return EROFS;

    auto source = TRY(find_child(name));
    lib::RefPtr<OverlayNode> target;
    auto found = new_directory.find_child(new_name);
    if (!found.is_error())
        target = found.release_value();
    else if (!(ENOENT == found.error()))
        return lib::Error(found.error());
    bool exchange = flags & EXCHANGE;
    if (target && (flags & NO_REPLACE))
        return EEXIST;
    if (!target && exchange)
        return ENOENT;
    if (target == source)
        return {}; // the same file: nothing to do

    if (source->is_overlay_directory() && source->m_lower)
        return EXDEV;
    if (exchange && target->is_overlay_directory() && target->m_lower)
        return EXDEV;
    if (source->is_overlay_directory() && is_within(&new_directory, *source))
        return EINVAL;
    if (exchange && target->is_overlay_directory() && is_within(this, *target))
        return EINVAL;
    if (target && !exchange) {
        if (source->is_overlay_directory() && !target->is_overlay_directory())
            return ENOTDIR;
        if (!source->is_overlay_directory() && target->is_overlay_directory())
            return EISDIR;
        if (target->is_overlay_directory())
            TRY(target->check_empty());
    }

    TRY(copy_up());
    TRY(new_directory.copy_up());
    TRY(source->copy_up());
    if (exchange)
        TRY(target->copy_up());

    // What may fail goes first: the whiteout for the old name, opaque marks for directories
    // landing on names the lower layer has (left in place on failure: harmless then).
    bool whiteout_old = !exchange && needs_whiteout(name);
    if (whiteout_old)
        TRY(m_fs.add_whiteout(upper_inode(), name));
    if (source->is_overlay_directory() && new_directory.lower_has(new_name))
        TRY(m_fs.set_opaque(source->upper_inode()));
    if (exchange && target->is_overlay_directory() && lower_has(name))
        TRY(m_fs.set_opaque(target->upper_inode()));

    uint64_t replaced_upper_inode = target && target->m_upper ? target->upper_inode() : 0;
    auto renamed = m_upper->rename(name, *new_directory.m_upper, new_name, flags);
    if (renamed.is_error()) {
        if (whiteout_old)
            m_fs.remove_whiteout(upper_inode(), name);
        return renamed;
    }
    m_fs.remove_whiteout(new_directory.upper_inode(), new_name);
    if (replaced_upper_inode && !exchange) {
        auto attributes = target->m_upper->attributes();
        if (!attributes.is_error() && attributes.value().link_count == 0)
            m_fs.forget(replaced_upper_inode);
    }

    source->set_location(&new_directory, new_name);
    if (exchange)
        target->set_location(this, name);
    else if (target)
        target->detach();
    return {};
}

} // namespace fs
