// The page cache: file pages kept in guest memory so that reading a host file again costs no
// hypercall. Pages belong to an owner (a vnode) and are found by (owner, page index); the
// least recently used go first when the cache is full. Only files that cannot change under
// it are cached (ROOTFS, which is read-only; FIXME: invalidation for read-write volumes).
//
// Private mappings of those files map the cached pages themselves (Vnode::shareable_page): in
// the kernel, pages come from guest frames (kernel/memory.cpp), each mapping takes a reference
// to the frame, and eviction gives back only the cache's own reference (PageSource::free_pages
// drops one), so a page evicted while mapped stays the mappings' until they let go of it.
#pragma once

#include <mm/heap.h>
#include <stddef.h>
#include <stdint.h>

namespace vfs {

class PageCache {
public:
    static constexpr size_t PAGE_SIZE = 4096;

    // Pages come from `source`, at most `max_pages` of them.
    void initialize(mm::PageSource source, size_t max_pages);

    // The cached page, or nullptr.
    const uint8_t* find(const void* owner, uint64_t index);
    // A page to fill for (owner, index), evicting the least recently used if the cache is
    // full; nullptr when no page can be had. The caller fills all PAGE_SIZE bytes of a new
    // page (`*fresh` says whether it is; a page cached already is returned as it is, and must
    // not be written: it may be mapped into programs).
    uint8_t* insert(const void* owner, uint64_t index, bool* fresh = nullptr);
    // Drops every page of `owner` (when the vnode goes away).
    void forget(const void* owner);

    // Whether a file of `size` bytes should be cached. Big files are streamed around the
    // cache: on our hosts a fresh page costs ~15 us to touch, so streaming a file through
    // (and evicting it from) a cache smaller than it is many times slower than reading it
    // straight through (bench/fileio).
    bool worth_caching(uint64_t size) const { return size <= m_max_pages * PAGE_SIZE / 8; }
    // Whether a file of `size` bytes should have its mapped pages shared from the cache. Only
    // the pages a program touches come in, so bigger files qualify (python3 is 6.6 MB).
    bool worth_mapping(uint64_t size) const { return size <= m_max_pages * PAGE_SIZE / 2; }

    size_t page_count() const { return m_count; }
    size_t hits() const { return m_hits; }
    size_t misses() const { return m_misses; }

private:
    struct Entry {
        const void* owner; // nullptr: a free slot
        uint64_t index;
        uint8_t* page;
        uint32_t newer, older; // LRU list, by slot number
    };
    static constexpr uint32_t NONE = 0xffffffff;

    size_t slot_of(const void* owner, uint64_t index) const;
    Entry* lookup(const void* owner, uint64_t index);
    void unlink(uint32_t slot);
    void push_newest(uint32_t slot);
    void remove(uint32_t slot);
    void move(uint32_t from, uint32_t to);

    mm::PageSource m_source {};
    Entry* m_entries { nullptr };
    size_t m_capacity { 0 }; // slots, twice max_pages
    size_t m_max_pages { 0 };
    size_t m_count { 0 };
    uint32_t m_newest { NONE };
    uint32_t m_oldest { NONE };
    size_t m_hits { 0 };
    size_t m_misses { 0 };
};

PageCache& page_cache();

} // namespace vfs
