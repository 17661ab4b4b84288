// Guest RAM at boot (see kernel/memory.h).
#include <abi/boot_info.h>
#include <hv/hypercall.h>
#include <kernel/layout.h>
#include <kernel/log.h>
#include <kernel/memory.h>
#include <mm/heap.h>
#include <platform/platform.h>
#include <vfs/page_cache.h>

extern "C" void* memcpy(void*, const void*, size_t);

extern "C" void* memset(void*, int, size_t);

namespace kernel {

namespace {

void clear(uint64_t pa, uint64_t length)
{
    platform::prefault(reinterpret_cast<uint64_t>(hv::physical(pa)), length, true);
    memset(hv::physical(pa), 0, length);
}

class PlatformPageMapper final : public mm::PageMapper {
public:
    lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) override { return platform::map(va, pa, length, protection); }
    lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) override { return platform::unmap(va, length); }
    lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) override { return platform::protect(va, length, protection); }
    void release_frames(uint64_t pa, uint64_t length) override { platform::release_frames(pa, length); }
    // Zeroed in place, made present in one call first (a fresh host process has none of guest
    // RAM present: a fault a page would cost ~10 us). A hole punched in guest RAM instead
    // makes the host unmap the frames from every host process that touched them, with a TLB
    // flush each: measured, a fork+execve+wait took 5.0 ms that way, 4.7 ms this way, and
    // 7.2 ms with a plain memset.
    void clear_frames(uint64_t pa, uint64_t length) override { clear(pa, length); }
    void prefault(uint64_t va, uint64_t length, bool for_writing) override { platform::prefault(va, length, for_writing); }
    void copy_frames(uint64_t to, uint64_t from, uint64_t length) override
    {
        // The new frames have no pages on the host yet: one call rather than a fault a page.
        platform::prefault(PHYSICAL_MAP_BASE + to, length, true);
        // SAFETY: both runs are guest RAM frames, which the physical map covers.
        memcpy(hv::physical(to), hv::physical(from), length);
    }
};

mm::FrameAllocator g_frames;
PlatformPageMapper g_mapper;

void* allocate_heap_pages(uint64_t count)
{
    auto frames = g_frames.allocate(count);
    if (frames.is_error())
        return nullptr;
    // The heap hands out large blocks as fresh (zero) pages.
    if (g_frames.take_dirty(frames.value(), count))
        clear(frames.value(), count * PAGE_SIZE);
    return hv::physical(frames.value());
}

void free_heap_pages(void* pages, uint64_t count)
{
    // Cleared when next handed out (FrameAllocator::take_dirty).
    uint64_t physical = reinterpret_cast<uint64_t>(pages) - PHYSICAL_MAP_BASE;
    g_frames.free(physical, count);
}

} // namespace

void initialize_memory()
{
    uint64_t ram = platform::ram_size();
    if (ram <= uabi::FIRST_FREE_GPA + 64 * PAGE_SIZE)
        panic("guest RAM too small");
    uint64_t frame_count = (ram - uabi::FIRST_FREE_GPA) / PAGE_SIZE;
    // The bitmap and reference counts live in the first free frames.
    g_frames.initialize(hv::physical(uabi::FIRST_FREE_GPA), uabi::FIRST_FREE_GPA, frame_count);
    uint64_t bookkeeping_bytes = mm::FrameAllocator::storage_bytes(frame_count);
    g_frames.reserve(uabi::FIRST_FREE_GPA, page_round_up(bookkeeping_bytes) / PAGE_SIZE);
    mm::initialize_kernel_heap({ allocate_heap_pages, free_heap_pages });
    // ROOTFS pages read once stay in guest memory, up to an eighth of it.
    vfs::page_cache().initialize({ allocate_heap_pages, free_heap_pages }, ram / 8 / PAGE_SIZE);
}

mm::FrameAllocator& frame_allocator() { return g_frames; }
mm::PageMapper& page_mapper() { return g_mapper; }

} // namespace kernel
