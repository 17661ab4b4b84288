// The devfs file system object, the tree of /dev, and the directory and symlink vnodes.
#include "devfs_nodes.h"

#include <vfs/clock.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

namespace {

enum Inode : uint64_t { Root = 1, Null, Zero, Full, Random, Urandom, Tty, Stdin, Stdout, Stderr, Fd, Shm, Pts };

lib::RefPtr<DevNode> device(DevFs& fs, uint64_t inode, DeviceKind kind, uint32_t major, uint32_t minor)
{
    return lib::make_ref<DevDevice>(fs, inode, kind, make_device(major, minor));
}

lib::RefPtr<DevNode> symlink(DevFs& fs, uint64_t inode, const char* target) { return lib::make_ref<DevSymlink>(fs, inode, target); }

} // namespace

DevFs::~DevFs() = default;

lib::RefPtr<DevFs> DevFs::create()
{
    // The constructor is private: build in place rather than through lib::make.
    void* memory = lib::allocate(sizeof(DevFs));
    if (!memory)
        return nullptr;
    lib::RefPtr<DevFs> file_system(new (memory) DevFs);
    DevFs& fs = *file_system;
    fs.m_mount_time = vfs::current_time();
    auto root = lib::make_ref<DevDirectory>(fs, Root, Root);
    if (!root)
        return nullptr;
    // In name order, as a listing shows them.
    bool built = root->add("fd", symlink(fs, Fd, "/proc/self/fd"))
        && root->add("full", device(fs, Full, DeviceKind::Full, 1, 7))
        && root->add("null", device(fs, Null, DeviceKind::Null, 1, 3))
        && root->add("pts", lib::make_ref<DevDirectory>(fs, Pts, Root))
        && root->add("random", device(fs, Random, DeviceKind::Random, 1, 8))
        && root->add("shm", lib::make_ref<DevDirectory>(fs, Shm, Root)) // the kernel mounts a tmpfs here
        && root->add("stderr", symlink(fs, Stderr, "/proc/self/fd/2"))
        && root->add("stdin", symlink(fs, Stdin, "/proc/self/fd/0"))
        && root->add("stdout", symlink(fs, Stdout, "/proc/self/fd/1"))
        && root->add("tty", make_tty(fs, Tty), stdin_is_terminal)
        && root->add("urandom", device(fs, Urandom, DeviceKind::Random, 1, 9))
        && root->add("zero", device(fs, Zero, DeviceKind::Zero, 1, 5));
    if (!built)
        return nullptr;
    fs.m_root = root;
    return file_system;
}

DevNode::DevNode(DevFs& fs, uint64_t inode, uint32_t mode, uint64_t rdev)
    : m_fs(&fs)
    , m_inode(inode)
    , m_mode(mode)
    , m_rdev(rdev)
{
    m_access_time = m_modify_time = m_change_time = fs.mount_time();
}

lib::ErrorOr<vfs::Attributes> DevNode::attributes()
{
    vfs::Attributes attributes {};
    attributes.device = DevFs::DEVICE_NUMBER;
    attributes.inode = m_inode;
    attributes.mode = m_mode;
    attributes.link_count = link_count();
    attributes.uid = m_uid;
    attributes.gid = m_gid;
    attributes.rdev = m_rdev;
    attributes.size = size();
    attributes.block_size = 4096;
    attributes.access_time = m_access_time;
    attributes.modify_time = m_modify_time;
    attributes.change_time = m_change_time;
    return attributes;
}

lib::ErrorOr<void> DevNode::set_attributes(const vfs::AttributeChange& change)
{
    if (change.which & vfs::AttributeChange::Size)
        return (m_mode & vfs::TypeMask) == vfs::TypeDirectory ? EISDIR : EINVAL;
    if (change.which & vfs::AttributeChange::Mode)
        m_mode = (m_mode & vfs::TypeMask) | (change.mode & 07777);
    if (change.which & vfs::AttributeChange::Owner) {
        m_uid = change.uid;
        m_gid = change.gid;
    }
    if (change.which & vfs::AttributeChange::AccessTime)
        m_access_time = change.access_time;
    if (change.which & vfs::AttributeChange::ModifyTime)
        m_modify_time = change.modify_time;
    if (change.which)
        m_change_time = vfs::current_time();
    return {};
}

