// HostNode: the changes a read-write mount allows (EROFS on a read-only one, without a hypercall).
#include "host_calls.h"

#include <abi/boot_info.h>
#include <fs/hostfs.h>
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <vfs/clock.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

using namespace host_calls;

HostNode* HostNode::same_file_system(Vnode& other)
{
    if (&other.file_system() != static_cast<vfs::FileSystem*>(m_fs))
        return nullptr;
    // Every node of a HostFs is a HostNode.
    return static_cast<HostNode*>(&other);
}

lib::ErrorOr<void> HostNode::check_writable_directory() const
{
    if (node_type() != vfs::TypeDirectory)
        return ENOTDIR;
    if (is_read_only())
        return EROFS;
    return {};
}

void HostNode::touch_directory(int link_count_change)
{
    vfs::Timestamp now = vfs::current_time();
    m_attributes.modify_time = now;
    m_attributes.change_time = now;
    m_attributes.link_count = static_cast<uint32_t>(static_cast<int64_t>(m_attributes.link_count) + link_count_change);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> HostNode::create(lib::StringView name, uint32_t mode)
{
    TRY(check_writable_directory());
    uabi::HostCreateRequest request {};
    request.directory = m_handle;
    request.mode = mode & 07777;
    request.flags = uabi::HostCreateExclusive;
    TRY(copy_name(request.name, name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostCreate, request)));
    touch_directory();
    return new_child(request.handle, request.attributes);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> HostNode::make_directory(lib::StringView name, uint32_t mode)
{
    TRY(check_writable_directory());
    uabi::HostCreateRequest request {};
    request.directory = m_handle;
    request.mode = mode & 07777;
    TRY(copy_name(request.name, name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostMakeDirectory, request)));
    touch_directory(1);
    return new_child(request.handle, request.attributes);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> HostNode::make_symlink(lib::StringView name, lib::StringView target)
{
    TRY(check_writable_directory());
    if (target.is_empty())
        return ENOENT;
    if (target.length() >= uabi::PATH_MAX_BYTES)
        return ENAMETOOLONG;
    uabi::HostMakeSymlinkRequest request {};
    request.directory = m_handle;
    TRY(copy_name(request.name, name));
    if (!target.copy_to(reinterpret_cast<char*>(hv::physical(uabi::BOUNCE_BUFFER_GPA)), uabi::BOUNCE_BUFFER_SIZE))
        return ENAMETOOLONG;
    request.target = uabi::BOUNCE_BUFFER_GPA;
    request.target_length = target.length() + 1;
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostMakeSymlink, request)));
    touch_directory();
    return new_child(request.handle, request.attributes);
}

lib::ErrorOr<void> HostNode::link(lib::StringView name, Vnode& target)
{
    TRY(check_writable_directory());
    HostNode* host_target = same_file_system(target);
    if (!host_target)
        return EXDEV;
    uabi::HostLinkRequest request {};
    request.directory = m_handle;
    request.target = host_target->m_handle;
    TRY(copy_name(request.name, name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostLink, request)));
    host_target->set_attributes_from(request.attributes);
    touch_directory();
    return {};
}

lib::ErrorOr<void> HostNode::unlink(lib::StringView name)
{
    TRY(check_writable_directory());
    uabi::HostNameRequest request {};
    request.directory = m_handle;
    TRY(copy_name(request.name, name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostUnlink, request)));
    // FIXME: other nodes of the unlinked file keep their old link count until refreshed.
    touch_directory();
    return {};
}

lib::ErrorOr<void> HostNode::remove_directory(lib::StringView name)
{
    TRY(check_writable_directory());
    uabi::HostNameRequest request {};
    request.directory = m_handle;
    TRY(copy_name(request.name, name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostRemoveDirectory, request)));
    touch_directory(-1);
    return {};
}

