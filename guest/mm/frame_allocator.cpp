// Physical frame allocator (see mm/frame_allocator.h).
#include <lib/errno_codes.h>
#include <mm/frame_allocator.h>

namespace mm {

void FrameAllocator::initialize(void* storage, uint64_t base, uint64_t frame_count)
{
    m_bitmap = static_cast<uint64_t*>(storage);
    m_references = reinterpret_cast<uint32_t*>(m_bitmap + bitmap_words(frame_count));
    m_dirty = reinterpret_cast<uint64_t*>(m_references + (frame_count + 1) / 2 * 2);
    m_base = base;
    m_count = frame_count;
    m_free = frame_count;
    m_lowest_freed = 0;
    for (size_t i = 0; i < bitmap_words(frame_count); ++i)
        m_bitmap[i] = m_dirty[i] = 0;
    // Bits past the last frame stay "used" so that no search runs off the end.
    if (frame_count % 64)
        m_bitmap[frame_count / 64] = ~0ull << (frame_count % 64);
}

void FrameAllocator::set_range(uint64_t first, uint64_t count, bool used)
{
    for (uint64_t i = first; i < first + count; ++i) {
        uint64_t mask = 1ull << (i % 64);
        if (used)
            m_bitmap[i / 64] |= mask;
        else
            m_bitmap[i / 64] &= ~mask;
    }
}

uint64_t FrameAllocator::find_run(uint64_t from, uint64_t to, uint64_t count) const
{
    uint64_t i = from;
    while (i < to) {
        if (i % 64 == 0 && m_bitmap[i / 64] == ~0ull) {
            i += 64;
            continue;
        }
        if (test(i)) {
            ++i;
            continue;
        }
        uint64_t j = i;
        while (j < m_count && j - i < count) {
            if (j % 64 == 0 && m_bitmap[j / 64] == 0 && j + 64 <= m_count) {
                j += 64;
                continue;
            }
            if (test(j))
                break;
            ++j;
        }
        if (j - i >= count)
            return i;
        i = j;
    }
    return to;
}

lib::ErrorOr<uint64_t> FrameAllocator::allocate(uint64_t count)
{
    if (count == 0 || count > m_free)
        return ENOMEM;
    uint64_t index = find_run(m_lowest_freed, m_count, count);
    if (index == m_count)
        return ENOMEM;
    set_range(index, count, true);
    for (uint64_t i = index; i < index + count; ++i)
        m_references[i] = 1;
    m_free -= count;
    if (index == m_lowest_freed)
        m_lowest_freed = index + count;
    return m_base + index * FRAME_SIZE;
}

uint64_t FrameAllocator::index_of(uint64_t address) const
{
    if (address < m_base || (address - m_base) / FRAME_SIZE >= m_count)
        return m_count;
    return (address - m_base) / FRAME_SIZE;
}

void FrameAllocator::free(uint64_t address, uint64_t count)
{
    uint64_t first = (address - m_base) / FRAME_SIZE;
    if (address < m_base || first + count > m_count)
        return;
    for (uint64_t i = first; i < first + count; ++i) {
        if (!test(i) || --m_references[i] > 0)
            continue;
        m_bitmap[i / 64] &= ~(1ull << (i % 64));
        m_dirty[i / 64] |= 1ull << (i % 64);
        ++m_free;
        if (i < m_lowest_freed)
            m_lowest_freed = i;
    }
}

bool FrameAllocator::take_dirty(uint64_t address, uint64_t count)
{
    uint64_t first = (address - m_base) / FRAME_SIZE;
    if (address < m_base || first + count > m_count)
        return false;
    bool dirty = false;
    for (uint64_t i = first; i < first + count; ++i) {
        uint64_t mask = 1ull << (i % 64);
        dirty |= (m_dirty[i / 64] & mask) != 0;
        m_dirty[i / 64] &= ~mask;
    }
    return dirty;
}

void FrameAllocator::share(uint64_t address)
{
    uint64_t index = index_of(address);
    // A 32-bit count cannot overflow: each reference is a page table entry of a different
    // address space, and guest RAM holds far fewer than 2^32 of those.
    if (index < m_count && test(index))
        ++m_references[index];
}

void FrameAllocator::reserve(uint64_t address, uint64_t count)
{
    uint64_t first = (address - m_base) / FRAME_SIZE;
    if (address < m_base || first + count > m_count)
        return;
    for (uint64_t i = first; i < first + count; ++i) {
        if (!test(i))
            --m_free;
        m_references[i] = 1;
    }
    set_range(first, count, true);
}

bool FrameAllocator::is_allocated(uint64_t address) const
{
    uint64_t index = index_of(address);
    return index < m_count && test(index);
}

uint32_t FrameAllocator::references(uint64_t address) const
{
    uint64_t index = index_of(address);
    return index < m_count && test(index) ? m_references[index] : 0;
}

} // namespace mm
