// What every tmpfs node has: attributes, timestamps and set_attributes; also symlinks.
#include "tmpfs_nodes.h"

#include <vfs/clock.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

namespace {

bool earlier_or_same(vfs::Timestamp a, vfs::Timestamp b)
{
    return a.seconds < b.seconds || (a.seconds == b.seconds && a.nanoseconds <= b.nanoseconds);
}

} // namespace

TmpNode::TmpNode(TmpFs& fs, uint32_t mode, uint64_t device)
    : m_fs(&fs)
    , m_inode(fs.allocate_inode_number())
    , m_mode(mode)
    , m_device(device)
{
    m_access_time = m_modify_time = m_change_time = vfs::current_time();
}

lib::ErrorOr<vfs::Attributes> TmpNode::attributes()
{
    vfs::Attributes attributes {};
    attributes.device = m_fs->device_number();
    attributes.inode = m_inode;
    attributes.mode = m_mode;
    attributes.link_count = m_link_count;
    if (is_tmp_directory()) {
        auto* directory = static_cast<TmpDirectory*>(this);
        attributes.link_count = directory->is_removed() ? 0 : 2 + directory->m_subdirectory_count;
    }
    attributes.uid = m_uid;
    attributes.gid = m_gid;
    attributes.rdev = m_device;
    attributes.size = size();
    attributes.block_size = TmpFs::PAGE_SIZE;
    attributes.blocks = blocks();
    attributes.access_time = m_access_time;
    attributes.modify_time = m_modify_time;
    attributes.change_time = m_change_time;
    return attributes;
}

lib::ErrorOr<void> TmpNode::set_attributes(const vfs::AttributeChange& change)
{
    TRY(check_writable());
    // The size first: it is the only change that can fail.
    if (change.which & vfs::AttributeChange::Size) {
        TRY(resize(change.size));
        touch_modify();
    }
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
        touch_change();
    return {};
}

void TmpNode::touch_change() { m_change_time = vfs::current_time(); }

void TmpNode::touch_modify() { m_modify_time = m_change_time = vfs::current_time(); }

void TmpNode::touch_access()
{
    if (m_fs->is_read_only())
        return;
    // relatime: only when the access time is not newer than the last change, or a day old.
    vfs::Timestamp now = vfs::current_time();
    if (earlier_or_same(m_access_time, m_modify_time) || earlier_or_same(m_access_time, m_change_time)
        || now.seconds - m_access_time.seconds >= 24 * 60 * 60)
        m_access_time = now;
}

lib::ErrorOr<void> TmpNode::check_writable() const
{
    if (m_fs->is_read_only())
        return EROFS;
    return {};
}

TmpSymlink::TmpSymlink(TmpFs& fs, char* target, size_t length)
    : TmpNode(fs, vfs::TypeSymlink | 0777)
    , m_target(target)
    , m_length(length)
{
}

TmpSymlink::~TmpSymlink() { lib::deallocate(m_target); }

lib::ErrorOr<size_t> TmpSymlink::read_link(char* buffer, size_t size)
{
    memcpy(buffer, m_target, size < m_length ? size : m_length);
    touch_access();
    return m_length;
}

} // namespace fs