lib::ErrorOr<void> HostNode::rename(lib::StringView name, Vnode& new_directory, lib::StringView new_name, uint32_t flags)
{
    TRY(check_writable_directory());
    HostNode* target_directory = same_file_system(new_directory);
    if (!target_directory)
        return EXDEV;
    if (target_directory->node_type() != vfs::TypeDirectory)
        return ENOTDIR;
    // RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2) have the same bits in the ABI.
    static_assert(uabi::HostRenameNoReplace == 1 && uabi::HostRenameExchange == 2);
    if (flags & ~3u)
        return EINVAL;
    uabi::HostRenameRequest request {};
    request.directory = m_handle;
    request.new_directory = target_directory->m_handle;
    request.flags = flags;
    TRY(copy_name(request.name, name));
    TRY(copy_name(request.new_name, new_name));
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostRename, request)));
    // Moving a directory changes both parents' link counts: ask rather than guess.
    if (refresh_attributes().is_error())
        touch_directory();
    if (target_directory != this && target_directory->refresh_attributes().is_error())
        target_directory->touch_directory();
    return {};
}

lib::ErrorOr<size_t> HostNode::write(uint64_t offset, const void* buffer, size_t length)
{
    if (node_type() == vfs::TypeDirectory)
        return EISDIR;
    if (is_read_only())
        return EROFS;
    if (node_type() != vfs::TypeRegular)
        return EINVAL;
    // Straight from kernel memory when it is guest RAM; through the bounce buffer otherwise.
    uabi::Gpa direct = physical_address(buffer, length);
    auto const* in = static_cast<const uint8_t*>(buffer);
    size_t done = 0;
    while (done < length) {
        size_t chunk = length - done;
        uabi::Gpa source = direct + done;
        if (!direct) {
            chunk = chunk < uabi::BOUNCE_BUFFER_SIZE ? chunk : uabi::BOUNCE_BUFFER_SIZE;
            source = uabi::BOUNCE_BUFFER_GPA;
            memcpy(hv::physical(uabi::BOUNCE_BUFFER_GPA), in + done, chunk);
        }
        uabi::HostIoRequest request { m_handle, source, chunk, offset + done };
        auto written = byte_count(hv::call(uabi::Hypercall::HostWrite, request), chunk);
        if (written.is_error()) {
            if (done > 0)
                break;
            return lib::Error(written.error());
        }
        done += written.value();
        if (written.value() == 0)
            break;
    }
    if (done > 0) {
        int64_t end = static_cast<int64_t>(offset + done);
        if (end > m_attributes.size)
            m_attributes.size = end;
        vfs::Timestamp now = vfs::current_time();
        m_attributes.modify_time = now;
        m_attributes.change_time = now;
    }
    return done;
}

lib::ErrorOr<void> HostNode::set_attributes(const vfs::AttributeChange& change)
{
    if (is_read_only())
        return EROFS;
    if (change.which & vfs::AttributeChange::Size) {
        if (node_type() == vfs::TypeDirectory)
            return EISDIR;
        if (node_type() != vfs::TypeRegular)
            return EINVAL;
        uabi::HostTruncateRequest request {};
        request.handle = m_handle;
        request.size = change.size;
        TRY(hv::result_of(hv::call(uabi::Hypercall::HostTruncate, request)));
        set_attributes_from(request.attributes);
    }
    constexpr uint32_t others = vfs::AttributeChange::Mode | vfs::AttributeChange::Owner | vfs::AttributeChange::AccessTime
        | vfs::AttributeChange::ModifyTime;
    if (!(change.which & others))
        return {};
    uabi::HostSetAttributesRequest request {};
    request.handle = m_handle;
    if (change.which & vfs::AttributeChange::Mode)
        request.which |= uabi::HostSetMode;
    if (change.which & vfs::AttributeChange::Owner)
        request.which |= uabi::HostSetOwner;
    if (change.which & vfs::AttributeChange::AccessTime)
        request.which |= uabi::HostSetAccessTime;
    if (change.which & vfs::AttributeChange::ModifyTime)
        request.which |= uabi::HostSetModifyTime;
    request.mode = change.mode & 07777;
    request.uid = change.uid;
    request.gid = change.gid;
    request.atime_sec = change.access_time.seconds;
    request.atime_nsec = change.access_time.nanoseconds;
    request.mtime_sec = change.modify_time.seconds;
    request.mtime_nsec = change.modify_time.nanoseconds;
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostSetAttributes, request)));
    set_attributes_from(request.attributes);
    // FIXME: owners are accepted but not applied on the host; report what was asked.
    if (change.which & vfs::AttributeChange::Owner) {
        m_attributes.uid = change.uid;
        m_attributes.gid = change.gid;
    }
    return {};
}

} // namespace fs
