// Overlay nodes: lookup across the layers, attributes, and file operations forwarded to the
// layer that holds the file now.
#include "overlay_node.h"

namespace fs {

namespace {

constexpr uint32_t ACCESS_MODE_MASK = 3; // O_ACCMODE
constexpr uint32_t OPEN_TRUNCATE = 01000; // O_TRUNC

bool is_not_found(int error) { return ENOENT == error; }

uint64_t inode_of(vfs::Vnode& node)
{
    auto attributes = node.attributes();
    return attributes.is_error() ? 0 : attributes.value().inode;
}

} // namespace

OverlayNode::OverlayNode(OverlayFs& fs, lib::RefPtr<vfs::Vnode> upper, lib::RefPtr<vfs::Vnode> lower, uint32_t type, uint64_t lower_inode)
    : m_fs(fs)
    , m_upper(static_cast<lib::RefPtr<vfs::Vnode>&&>(upper))
    , m_lower(static_cast<lib::RefPtr<vfs::Vnode>&&>(lower))
    , m_type(type)
    , m_lower_inode(lower_inode)
{
    m_fs.add_live_node(*this);
}

OverlayNode::~OverlayNode() { m_fs.remove_live_node(*this); }

void OverlayNode::set_location(OverlayNode* parent, lib::StringView name)
{
    m_parent = parent;
    m_name_length = name.length();
    name.copy_to(m_name, sizeof(m_name));
}

uint64_t OverlayNode::upper_inode() { return m_upper ? inode_of(*m_upper) : 0; }

uint64_t OverlayNode::inode_of_upper_entry(uint64_t upper_inode)
{
    uint64_t origin;
    if (m_fs.find_origin(upper_inode, origin))
        return origin;
    return upper_inode | OverlayFs::UPPER_INODE_FLAG;
}

uint64_t OverlayNode::overlay_inode()
{
    // Files from the lower layer keep its inode number, even once copied up.
    if (m_lower)
        return m_lower_inode;
    return inode_of_upper_entry(upper_inode());
}

lib::ErrorOr<vfs::Attributes> OverlayNode::attributes()
{
    auto attributes = TRY(current().attributes());
    attributes.inode = overlay_inode();
    attributes.device = m_fs.device_number();
    // Like Linux: a merged directory's link count is not worth computing.
    if (is_overlay_directory() && m_upper && m_lower)
        attributes.link_count = 1;
    return attributes;
}

bool OverlayNode::lower_has(lib::StringView name)
{
    return m_lower && !m_lower->lookup(name).is_error();
}

bool OverlayNode::needs_whiteout(lib::StringView name) { return lower_has(name) || m_fs.find_fallback(*this, name); }

bool OverlayNode::is_at(lib::StringView path) const
{
    const OverlayNode* node = this;
    size_t end = path.length();
    while (end > 0) {
        size_t start = end;
        while (start > 0 && path[start - 1] != '/')
            --start;
        if (start == 0 || !node->m_parent || path.substring(start, end - start) != lib::StringView(node->m_name, node->m_name_length))
            return false;
        node = node->m_parent.ptr();
        end = start - 1;
    }
    return node == m_fs.root().ptr();
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::lookup(lib::StringView name)
{
    if (!is_overlay_directory())
        return ENOTDIR;
    if (m_removed)
        return ENOENT;
    lib::RefPtr<vfs::Vnode> upper_child;
    lib::RefPtr<vfs::Vnode> lower_child;
    if (m_upper) {
        auto found = m_upper->lookup(name);
        if (!found.is_error())
            upper_child = found.release_value();
        else if (!is_not_found(found.error()))
            return lib::Error(found.error());
    }
    bool upper_is_directory = upper_child && upper_child->is_directory();
    bool whiteout = m_upper && m_fs.is_whiteout(upper_inode(), name);
    if (m_lower && (!upper_child || upper_is_directory) && !whiteout) {
        auto found = m_lower->lookup(name);
        if (!found.is_error())
            lower_child = found.release_value();
        else if (!is_not_found(found.error()))
            return lib::Error(found.error());
    }
    // An upper directory merges only with a lower directory, and not when opaque.
    if (upper_child && lower_child && (!lower_child->is_directory() || m_fs.is_opaque(inode_of(*upper_child))))
        lower_child = nullptr;
    if (!upper_child && !lower_child) {
        // Below both layers: a fallback file (OverlayFs::add_fallback_file).
        OverlayFallback* fallback = whiteout ? nullptr : m_fs.find_fallback(*this, name);
        if (!fallback)
            return ENOENT;
        return node_for(name, nullptr, fallback->file, fallback->inode);
    }
    return node_for(name, upper_child, lower_child, lower_child ? inode_of(*lower_child) : 0);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> OverlayNode::node_for(lib::StringView name, lib::RefPtr<vfs::Vnode> upper, lib::RefPtr<vfs::Vnode> lower, uint64_t lower_inode)
{
    OverlayNode* live = upper ? m_fs.find_live_node_by_upper(*upper) : m_fs.find_live_node_by_lower(lower_inode);
    lib::RefPtr<OverlayNode> node = live;
    if (!node) {
        uint32_t type = (upper ? upper : lower)->type();
        node = lib::make_ref<OverlayNode>(m_fs, upper, lower, type, lower_inode);
        if (!node)
            return ENOMEM;
    }
    node->set_location(this, name);
    return lib::RefPtr<vfs::Vnode>(node);
}

lib::ErrorOr<lib::RefPtr<OverlayNode>> OverlayNode::find_child(lib::StringView name)
{
    auto child = TRY(lookup(name));
    return lib::RefPtr<OverlayNode>(static_cast<OverlayNode*>(child.ptr()));
}

lib::ErrorOr<size_t> OverlayNode::read(uint64_t offset, void* buffer, size_t length)
{
    return current().read(offset, buffer, length);
}

lib::ErrorOr<size_t> OverlayNode::write(uint64_t offset, const void* buffer, size_t length)
{
    if (m_type != vfs::TypeRegular)
        return current().write(offset, buffer, length); // the layer's error
    TRY(copy_up());
    return m_upper->write(offset, buffer, length);
}

lib::ErrorOr<void> OverlayNode::set_attributes(const vfs::AttributeChange& change)
{
    TRY(copy_up());
    return m_upper->set_attributes(change);
}

lib::ErrorOr<size_t> OverlayNode::read_link(char* buffer, size_t size) { return current().read_link(buffer, size); }

lib::ErrorOr<void> OverlayNode::open(uint32_t flags)
{
    // Like Linux: opening a lower file for writing copies it up.
    if (m_type == vfs::TypeRegular && ((flags & ACCESS_MODE_MASK) != 0 || (flags & OPEN_TRUNCATE)))
        TRY(copy_up());
    return {};
}

} // namespace fs
