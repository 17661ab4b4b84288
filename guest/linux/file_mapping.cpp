// The files behind file regions (see linux/file_mapping.h).
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <kernel/memory.h>
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <linux/file_mapping.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);
extern "C" size_t strlen(const char*);

namespace linux {

lib::ErrorOr<FileMapping*> FileMapping::create(lib::RefPtr<vfs::Vnode> vnode, const char* path)
{
    auto attributes = TRY(vnode->attributes());
    size_t length = strlen(path);
    auto* copy = static_cast<char*>(lib::allocate(length + 1));
    if (!copy)
        return ENOMEM;
    memcpy(copy, path, length + 1);
    auto* mapping = lib::make<FileMapping>(static_cast<lib::RefPtr<vfs::Vnode>&&>(vnode), copy, attributes.device, attributes.inode);
    if (!mapping) {
        lib::deallocate(copy);
        return ENOMEM;
    }
    return mapping;
}

FileMapping::FileMapping(lib::RefPtr<vfs::Vnode> vnode, char* path, uint64_t device, uint64_t inode)
    : m_vnode(static_cast<lib::RefPtr<vfs::Vnode>&&>(vnode))
    , m_path(path)
    , m_device(device)
    , m_inode(inode)
{
}

FileMapping::~FileMapping() { lib::deallocate(m_path); }

void FileMapping::release()
{
    if (--m_references == 0)
        lib::destroy(this);
}

lib::ErrorOr<uint64_t> FileMapping::share_frame(uint64_t offset)
{
    const uint8_t* page = TRY(m_vnode->shareable_page(offset / kernel::PAGE_SIZE));
    if (!page)
        return NO_FRAME;
    // Cache pages are guest frames seen through the physical map.
    uint64_t physical = static_cast<uint64_t>(page - hv::physical(0));
    kernel::frame_allocator().share(physical);
    return physical;
}

lib::ErrorOr<void> FileMapping::read_frames(uint64_t physical, uint64_t offset, uint64_t length)
{
    auto attributes = TRY(m_vnode->attributes());
    uint64_t size = attributes.size > 0 ? static_cast<uint64_t>(attributes.size) : 0;
    // SAFETY: the frames are guest RAM that the caller just gave the mapping.
    uint8_t* to = hv::physical(physical);
    uint64_t done = 0;
    while (done < length && offset + done < size) {
        uint64_t want = length - done < size - offset - done ? length - done : size - offset - done;
        size_t got = TRY(m_vnode->read(offset + done, to + done, want));
        if (got == 0)
            break;
        done += got;
    }
    if (done < length)
        memset(to + done, 0, length - done);
    return {};
}

} // namespace linux
