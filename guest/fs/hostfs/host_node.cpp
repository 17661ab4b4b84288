// HostNode: lookups, directory listings, reads and symlink targets through the monitor.
#include "host_calls.h"
#include "missing_names.h"

#include <abi/boot_info.h>
#include <fs/hostfs.h>
#include <hv/hypercall.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <vfs/page_cache.h>

extern "C" void* memcpy(void*, const void*, size_t);

namespace fs {

using namespace host_calls;

namespace {

// ROOTFS is an image: nothing changes it while the VM runs (unikit never writes it, and
// changing it under a running VM is as unsupported as changing a container's image). So
// pages of its files are keyed by the host's (device, inode) and outlive the node: the next
// process to open or execute the file (a shell loop running python3, say) finds them, with no
// hypercall. Keys have bit 62 set and bit 63 clear, so they never equal a kernel address (all
// of which have bit 63 set). Volumes (even read-only ones, which the host may change, as with
// docker's bind mounts) and files whose numbers do not fit key by the node's own address, and
// their pages go with the node.
const void* page_key_for(const HostNode& node, bool rootfs, const uabi::HostAttributes& attributes)
{
    bool fits = attributes.dev < (1ull << 30) && attributes.ino < (1ull << 32);
    if (!rootfs || !fits)
        return &node;
    return reinterpret_cast<const void*>((1ull << 62) | (attributes.dev << 32) | attributes.ino);
}

} // namespace

HostNode::HostNode(HostFs& file_system, int64_t handle, const uabi::HostAttributes& attributes)
    : m_fs(&file_system)
    , m_handle(handle)
    , m_attributes(to_attributes(attributes))
    , m_page_key(page_key_for(*this, file_system.mount_index() == 0, attributes))
{
}

lib::ErrorOr<lib::RefPtr<HostNode>> HostNode::create(HostFs& file_system, int64_t handle, const uabi::HostAttributes& attributes)
{
    auto node = lib::make_ref<HostNode>(file_system, handle, attributes);
    if (!node) {
        release(handle);
        return ENOMEM;
    }
    return node;
}

HostNode::~HostNode()
{
    if (m_page_key == this)
        vfs::page_cache().forget(this);
    release(m_handle);
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> HostNode::new_child(int64_t handle, const uabi::HostAttributes& attributes)
{
    auto node = TRY(create(*m_fs, handle, attributes));
    return lib::RefPtr<vfs::Vnode>(static_cast<lib::RefPtr<HostNode>&&>(node));
}

void HostNode::set_attributes_from(const uabi::HostAttributes& attributes) { m_attributes = to_attributes(attributes); }

lib::ErrorOr<void> HostNode::refresh_attributes()
{
    uabi::HostGetAttributesRequest request {};
    request.handle = m_handle;
    TRY(hv::result_of(hv::call(uabi::Hypercall::HostGetAttributes, request)));
    set_attributes_from(request.attributes);
    return {};
}

lib::ErrorOr<void> HostNode::open(uint32_t)
{
    if (!is_read_only())
        TRY(refresh_attributes());
    return {};
}

lib::ErrorOr<lib::RefPtr<vfs::Vnode>> HostNode::lookup(lib::StringView name)
{
    if (node_type() != vfs::TypeDirectory)
        return ENOTDIR;
    // Only ROOTFS's directories have keys other than their own address.
    bool remembers_missing = m_page_key != this;
    if (remembers_missing && missing_names::contains(m_page_key, name))
        return ENOENT;
    uabi::HostLookupRequest request {};
    request.directory = m_handle;
    TRY(copy_name(request.name, name));
    auto found = hv::result_of(hv::call(uabi::Hypercall::HostLookup, request));
    if (found.is_error()) {
        if (found.error() == ENOENT.code && remembers_missing)
            missing_names::add(m_page_key, name);
        return lib::Error(found.error());
    }
    return new_child(request.handle, request.attributes);
}

namespace {

// linux_dirent64 as the monitor writes it: d_ino, d_off, d_reclen, d_type, then the name.
struct DirentHeader {
    uint64_t inode;
    int64_t next_offset;
    uint16_t record_length;
    uint8_t type;
};
constexpr size_t DIRENT_NAME_OFFSET = 19;

// A kernel buffer that goes away with the scope.
class ScratchBuffer {
public:
    explicit ScratchBuffer(size_t size) : m_data(static_cast<uint8_t*>(lib::allocate(size))) {}
    ~ScratchBuffer() { lib::deallocate(m_data); }
    uint8_t* data() const { return m_data; }

private:
    uint8_t* m_data;
};

// One batch of records per hypercall: a few hundred names.
constexpr size_t DIRECTORY_BATCH = 16384;
static_assert(DIRECTORY_BATCH <= uabi::BOUNCE_BUFFER_SIZE);

} // namespace

lib::ErrorOr<uint64_t> HostNode::read_directory(uint64_t cookie, EntrySink emit, void* context)
{
    if (node_type() != vfs::TypeDirectory)
        return ENOTDIR;
    // The records are copied out of the bounce buffer first: `emit` may make hypercalls.
    ScratchBuffer records(DIRECTORY_BATCH);
    if (!records.data())
        return ENOMEM;
    for (;;) {
        uabi::HostIoRequest request { m_handle, uabi::BOUNCE_BUFFER_GPA, DIRECTORY_BATCH, cookie };
        size_t got = TRY(byte_count(hv::call(uabi::Hypercall::HostReadDirectory, request), DIRECTORY_BATCH));
        if (got == 0)
            return cookie;
        memcpy(records.data(), hv::physical(uabi::BOUNCE_BUFFER_GPA), got);
        for (size_t at = 0; at < got;) {
            DirentHeader header;
            if (got - at < DIRENT_NAME_OFFSET + 1)
                return EIO;
            memcpy(&header, records.data() + at, sizeof(header));
            if (header.record_length < DIRENT_NAME_OFFSET + 1 || header.record_length > got - at)
                return EIO;
            auto const* name = reinterpret_cast<const char*>(records.data() + at + DIRENT_NAME_OFFSET);
            size_t room = header.record_length - DIRENT_NAME_OFFSET;
            size_t length = 0;
            while (length < room && name[length] != '\0')
                ++length;
            if (length == room || length == 0 || length > NAME_LENGTH || length >= sizeof(vfs::DirectoryEntry::name))
                return EIO;

            vfs::DirectoryEntry entry {};
            entry.inode = header.inode;
            entry.type = header.type;
            memcpy(entry.name, name, length);
            uint64_t next = static_cast<uint64_t>(header.next_offset);
            if (!emit(context, entry, next))
                return cookie;
            cookie = next;
            at += header.record_length;
        }
    }
}

lib::ErrorOr<size_t> HostNode::read(uint64_t offset, void* buffer, size_t length)
{
    if (node_type() == vfs::TypeDirectory)
        return EISDIR;
    if (node_type() != vfs::TypeRegular)
        return EINVAL;
    // Through the page cache for files that cannot change: another read, by this process or
    // the next one to start the same program (python3 reading its modules, say), costs no
    // hypercall. Otherwise straight into the buffer when it is guest RAM, or through the
    // bounce buffer.
    uabi::Gpa direct = physical_address(buffer, length);
    if (is_read_only() && vfs::page_cache().worth_caching(static_cast<uint64_t>(m_attributes.size))) {
        auto cached = read_through_cache(offset, static_cast<uint8_t*>(buffer), length);
        if (!cached.is_error() || cached.error() != ENOMEM.code)
            return cached;
        // No memory for the cache: read without it.
    }
    auto* out = static_cast<uint8_t*>(buffer);
    size_t done = 0;
    while (done < length) {
        size_t chunk = length - done;
        uabi::Gpa target = direct + done;
        if (!direct) {
            chunk = chunk < uabi::BOUNCE_BUFFER_SIZE ? chunk : uabi::BOUNCE_BUFFER_SIZE;
            target = uabi::BOUNCE_BUFFER_GPA;
        }
        uabi::HostIoRequest request { m_handle, target, chunk, offset + done };
        auto got = byte_count(hv::call(uabi::Hypercall::HostRead, request), chunk);
        if (got.is_error()) {
            if (done > 0)
                break;
            return lib::Error(got.error());
        }
        if (!direct)
            memcpy(out + done, hv::physical(uabi::BOUNCE_BUFFER_GPA), got.value());
        done += got.value();
        if (got.value() < chunk)
            break; // the end of the file
    }
    return done;
}

lib::ErrorOr<size_t> HostNode::read_link(char* buffer, size_t size)
{
    if (node_type() != vfs::TypeSymlink)
        return EINVAL;
    size_t asked = size < uabi::BOUNCE_BUFFER_SIZE ? size : uabi::BOUNCE_BUFFER_SIZE;
    uabi::HostReadLinkRequest request { m_handle, uabi::BOUNCE_BUFFER_GPA, asked };
    int64_t length = TRY(hv::result_of(hv::call(uabi::Hypercall::HostReadLink, request)));
    if (static_cast<uint64_t>(length) >= uabi::PATH_MAX_BYTES)
        return EIO;
    size_t copied = static_cast<size_t>(length) < asked ? static_cast<size_t>(length) : asked;
    memcpy(buffer, hv::physical(uabi::BOUNCE_BUFFER_GPA), copied);
    return static_cast<size_t>(length);
}

} // namespace fs
