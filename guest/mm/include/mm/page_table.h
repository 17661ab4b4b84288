// Which guest frame backs each page of a program's address space: a four-level radix tree
// of 512-entry nodes, as x86-64 page tables are, kept by the kernel itself. The machine's own
// mappings (host mmaps, or hardware page tables under KVM) mirror it: a page is present here
// exactly when it is mapped there.
#pragma once

#include <lib/error_or.h>
#include <stddef.h>
#include <stdint.h>

namespace mm {

class PageTable {
public:
    PageTable() = default;
    ~PageTable();
    PageTable(const PageTable&) = delete;
    PageTable& operator=(const PageTable&) = delete;

    // The frame behind the page holding `va`, or NO_FRAME.
    static constexpr uint64_t NO_FRAME = ~0ull;
    uint64_t lookup(uint64_t va) const;
    // Records `pa` for the page at `va`; ENOMEM if a node cannot be allocated.
    lib::ErrorOr<void> set(uint64_t va, uint64_t pa);
    // Forgets the page at `va` (nothing if absent).
    void clear(uint64_t va);
    // The first present page at or above `va` and below `end`, or `end`. Skips empty subtrees.
    uint64_t next_present(uint64_t va, uint64_t end) const;
    // How many pages are present.
    uint64_t present_pages() const { return m_present; }

private:
    struct Node {
        uint64_t entries[512];
    };
    static constexpr int LEVELS = 4;
    static size_t index_at(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }
    static void destroy(Node*, int level);

    Node* m_root { nullptr };
    uint64_t m_present { 0 };
};

} // namespace mm
