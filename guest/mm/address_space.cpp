// Program address spaces: the sorted region array (see mm/address_space.h). The pages behind
// the regions are in address_space_paging.cpp.
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <mm/address_space.h>

extern "C" void* memmove(void*, const void*, size_t);

namespace mm {

namespace {

constexpr uint64_t PAGE_SIZE = FrameAllocator::FRAME_SIZE;
constexpr int PROT_WRITE = 2;

bool page_aligned(uint64_t value) { return (value & (PAGE_SIZE - 1)) == 0; }
uint64_t round_up(uint64_t value) { return (value + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

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

AddressSpace::~AddressSpace()
{
    release_all();
    if (m_owns_storage)
        lib::deallocate(m_regions);
}

void AddressSpace::release_all()
{
    for (size_t i = 0; i < m_count; ++i) {
        release_range(m_regions[i].start, m_regions[i].end);
        if (m_regions[i].file)
            m_regions[i].file->release();
    }
    m_count = 0;
    m_last_fault_end = 0;
    m_fault_block = FAULT_BLOCK;
    m_last_copy_end = 0;
    m_copy_block = 0;
}

lib::ErrorOr<AddressSpace*> AddressSpace::fork_copy()
{
    auto* child = lib::make<AddressSpace>(m_mapper, m_frames, nullptr, 0, m_lowest, m_highest);
    if (!child)
        return ENOMEM;
    auto copied = fork_into(*child);
    if (copied.is_error()) {
        lib::destroy(child);
        return lib::Error(copied.error());
    }
    return child;
}

lib::ErrorOr<void> AddressSpace::fork_into(AddressSpace& child)
{
    // Shared memory gets all its frames now, so that both spaces see the same ones for good.
    // FIXME: Linux backs it lazily in both processes; this costs frames for pages never
    // touched, and a huge MAP_SHARED reservation makes fork fail with ENOMEM.
    for (size_t i = 0; i < m_count; ++i)
        if (m_regions[i].flags & RegionShared)
            TRY(populate(m_regions[i].start, m_regions[i].size()));
    for (size_t i = 0; i < m_count; ++i) {
        const Region& region = m_regions[i];
        TRY(child.insert(child.m_count, region));
        bool copy_on_write = !(region.flags & RegionShared) && (region.protection & PROT_WRITE);
        for (Run run = next_run(region.start, region.end, false); run.start < region.end; run = next_run(run.end, region.end, false)) {
            for (uint64_t va = run.start; va < run.end; va += PAGE_SIZE) {
                uint64_t frame = m_pages.lookup(va);
                TRY(child.m_pages.set(va, frame));
                m_frames.share(frame);
            }
            // A run shared already (an earlier fork) is read-only on the machine already.
            if (copy_on_write && !run.shared)
                TRY(m_mapper.protect(run.start, run.end - run.start, machine_protection(region.protection, region.flags, true)));
        }
    }
    // Streaming programs keep streaming in the child.
    child.m_last_fault_end = m_last_fault_end;
    child.m_fault_block = m_fault_block;
    return {};
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

bool AddressSpace::is_covered(uint64_t start, uint64_t end) const
{
    for (uint64_t va = start; va < end;) {
        const Region* region = find(va);
        if (!region)
            return false;
        va = region->end;
    }
    return true;
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
    if (m_count == m_capacity) {
        size_t capacity = m_capacity ? m_capacity * 2 : 64;
        auto* grown = static_cast<Region*>(lib::allocate(capacity * sizeof(Region)));
        if (!grown)
            return ENOMEM;
        // SAFETY: both arrays hold at least m_count regions (the old one may be none at all).
        if (m_count)
            memmove(grown, m_regions, m_count * sizeof(Region));
        if (m_owns_storage)
            lib::deallocate(m_regions);
        m_regions = grown;
        m_capacity = capacity;
        m_owns_storage = true;
    }
    memmove(&m_regions[index + 1], &m_regions[index], (m_count - index) * sizeof(Region));
    m_regions[index] = region;
    ++m_count;
    if (region.file)
        region.file->retain();
    return {};
}

void AddressSpace::erase(size_t index)
{
    if (m_regions[index].file)
        m_regions[index].file->release();
    memmove(&m_regions[index], &m_regions[index + 1], (m_count - index - 1) * sizeof(Region));
    --m_count;
}

void AddressSpace::merge_around(size_t index)
{
    auto mergeable = [](const Region& low, const Region& high) {
        return low.end == high.start && low.protection == high.protection && low.flags == high.flags && !(low.flags & RegionFile);
    };
    if (index + 1 < m_count && mergeable(m_regions[index], m_regions[index + 1])) {
        m_regions[index].end = m_regions[index + 1].end;
        erase(index + 1);
    }
    if (index > 0 && mergeable(m_regions[index - 1], m_regions[index])) {
        m_regions[index - 1].end = m_regions[index].end;
        erase(index);
    }
}

lib::ErrorOr<void> AddressSpace::split_at(uint64_t va)
{
    size_t index = lower_bound(va);
    if (index == m_count || m_regions[index].start >= va)
        return {};
    Region upper = m_regions[index];
    upper.file_offset = upper.offset_of(va);
    upper.start = va;
    TRY(insert(index + 1, upper));
    m_regions[index].end = va;
    return {};
}

lib::ErrorOr<void> AddressSpace::map_anonymous(uint64_t start, uint64_t length, int protection, uint32_t flags)
{
    if (!page_aligned(start) || !page_aligned(length) || !is_free(start, length))
        return EINVAL;
    size_t index = lower_bound(start);
    TRY(insert(index, Region { start, start + length, protection, flags }));
    merge_around(index);
    return {};
}

lib::ErrorOr<void> AddressSpace::map_file(uint64_t start, uint64_t length, int protection, uint32_t flags, MappedFile& file, uint64_t offset)
{
    if (!page_aligned(start) || !page_aligned(length) || !page_aligned(offset) || !is_free(start, length) || offset + length < offset)
        return EINVAL;
    Region region { start, start + length, protection, flags | RegionFile };
    region.file = &file;
    region.file_offset = offset;
    TRY(insert(lower_bound(start), region));
    return {};
}

lib::ErrorOr<void> AddressSpace::unmap(uint64_t start, uint64_t length)
{
    if (!page_aligned(start) || length == 0 || start + length < start)
        return EINVAL;
    uint64_t end = start + round_up(length);
    TRY(split_at(start));
    TRY(split_at(end));
    size_t index = lower_bound(start);
    while (index < m_count && m_regions[index].start < end) {
        Region region = m_regions[index];
        release_range(region.start, region.end);
        TRY(m_mapper.unmap(region.start, region.size()));
        erase(index);
    }
    return {};
}

lib::ErrorOr<void> AddressSpace::protect(uint64_t start, uint64_t length, int protection)
{
    if (!page_aligned(start) || start + length < start)
        return EINVAL;
    uint64_t end = start + round_up(length);
    // As Linux: the mapped pages up to the first hole change, then ENOMEM.
    uint64_t covered_end = start;
    while (covered_end < end) {
        const Region* region = find(covered_end);
        if (!region)
            break;
        covered_end = region->end;
    }
    if (covered_end == start)
        return ENOMEM;
    bool hole = covered_end < end;
    if (hole)
        end = covered_end;
    TRY(split_at(start));
    TRY(split_at(end));
    size_t index = lower_bound(start);
    for (; index < m_count && m_regions[index].start < end; ++index) {
        Region& region = m_regions[index];
        if (region.protection != protection)
            TRY(protect_backed(region.start, region.end, protection, region.flags));
        region.protection = protection;
    }
    // Rejoin what the splits cut, from the last changed region down to the first.
    size_t first = lower_bound(start);
    for (size_t i = index; i-- > first;)
        merge_around(i);
    if (first > 0 && first - 1 < m_count)
        merge_around(first - 1);
    if (hole)
        return ENOMEM;
    return {};
}

} // namespace mm
