// The page cache (see vfs/page_cache.h): a linear-probing hash table of pages threaded on an
// LRU list by slot number.
#include <lib/allocator.h>
#include <vfs/page_cache.h>

namespace vfs {

void PageCache::initialize(mm::PageSource source, size_t max_pages)
{
    m_source = source;
    m_max_pages = max_pages;
    m_capacity = max_pages * 2;
    m_entries = m_capacity ? static_cast<Entry*>(lib::allocate(m_capacity * sizeof(Entry))) : nullptr;
    if (!m_entries)
        m_capacity = m_max_pages = 0;
    m_count = m_hits = m_misses = 0;
    m_newest = m_oldest = NONE;
}

size_t PageCache::slot_of(const void* owner, uint64_t index) const
{
    uint64_t hash = (reinterpret_cast<uintptr_t>(owner) * 0x9e3779b97f4a7c15ull) ^ (index * 0xc2b2ae3d27d4eb4full);
    hash ^= hash >> 29;
    return hash % m_capacity;
}

PageCache::Entry* PageCache::lookup(const void* owner, uint64_t index)
{
    if (!m_capacity)
        return nullptr;
    for (size_t probe = 0, slot = slot_of(owner, index); probe < m_capacity; ++probe, slot = (slot + 1) % m_capacity) {
        Entry& entry = m_entries[slot];
        if (!entry.owner)
            return nullptr;
        if (entry.owner == owner && entry.index == index)
            return &entry;
    }
    return nullptr;
}

void PageCache::unlink(uint32_t slot)
{
    Entry& entry = m_entries[slot];
    if (entry.newer != NONE)
        m_entries[entry.newer].older = entry.older;
    else
        m_newest = entry.older;
    if (entry.older != NONE)
        m_entries[entry.older].newer = entry.newer;
    else
        m_oldest = entry.newer;
}

void PageCache::push_newest(uint32_t slot)
{
    Entry& entry = m_entries[slot];
    entry.newer = NONE;
    entry.older = m_newest;
    if (m_newest != NONE)
        m_entries[m_newest].newer = slot;
    m_newest = slot;
    if (m_oldest == NONE)
        m_oldest = slot;
}

void PageCache::move(uint32_t from, uint32_t to)
{
    m_entries[to] = m_entries[from];
    Entry& entry = m_entries[to];
    if (entry.newer != NONE)
        m_entries[entry.newer].older = to;
    else
        m_newest = to;
    if (entry.older != NONE)
        m_entries[entry.older].newer = to;
    else
        m_oldest = to;
}

void PageCache::remove(uint32_t slot)
{
    unlink(slot);
    m_source.free_pages(m_entries[slot].page, 1);
    --m_count;
    // Linear probing without tombstones: pull later entries of the probe run back into the
    // hole when their home slot lies at or before it (Knuth's algorithm R).
    uint32_t hole = slot;
    for (uint32_t next = (hole + 1) % m_capacity; m_entries[next].owner; next = (next + 1) % m_capacity) {
        uint32_t home = static_cast<uint32_t>(slot_of(m_entries[next].owner, m_entries[next].index));
        bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
        if (stays)
            continue;
        move(next, hole);
        hole = next;
    }
    m_entries[hole] = {};
}

const uint8_t* PageCache::find(const void* owner, uint64_t index)
{
    Entry* entry = lookup(owner, index);
    if (!entry) {
        ++m_misses;
        return nullptr;
    }
    ++m_hits;
    uint32_t slot = static_cast<uint32_t>(entry - m_entries);
    unlink(slot);
    push_newest(slot);
    return entry->page;
}

uint8_t* PageCache::insert(const void* owner, uint64_t index, bool* fresh)
{
    if (fresh)
        *fresh = false;
    if (!m_capacity || !owner)
        return nullptr;
    if (Entry* existing = lookup(owner, index))
        return existing->page;
    if (m_count == m_max_pages)
        remove(m_oldest);
    auto* page = static_cast<uint8_t*>(m_source.allocate_pages(1));
    if (!page)
        return nullptr;
    size_t slot = slot_of(owner, index);
    while (m_entries[slot].owner)
        slot = (slot + 1) % m_capacity;
    m_entries[slot] = { owner, index, page, NONE, NONE };
    push_newest(static_cast<uint32_t>(slot));
    ++m_count;
    if (fresh)
        *fresh = true;
    return page;
}

void PageCache::forget(const void* owner)
{
    // Removing pulls later entries back, so look at the same slot again after a removal.
    for (size_t slot = 0; slot < m_capacity && m_count;) {
        if (m_entries[slot].owner == owner)
            remove(static_cast<uint32_t>(slot));
        else
            ++slot;
    }
}

PageCache& page_cache()
{
    static PageCache cache;
    return cache;
}

} // namespace vfs