DevDirectory::DevDirectory(DevFs& fs, uint64_t inode, uint64_t parent_inode)
    : DevNode(fs, inode, vfs::TypeDirectory | 0755)
    , m_parent_inode(parent_inode)
{
}

bool DevDirectory::add(const char* name, lib::RefPtr<DevNode> node, Presence present)
{
    if (!node || m_count == MAX_ENTRIES)
        return false;
    m_entries[m_count++] = { name, node, present };
    return true;
}

const DevDirectory::Entry* DevDirectory::find(lib::StringView name) const
{
    for (size_t i = 0; i < m_count; ++i)
        if (lib::StringView(m_entries[i].name) == name && (!m_entries[i].present || m_entries[i].present()))
            return &m_entries[i];
    return nullptr;
}

uint32_t DevDirectory::link_count() const
{
    uint32_t count = 2;
    for (size_t i = 0; i < m_count; ++i)
        if ((m_entries[i].node->mode() & vfs::TypeMask) == vfs::TypeDirectory)
            ++count;
    return count;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::lookup(lib::StringView name)
{
    const Entry* entry = find(name);
    if (!entry)
        return ENOENT;
    return lib::RefPtr<vfs::Vnode>(entry->node);
}

// Cookies: 0 ".", 1 "..", then 2 + the entry's index (absent entries are skipped).
lib::ErrorOr<uint64_t> DevDirectory::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (!vfs::emit_dots(emit, context, cookie, m_inode, m_mode, m_parent_inode))
        return cookie;
    for (; cookie - 2 < m_count; ++cookie) {
        const Entry& entry = m_entries[cookie - 2];
        if (entry.present && !entry.present())
            continue;
        if (!vfs::emit_entry(emit, context, entry.node->inode_number(), entry.node->mode(), entry.name, cookie + 1))
            return cookie;
    }
    return cookie;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::refuse_new(lib::StringView name) const
{
    if (find(name))
        return EEXIST;
    return EROFS;
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::create(lib::StringView name, uint32_t) { return refuse_new(name); }
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::make_directory(lib::StringView name, uint32_t) { return refuse_new(name); }
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::make_symlink(lib::StringView name, lib::StringView) { return refuse_new(name); }
lib::ErrorOr<lib::RefPtr<vfs::Vnode>> DevDirectory::make_node(lib::StringView name, uint32_t, uint64_t) { return refuse_new(name); }

lib::ErrorOr<void> DevDirectory::link(lib::StringView name, vfs::Vnode&)
{
    TRY(refuse_new(name));
    return {};
}

lib::ErrorOr<void> DevDirectory::unlink(lib::StringView name)
{
    const Entry* entry = find(name);
    if (!entry)
        return ENOENT;
    return (entry->node->mode() & vfs::TypeMask) == vfs::TypeDirectory ? EISDIR : EPERM;
}

lib::ErrorOr<void> DevDirectory::remove_directory(lib::StringView name)
{
    const Entry* entry = find(name);
    if (!entry)
        return ENOENT;
    return (entry->node->mode() & vfs::TypeMask) == vfs::TypeDirectory ? EPERM : ENOTDIR;
}

lib::ErrorOr<void> DevDirectory::rename(lib::StringView name, vfs::Vnode&, lib::StringView, uint32_t)
{
    if (!find(name))
        return ENOENT;
    return EPERM;
}

DevSymlink::DevSymlink(DevFs& fs, uint64_t inode, const char* target)
    : DevNode(fs, inode, vfs::TypeSymlink | 0777)
    , m_target(target)
    , m_length(lib::StringView(target).length())
{
}

lib::ErrorOr<size_t> DevSymlink::read_link(char* buffer, size_t size)
{
    memcpy(buffer, m_target, size < m_length ? size : m_length);
    return m_length;
}

} // namespace fs
