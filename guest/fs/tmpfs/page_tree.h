// The pages of a tmpfs file: a radix tree that holds only the pages that were written, so
// a sparse file costs what it stores.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace fs {

class PageTree {
public:
    static constexpr uint64_t PAGE_SIZE = 4096;
    static constexpr uint64_t FANOUT = PAGE_SIZE / sizeof(void*);

    PageTree() = default;
    PageTree(const PageTree&) = delete;
    PageTree& operator=(const PageTree&) = delete;
    ~PageTree() { free_from(0); }

    // The page holding file page `index`, or nullptr for a hole.
    uint8_t* find(uint64_t index) const;
    // Puts a fresh zeroed page at `index` (which must be a hole); nullptr when out of memory.
    uint8_t* insert(uint64_t index);
    // Frees every page at `first_index` and beyond, and the tree nodes left empty; returns
    // how many pages went.
    uint64_t free_from(uint64_t first_index);
    uint64_t page_count() const { return m_page_count; }

private:
    // Pages addressable by a tree of `depth` levels (depth 0: none).
    static uint64_t capacity(uint32_t depth);
    uint64_t free_subtree(void** node, uint32_t level, uint64_t base, uint64_t first_index);

    void** m_root { nullptr };
    uint32_t m_depth { 0 };
    uint64_t m_page_count { 0 };
};

} // namespace fs
