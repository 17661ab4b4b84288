// HostNode reads through the page cache: files of read-only mounts (ROOTFS) cannot change
// under the guest, so a page read once is served from guest memory afterwards. A miss reads
// a window of pages (in one hypercall, straight into them). Private mappings of such files map the cached pages
// themselves (shareable_page; see mm/address_space.h for how they are copied on write).
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
    if (const uint8_t* page = cache.find(m_page_key, index))
        return page;
    uint64_t size = static_cast<uint64_t>(m_attributes.size);
    uint64_t file_pages = (size + PAGE - 1) / PAGE;
    if (index >= file_pages)
        return EIO;
    // New pages for the window from `index` on, up to the end of the file or a page cached
    // already.
    uint8_t* pages[WINDOW_PAGES];
    uint64_t count = 0;
    uint64_t wanted = file_pages - index < WINDOW_PAGES ? file_pages - index : WINDOW_PAGES;
    while (count < wanted) {
        bool fresh = false;
        uint8_t* page = cache.insert(m_page_key, index + count, &fresh);
        if (!page && count == 0)
            return ENOMEM;
        if (!page || !fresh)
            break;
        pages[count++] = page;
    }
    // The host reads the file straight into the new pages, a physically contiguous run at a
    // time (pages allocated one after the other mostly are): no copy, and no first touch of
    // the pages by the guest (~10 us each on the process platform).
    for (uint64_t at = 0; at < count;) {
        uint64_t run = 1;
        while (at + run < count && pages[at + run] == pages[at] + run * PAGE)
            ++run;
        uint64_t start = (index + at) * PAGE;
        uint64_t length = size - start < run * PAGE ? size - start : run * PAGE;
        uabi::Gpa direct = physical_address(pages[at], run * PAGE);
        uabi::HostIoRequest request { m_handle, direct ? direct : uabi::BOUNCE_BUFFER_GPA, length, start };
        auto got = byte_count(hv::call(uabi::Hypercall::HostRead, request), length);
        if (got.is_error() || got.value() == 0) {
            // Pages the read did not fill must not stay cached.
            cache.forget(m_page_key);
            return got.is_error() ? lib::Error(got.error()) : EIO; // EIO: the file shrank
        }
        if (!direct)
            memcpy(pages[at], hv::physical(uabi::BOUNCE_BUFFER_GPA), got.value());
        // Past the end of the file (or of what the host had) the pages read as zero.
        if (got.value() < run * PAGE)
            memset(pages[at] + got.value(), 0, run * PAGE - got.value());
        at += run;
    }
    return pages[0];
}

lib::ErrorOr<const uint8_t*> HostNode::shareable_page(uint64_t index)
{
    // Files of read-only mounts cannot change, so their cached pages can be mapped as they are.
    uint64_t size = static_cast<uint64_t>(m_attributes.size);
    if (node_type() != vfs::TypeRegular || !is_read_only() || index >= (size + PAGE - 1) / PAGE)
        return nullptr;
    if (!vfs::page_cache().worth_mapping(size))
        return nullptr;
    auto page = cached_page(index);
    if (page.is_error() && page.error() == ENOMEM.code)
        return nullptr; // no room in the cache: the mapping copies the page instead
    return page;
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
