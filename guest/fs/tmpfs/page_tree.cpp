// The sparse page tree of tmpfs files (see page_tree.h).
#include "page_tree.h"

#include <lib/allocator.h>

namespace fs {

namespace {

constexpr uint32_t BITS_PER_LEVEL = 9; // log2(FANOUT)
static_assert(PageTree::FANOUT == (1u << BITS_PER_LEVEL));

uint64_t slot_of(uint64_t index, uint32_t level) // level 1: the slots that hold pages
{
    return (index >> (BITS_PER_LEVEL * (level - 1))) & (PageTree::FANOUT - 1);
}

} // namespace

uint64_t PageTree::capacity(uint32_t depth)
{
    // Files stop far below 2^64 bytes, so depth never passes 6 (2^54 pages).
    return depth == 0 ? 0 : 1ull << (BITS_PER_LEVEL * depth);
}

uint8_t* PageTree::find(uint64_t index) const
{
    if (index >= capacity(m_depth))
        return nullptr;
    void** node = m_root;
    for (uint32_t level = m_depth; node && level > 1; --level)
        node = static_cast<void**>(node[slot_of(index, level)]);
    return node ? static_cast<uint8_t*>(node[slot_of(index, 1)]) : nullptr;
}

uint8_t* PageTree::insert(uint64_t index)
{
    while (index >= capacity(m_depth)) {
        if (!m_root) {
            ++m_depth;
            continue;
        }
        auto** taller = static_cast<void**>(lib::allocate(PAGE_SIZE));
        if (!taller)
            return nullptr;
        taller[0] = m_root;
        m_root = taller;
        ++m_depth;
    }
    void*** slot = &m_root;
    for (uint32_t level = m_depth; level >= 1; --level) {
        if (!*slot) {
            *slot = static_cast<void**>(lib::allocate(PAGE_SIZE));
            if (!*slot)
                return nullptr; // nodes allocated on the way stay; they are reused or freed later
        }
        if (level == 1)
            break;
        slot = reinterpret_cast<void***>(&(*slot)[slot_of(index, level)]);
    }
    void** leaf_slot = &(*slot)[slot_of(index, 1)];
    auto* page = static_cast<uint8_t*>(lib::allocate(PAGE_SIZE));
    if (!page)
        return nullptr;
    *leaf_slot = page;
    ++m_page_count;
    return page;
}

// Frees what lies at `first_index` and beyond under `node` (covering pages from `base`);
// returns the pages freed. Frees `node` itself when nothing is left in it.
uint64_t PageTree::free_subtree(void** node, uint32_t level, uint64_t base, uint64_t first_index)
{
    uint64_t freed = 0;
    uint64_t span = capacity(level - 1) ? capacity(level - 1) : 1;
    for (uint64_t slot = 0; slot < FANOUT; ++slot) {
        if (!node[slot])
            continue;
        uint64_t slot_base = base + slot * span;
        if (slot_base + span <= first_index)
            continue;
        if (level == 1) {
            lib::deallocate(node[slot]);
            ++freed;
            node[slot] = nullptr;
            continue;
        }
        auto** child = static_cast<void**>(node[slot]);
        freed += free_subtree(child, level - 1, slot_base, first_index);
        if (slot_base >= first_index)
            node[slot] = nullptr; // free_subtree emptied and freed it
        else {
            bool empty = true;
            for (uint64_t i = 0; i < FANOUT && empty; ++i)
                empty = child[i] == nullptr;
            if (empty) {
                lib::deallocate(child);
                node[slot] = nullptr;
            }
        }
    }
    if (base >= first_index)
        lib::deallocate(node);
    return freed;
}

uint64_t PageTree::free_from(uint64_t first_index)
{
    if (!m_root)
        return 0;
    uint64_t freed = free_subtree(m_root, m_depth, 0, first_index);
    if (first_index == 0) {
        m_root = nullptr;
        m_depth = 0;
    } else {
        // Shrink the tree while only its first slot is used.
        while (m_depth > 1) {
            bool only_first = true;
            for (uint64_t i = 1; i < FANOUT && only_first; ++i)
                only_first = m_root[i] == nullptr;
            if (!only_first)
                break;
            void** first = static_cast<void**>(m_root[0]);
            lib::deallocate(m_root);
            m_root = first;
            --m_depth;
            if (!m_root) {
                m_depth = 0;
                break;
            }
        }
    }
    m_page_count -= freed;
    return freed;
}

} // namespace fs
