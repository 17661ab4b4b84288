// The kernel heap: size classes from 32 bytes to 2 KiB on free lists, and whole pages for
// anything bigger. Memory comes from a PageSource (guest frames through the physical map in
// the kernel; malloc in host unit tests).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace mm {

struct PageSource {
    // `count` contiguous pages, writable, or nullptr.
    void* (*allocate_pages)(uint64_t count);
    void (*free_pages)(void* pages, uint64_t count);
};

class Heap {
public:
    static constexpr size_t CLASS_COUNT = 7; // 32, 64, ..., 2048 bytes including the header
    static constexpr size_t SMALLEST = 32;
    static constexpr size_t HEADER_SIZE = 16;

    void initialize(PageSource source);
    // Zero-filled, 16-byte aligned; nullptr when memory runs out.
    void* allocate(size_t size);
    void free(void* pointer);
    size_t pages_in_use() const { return m_pages_in_use; }

private:
    struct FreeBlock {
        FreeBlock* next;
    };
    bool refill(size_t class_index);

    PageSource m_source {};
    FreeBlock* m_free_lists[CLASS_COUNT] {};
    size_t m_pages_in_use { 0 };
};

// The kernel's heap.
void initialize_kernel_heap(PageSource);
void* kmalloc(size_t size);
void kfree(void* pointer);

} // namespace mm
