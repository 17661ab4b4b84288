// HostNode reads through the page cache: files of read-only mounts (ROOTFS) cannot change
// under the guest, so a page read once is served from guest memory afterwards. A miss reads
// a window of pages in one hypercall.
#include "host_calls.h"

#include <abi/boot_info.h>
#include <fs/hostfs.h>
#include <hv/hypercall.h>
#include <lib/errno_codes.h>
#include <vfs/page_cache.h>

extern "C" void* memcpy(void*, const void*, size_t);
extern "C" void* memset(void*, int, size_t);

namespace fs {

using namespace host_calls;

namespace {

constexpr uint64_t PAGE = vfs::PageCache::PAGE_SIZE;
constexpr uint64_t WINDOW_PAGES = uabi::BOUNCE_BUFFER_SIZE / PAGE;

} // namespace

lib::ErrorOr<const uint8_t*> HostNode::cached_page(uint64_t index)
{
    vfs::PageCache& cache = vfs::page_cache();
    if (const uint8_t* page = cache.find(this, index))
        return page;
    // Read the window of pages from `index` on (up to the end of the file) and keep them.
    uint64_t size = static_cast<uint64_t>(m_attributes.size);
    uint64_t start = index * PAGE;
    uint64_t length = size - start < WINDOW_PAGES * PAGE ? size - start : WINDOW_PAGES * PAGE;
    uabi::HostIoRequest request { m_handle, uabi::BOUNCE_BUFFER_GPA, length, start };
    size_t got = TRY(byte_count(hv::call(uabi::Hypercall::HostRead, request), length));
    const uint8_t* bounce = hv::physical(uabi::BOUNCE_BUFFER_GPA);
    const uint8_t* wanted = nullptr;
    for (uint64_t at = 0; at < got; at += PAGE) {
        uint8_t* page = cache.insert(this, index + at / PAGE);
        if (!page)
            return ENOMEM;
        size_t bytes = got - at < PAGE ? got - at : PAGE;
        memcpy(page, bounce + at, bytes);
        memset(page + bytes, 0, PAGE - bytes);
        if (at == 0)
            wanted = page;
    }
    if (!wanted)
        return EIO; // the file is shorter than its attributes said
    return wanted;
}

lib::ErrorOr<size_t> HostNode::read_through_cache(uint64_t offset, uint8_t* out, size_t length)
{
    uint64_t size = static_cast<uint64_t>(m_attributes.size);
    if (offset >= size)
        return 0;
    if (length > size - offset)
        length = size - offset;
    size_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        auto page = cached_page(position / PAGE);
        if (page.is_error()) {
            if (done > 0)
                break;
            return lib::Error(page.error());
        }
        size_t in_page = position % PAGE;
        size_t bytes = PAGE - in_page < length - done ? PAGE - in_page : length - done;
        memcpy(out + done, page.value() + in_page, bytes);
        done += bytes;
    }
    return done;
}

} // namespace fs
