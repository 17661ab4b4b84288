// A program's virtual memory: regions of user addresses, each backed by one physically
// contiguous run of guest frames, kept sorted. Mapping changes go to a PageMapper (host
// mmap on the process platform, page tables under KVM).
#pragma once

#include <lib/error_or.h>
#include <mm/frame_allocator.h>
#include <stddef.h>
#include <stdint.h>

namespace mm {

class PageMapper {
public:
    virtual lib::ErrorOr<void> map(uint64_t va, uint64_t pa, uint64_t length, int protection) = 0;
    virtual lib::ErrorOr<void> unmap(uint64_t va, uint64_t length) = 0;
    virtual lib::ErrorOr<void> protect(uint64_t va, uint64_t length, int protection) = 0;
    // The frames' contents are dead: they must read as zero when next handed out.
    virtual void release_frames(uint64_t pa, uint64_t length) = 0;

protected:
    ~PageMapper() = default;
};

struct Region {
    uint64_t start;
    uint64_t end;
    uint64_t physical; // of `start`; the run is contiguous
    int protection;
    uint64_t size() const { return end - start; }
};

class AddressSpace {
public:
    AddressSpace(PageMapper&, FrameAllocator&, Region* storage, size_t capacity, uint64_t lowest, uint64_t highest);

    // The highest free, page-aligned range of `length` bytes that ends at or below `top`.
    lib::ErrorOr<uint64_t> find_free_range(uint64_t length, uint64_t top) const;
    bool is_free(uint64_t start, uint64_t length) const;

    // Backs [start, start+length) with fresh zeroed frames. The range must be free.
    lib::ErrorOr<void> map_anonymous(uint64_t start, uint64_t length, int protection);
    // Unmapped holes inside the range are fine, as with Linux munmap.
    lib::ErrorOr<void> unmap(uint64_t start, uint64_t length);
    // Every page in the range must be mapped (ENOMEM otherwise, as Linux).
    lib::ErrorOr<void> protect(uint64_t start, uint64_t length, int protection);

    // Drops the contents of the mapped pages in the range: they read as zero afterwards
    // (MADV_DONTNEED on private anonymous memory).
    void discard(uint64_t start, uint64_t length);

    // The physical address behind `va`, or EFAULT.
    lib::ErrorOr<uint64_t> translate(uint64_t va) const;
    const Region* find(uint64_t va) const;

    size_t region_count() const { return m_count; }
    const Region& region(size_t index) const { return m_regions[index]; }

private:
    // Index of the first region whose end is above `va`.
    size_t lower_bound(uint64_t va) const;
    // Makes `va` a region boundary, splitting the region that spans it.
    lib::ErrorOr<void> split_at(uint64_t va);
    lib::ErrorOr<void> insert(size_t index, const Region&);
    void erase(size_t index);
    void free_region(const Region&);

    PageMapper& m_mapper;
    FrameAllocator& m_frames;
    Region* m_regions;
    size_t m_capacity;
    size_t m_count { 0 };
    uint64_t m_lowest;
    uint64_t m_highest;
};

} // namespace mm
