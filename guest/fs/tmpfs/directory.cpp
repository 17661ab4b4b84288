// tmpfs directories: a list of entries in creation order, each with a cookie that stays
// valid while other entries come and go.
#include "tmpfs_nodes.h"

namespace fs {

namespace {

// Linux tmpfs reports a directory's size as 20 bytes per entry, "." and ".." included.
constexpr int64_t BOGO_ENTRY_SIZE = 20;

} // namespace

TmpDirectory::TmpDirectory(TmpFs& fs, uint32_t mode, TmpDirectory* parent)
    : TmpNode(fs, mode)
    , m_parent(parent ? parent : this)
{
}

TmpDirectory::~TmpDirectory()
{
    while (m_first) {
        TmpDirectoryEntry* entry = m_first;
        m_first = entry->next;
        if (entry->node->is_tmp_directory())
            static_cast<TmpDirectory&>(*entry->node).m_parent = nullptr; // in case it outlives us
        lib::destroy(entry);
    }
}

int64_t TmpDirectory::size() const { return BOGO_ENTRY_SIZE * static_cast<int64_t>(2 + m_entry_count); }

TmpDirectoryEntry* TmpDirectory::find(lib::StringView name) const
{
    // FIXME: a linear search; large directories want a hash.
    for (auto* entry = m_first; entry; entry = entry->next)
        if (entry->name_view() == name)
            return entry;
    return nullptr;
}

lib::ErrorOr<void> TmpDirectory::check_can_add(lib::StringView name) const
{
    TRY(check_writable());
    if (m_removed)
        return ENOENT;
    if (name.length() > TmpFs::MAX_NAME_LENGTH)
        return ENAMETOOLONG;
    if (find(name))
        return EEXIST;
    return {};
}

void TmpDirectory::adopt(TmpNode& node)
{
    ++m_entry_count;
    if (node.is_tmp_directory()) {
        ++m_subdirectory_count;
        static_cast<TmpDirectory&>(node).m_parent = this;
    }
}

void TmpDirectory::orphan(TmpNode& node)
{
    --m_entry_count;
    if (node.is_tmp_directory())
        --m_subdirectory_count;
}

lib::ErrorOr<void> TmpDirectory::add_entry(lib::StringView name, lib::RefPtr<TmpNode> node)
{
    auto* entry = lib::make<TmpDirectoryEntry>();
    if (!entry)
        return ENOMEM;
    entry->cookie = m_next_cookie++;
    entry->node = node;
    entry->name_length = name.length();
    name.copy_to(entry->name, sizeof(entry->name));
    entry->previous = m_last;
    if (m_last)
        m_last->next = entry;
    else
        m_first = entry;
    m_last = entry;
    adopt(*node);
    touch_modify();
    return {};
}

void TmpDirectory::remove_entry(TmpDirectoryEntry* entry)
{
    if (entry->previous)
        entry->previous->next = entry->next;
    else
        m_first = entry->next;
    if (entry->next)
        entry->next->previous = entry->previous;
    else
        m_last = entry->previous;
    orphan(*entry->node);
    lib::destroy(entry);
    touch_modify();
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::lookup(lib::StringView name)
{
    auto* entry = find(name);
    if (!entry)
        return ENOENT;
    return lib::RefPtr<vfs::Vnode>(entry->node);
}

lib::ErrorOr<uint64_t> TmpDirectory::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (m_removed)
        return cookie;
    touch_access();
    TmpDirectory* parent = m_parent ? m_parent : this;
    if (!vfs::emit_dots(emit, context, cookie, m_inode, m_mode, parent->m_inode))
        return cookie;
    // Entries are in cookie order: resume at the first one at or past `cookie`.
    for (auto* entry = m_first; entry; entry = entry->next) {
        if (entry->cookie < cookie)
            continue;
        if (!vfs::emit_entry(emit, context, entry->node->inode_number(), entry->node->mode(), entry->name_view(), entry->cookie + 1))
            return cookie;
        cookie = entry->cookie + 1;
    }
    return cookie;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::insert_new(lib::StringView name, lib::RefPtr<TmpNode> node)
{
    if (!node)
        return ENOMEM;
    TRY(add_entry(name, node));
    return lib::RefPtr<vfs::Vnode>(node);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::create(lib::StringView name, uint32_t mode)
{
    TRY(check_can_add(name));
    return insert_new(name, lib::make_ref<TmpFile>(*m_fs, vfs::TypeRegular | (mode & 07777)));
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::make_directory(lib::StringView name, uint32_t mode)
{
    TRY(check_can_add(name));
    return insert_new(name, lib::make_ref<TmpDirectory>(*m_fs, vfs::TypeDirectory | (mode & 07777), this));
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::make_symlink(lib::StringView name, lib::StringView target)
{
    TRY(check_can_add(name));
    if (target.is_empty())
        return ENOENT;
    auto* copy = static_cast<char*>(lib::allocate(target.length() + 1));
    if (!copy)
        return ENOMEM;
    target.copy_to(copy, target.length() + 1);
    auto symlink = lib::make_ref<TmpSymlink>(*m_fs, copy, target.length());
    if (!symlink) {
        lib::deallocate(copy);
        return ENOMEM;
    }
    return insert_new(name, symlink);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> TmpDirectory::make_node(lib::StringView name, uint32_t mode, uint64_t device)
{
    TRY(check_can_add(name));
    uint32_t type = mode & vfs::TypeMask;
    if (type == 0 || type == vfs::TypeRegular)
        return create(name, mode);
    if (type != vfs::TypeFifo && type != vfs::TypeCharacterDevice && type != vfs::TypeBlockDevice && type != vfs::TypeSocket)
        return EINVAL;
    bool has_device = type == vfs::TypeCharacterDevice || type == vfs::TypeBlockDevice;
    return insert_new(name, lib::make_ref<TmpNode>(*m_fs, type | (mode & 07777), has_device ? device : 0));
}

lib::ErrorOr<void> TmpDirectory::link(lib::StringView name, vfs::Vnode& target)
{
    if (&target.file_system() != m_fs)
        return EXDEV;
    auto& node = static_cast<TmpNode&>(target);
    TRY(check_can_add(name));
    if (node.is_tmp_directory())
        return EPERM;
    if (node.link_count() == 0)
        return ENOENT; // unlinked while open
    TRY(add_entry(name, &node));
    node.add_link();
    node.touch_change();
    return {};
}

lib::ErrorOr<void> TmpDirectory::unlink(lib::StringView name)
{
    TRY(check_writable());
    auto* entry = find(name);
    if (!entry)
        return ENOENT;
    if (entry->node->is_tmp_directory())
        return EISDIR;
    lib::RefPtr<TmpNode> node = entry->node;
    remove_entry(entry);
    node->drop_link();
    node->touch_change();
    return {};
}

lib::ErrorOr<void> TmpDirectory::remove_directory(lib::StringView name)
{
    TRY(check_writable());
    auto* entry = find(name);
    if (!entry)
        return ENOENT;
    if (!entry->node->is_tmp_directory())
        return ENOTDIR;
    lib::RefPtr<TmpNode> node = entry->node;
    auto& directory = static_cast<TmpDirectory&>(*node);
    if (!directory.is_empty())
        return ENOTEMPTY;
    remove_entry(entry);
    directory.m_removed = true;
    directory.m_parent = nullptr;
    directory.touch_change();
    return {};
}

} // namespace fs
