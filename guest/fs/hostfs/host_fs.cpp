// HostFs: mounting an entry of the monitor's mount table, and the helpers every hostfs call uses.
#include "host_calls.h"

#include <abi/boot_info.h>
#include <fs/hostfs.h>
#include <hv/hypercall.h>
#include <lib/errno_codes.h>

namespace fs {

namespace host_calls {

lib::ErrorOr<void> copy_name(char (&field)[uabi::HOST_NAME_BYTES], lib::StringView name)
{
    if (name.is_empty() || name == "." || name == "..")
        return EINVAL;
    if (name.length() > NAME_LENGTH)
        return ENAMETOOLONG;
    for (size_t index = 0; index < name.length(); ++index) {
        if (name[index] == '/' || name[index] == '\0')
            return EINVAL;
    }
    name.copy_to(field, sizeof(field));
    return {};
}

uabi::Gpa physical_address(const void* pointer, size_t length)
{
    auto address = reinterpret_cast<uint64_t>(pointer);
    auto base = reinterpret_cast<uint64_t>(hv::physical(0));
    uint64_t ram_size = hv::boot_info().ram_size;
    if (address < base || address - base >= ram_size || length > ram_size - (address - base))
        return 0;
    return address - base;
}

lib::ErrorOr<size_t> byte_count(int64_t raw, size_t asked)
{
    int64_t count = TRY(hv::result_of(raw));
    if (static_cast<uint64_t>(count) > asked)
        return EIO;
    return static_cast<size_t>(count);
}

vfs::Attributes to_attributes(const uabi::HostAttributes& host)
{
    vfs::Attributes attributes {};
    attributes.device = host.dev;
    attributes.inode = host.ino;
    attributes.mode = host.mode;
    attributes.link_count = static_cast<uint32_t>(host.nlink);
    attributes.uid = host.uid;
    attributes.gid = host.gid;
    attributes.rdev = host.rdev;
    attributes.size = host.size;
    attributes.block_size = host.blksize;
    attributes.blocks = host.blocks;
    attributes.access_time = { host.atime_sec, host.atime_nsec };
    attributes.modify_time = { host.mtime_sec, host.mtime_nsec };
    attributes.change_time = { host.ctime_sec, host.ctime_nsec };
    return attributes;
}

void release(int64_t handle)
{
    uabi::HostReleaseRequest request { handle };
    hv::call(uabi::Hypercall::HostRelease, request);
}

} // namespace host_calls

namespace {

const uabi::MountTable& mount_table() { return *reinterpret_cast<const uabi::MountTable*>(hv::physical(uabi::MOUNTS_GPA)); }

} // namespace

uint32_t HostFs::mount_count()
{
    if (hv::boot_info().abi_version < 3)
        return 0;
    uint32_t count = mount_table().count;
    return count < uabi::MOUNTS_MAX ? count : uabi::MOUNTS_MAX;
}

const char* HostFs::mount_path(uint32_t index)
{
    if (index >= mount_count())
        return nullptr;
    auto const& entry = mount_table().entries[index];
    // The monitor NUL-terminates it; a last byte that is not NUL means a broken table.
    return entry.guest_path[uabi::MOUNT_PATH_BYTES - 1] == '\0' ? entry.guest_path : nullptr;
}

HostFs::HostFs(uint32_t mount_index, bool read_only)
    : m_mount_index(mount_index)
    , m_read_only(read_only)
{
}

lib::ErrorOr<lib::RefPtr<HostFs>> HostFs::mount(uint32_t mount_index)
{
    if (mount_index >= mount_count())
        return ENOENT;
    // ROOTFS is read-only whatever the table says: its writable layer is the overlay's.
    bool read_only = mount_index == 0 || (mount_table().entries[mount_index].flags & uabi::MountReadOnly);
    auto file_system = lib::make_ref<HostFs>(mount_index, read_only);
    if (!file_system)
        return ENOMEM;

    uabi::HostRootRequest request {};
    request.mount = mount_index;
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostRoot, request)));
    file_system->m_root = TRY(HostNode::create(*file_system, request.handle, request.attributes));
    if (!file_system->m_root->is_directory())
        return ENOTDIR;
    return file_system;
}

lib::RefPtr<vfs::Vnode> HostFs::root() { return m_root; }

} // namespace fs
