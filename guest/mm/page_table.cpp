// The kernel's record of which frame backs each program page (see mm/page_table.h).
#include <lib/allocator.h>
#include <lib/errno_codes.h>
#include <mm/page_table.h>

namespace mm {

namespace {

// A leaf entry: the frame's physical address with bit 0 set (frame 0 is a valid frame).
constexpr uint64_t PRESENT = 1;

} // namespace

PageTable::~PageTable() { destroy(m_root, LEVELS - 1); }

void PageTable::destroy(Node* node, int level)
{
    if (!node)
        return;
    if (level > 0)
        for (uint64_t entry : node->entries)
            destroy(reinterpret_cast<Node*>(entry), level - 1);
    lib::deallocate(node);
}

uint64_t PageTable::lookup(uint64_t va) const
{
    const Node* node = m_root;
    for (int level = LEVELS - 1; node && level > 0; --level)
        node = reinterpret_cast<const Node*>(node->entries[index_at(va, level)]);
    if (!node)
        return NO_FRAME;
    uint64_t entry = node->entries[index_at(va, 0)];
    return entry & PRESENT ? entry & ~PRESENT : NO_FRAME;
}

lib::ErrorOr<void> PageTable::set(uint64_t va, uint64_t pa)
{
    if (!m_root && !(m_root = static_cast<Node*>(lib::allocate(sizeof(Node)))))
        return ENOMEM;
    Node* node = m_root;
    for (int level = LEVELS - 1; level > 0; --level) {
        uint64_t& slot = node->entries[index_at(va, level)];
        if (!slot) {
            void* child = lib::allocate(sizeof(Node));
            if (!child)
                return ENOMEM;
            slot = reinterpret_cast<uint64_t>(child);
        }
        node = reinterpret_cast<Node*>(slot);
    }
    uint64_t& entry = node->entries[index_at(va, 0)];
    if (!(entry & PRESENT))
        ++m_present;
    entry = pa | PRESENT;
    return {};
}

void PageTable::clear(uint64_t va)
{
    Node* node = m_root;
    for (int level = LEVELS - 1; node && level > 0; --level)
        node = reinterpret_cast<Node*>(node->entries[index_at(va, level)]);
    if (!node)
        return;
    uint64_t& entry = node->entries[index_at(va, 0)];
    if (entry & PRESENT)
        --m_present;
    entry = 0;
}

uint64_t PageTable::next_present(uint64_t va, uint64_t end) const
{
    va &= ~0xfffull;
    while (va < end) {
        // Walk down; at the first missing node skip the whole span it would have covered.
        const Node* node = m_root;
        int level = LEVELS - 1;
        for (; node && level > 0; --level)
            node = reinterpret_cast<const Node*>(node->entries[index_at(va, level)]);
        if (!node) {
            uint64_t span = 1ull << (12 + 9 * (level + 1));
            uint64_t next = (va & ~(span - 1)) + span;
            if (next <= va)
                return end;
            va = next;
            continue;
        }
        for (size_t i = index_at(va, 0); i < 512 && va < end; ++i, va += 4096)
            if (node->entries[i] & PRESENT)
                return va;
    }
    return end;
}

} // namespace mm
