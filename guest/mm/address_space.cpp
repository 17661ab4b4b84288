// Program address spaces (see mm/address_space.h).
#include <lib/errno_codes.h>
#include <mm/address_space.h>

namespace mm {

namespace {

constexpr uint64_t PAGE_SIZE = FrameAllocator::FRAME_SIZE;

bool page_aligned(uint64_t value) { return (value & (PAGE_SIZE - 1)) == 0; }

} // namespace

AddressSpace::AddressSpace(PageMapper& mapper, FrameAllocator& frames, Region* storage, size_t capacity, uint64_t lowest, uint64_t highest)
    : m_mapper(mapper)
    , m_frames(frames)
    , m_regions(storage)
    , m_capacity(capacity)
    , m_lowest(lowest)
    , m_highest(highest)
{
}

size_t AddressSpace::lower_bound(uint64_t va) const
{
    size_t low = 0, high = m_count;
    while (low < high) {
        size_t middle = (low + high) / 2;
        if (m_regions[middle].end <= va)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

const Region* AddressSpace::find(uint64_t va) const
{
    size_t index = lower_bound(va);
    if (index < m_count && m_regions[index].start <= va)
        return &m_regions[index];
    return nullptr;
}

bool AddressSpace::is_free(uint64_t start, uint64_t length) const
{
    if (length == 0 || start < m_lowest || start + length > m_highest || start + length < start)
        return false;
    size_t index = lower_bound(start);
    return index == m_count || m_regions[index].start >= start + length;
}

lib::ErrorOr<uint64_t> AddressSpace::find_free_range(uint64_t length, uint64_t top) const
{
    if (length == 0 || !page_aligned(length) || length > m_highest - m_lowest)
        return ENOMEM;
    if (top > m_highest)
        top = m_highest;
    // Walk the gaps from the highest down.
    size_t index = lower_bound(top);
    uint64_t gap_end = top;
    for (;;) {
        if (index < m_count && m_regions[index].start < gap_end)
            gap_end = m_regions[index].start;
        uint64_t gap_start = index == 0 ? m_lowest : m_regions[index - 1].end;
        if (gap_start < m_lowest)
            gap_start = m_lowest;
        if (gap_end >= gap_start && gap_end - gap_start >= length)
            return gap_end - length;
        if (index == 0)
            return ENOMEM;
        --index;
        gap_end = m_regions[index].start;
    }
}

lib::ErrorOr<void> AddressSpace::insert(size_t index, const Region& region)
{
    if (m_count == m_capacity)
        return ENOMEM;
    for (size_t i = m_count; i > index; --i)
        m_regions[i] = m_regions[i - 1];
    m_regions[index] = region;
    ++m_count;
    return {};
}

void AddressSpace::erase(size_t index)
{
    for (size_t i = index; i + 1 < m_count; ++i)
        m_regions[i] = m_regions[i + 1];
    --m_count;
}

lib::ErrorOr<void> AddressSpace::split_at(uint64_t va)
{
    size_t index = lower_bound(va);
    if (index == m_count || m_regions[index].start >= va)
        return {};
    Region& region = m_regions[index];
    Region upper { va, region.end, region.physical + (va - region.start), region.protection };
    TRY(insert(index + 1, upper));
    m_regions[index].end = va;
    return {};
}

void AddressSpace::free_region(const Region& region)
{
    m_mapper.release_frames(region.physical, region.size());
    m_frames.free(region.physical, region.size() / PAGE_SIZE);
}

lib::ErrorOr<void> AddressSpace::map_anonymous(uint64_t start, uint64_t length, int protection)
{
    if (!page_aligned(start) || !page_aligned(length) || !is_free(start, length))
        return EINVAL;
    // Prefer one contiguous run; fall back to smaller runs when frames are fragmented.
    uint64_t done = 0;
    uint64_t chunk = length / PAGE_SIZE;
    while (done < length) {
        uint64_t remaining = (length - done) / PAGE_SIZE;
        if (chunk > remaining)
            chunk = remaining;
        auto frames = m_frames.allocate(chunk);
        if (frames.is_error()) {
            if (chunk > 1) {
                chunk /= 2;
                continue;
            }
            (void)unmap(start, done);
            return ENOMEM;
        }
        Region region { start + done, start + done + chunk * PAGE_SIZE, frames.value(), protection };
        auto mapped = m_mapper.map(region.start, region.physical, region.size(), protection);
        auto inserted = mapped.is_error() ? lib::ErrorOr<void>(lib::Error(mapped.error())) : insert(lower_bound(region.start), region);
        if (inserted.is_error()) {
            m_frames.free(region.physical, chunk);
            (void)unmap(start, done);
            return lib::Error(inserted.error());
        }
        done += region.size();
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::unmap(uint64_t start, uint64_t length)
{
    if (!page_aligned(start) || length == 0 || start + length < start)
        return EINVAL;
    uint64_t end = start + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    TRY(split_at(start));
    TRY(split_at(end));
    size_t index = lower_bound(start);
    while (index < m_count && m_regions[index].start < end) {
        Region region = m_regions[index];
        TRY(m_mapper.unmap(region.start, region.size()));
        free_region(region);
        erase(index);
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::protect(uint64_t start, uint64_t length, int protection)
{
    if (!page_aligned(start) || start + length < start)
        return EINVAL;
    uint64_t end = start + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    for (uint64_t va = start; va < end;) {
        const Region* region = find(va);
        if (!region)
            return ENOMEM;
        va = region->end;
    }
    TRY(split_at(start));
    TRY(split_at(end));
    for (size_t index = lower_bound(start); index < m_count && m_regions[index].start < end; ++index) {
        TRY(m_mapper.protect(m_regions[index].start, m_regions[index].size(), protection));
        m_regions[index].protection = protection;
    }
    return {};
}

void AddressSpace::discard(uint64_t start, uint64_t length)
{
    uint64_t end = start + length;
    for (size_t index = lower_bound(start); index < m_count && m_regions[index].start < end; ++index) {
        const Region& region = m_regions[index];
        uint64_t from = region.start > start ? region.start : start;
        uint64_t to = region.end < end ? region.end : end;
        m_mapper.release_frames(region.physical + (from - region.start), to - from);
    }
}

lib::ErrorOr<uint64_t> AddressSpace::translate(uint64_t va) const
{
    const Region* region = find(va);
    if (!region)
        return EFAULT;
    return region->physical + (va - region->start);
}

} // namespace mm
