// The kernel heap (see mm/heap.h).
#include <mm/heap.h>

namespace mm {

namespace {

constexpr uint32_t SMALL_MAGIC = 0x48454150; // "HEAP"
constexpr uint32_t LARGE_MAGIC = 0x4c524745; // "LRGE"
constexpr uint64_t PAGE_SIZE = 4096;
constexpr uint64_t REFILL_PAGES = 4;

struct Header {
    uint32_t magic;
    uint32_t class_index;
    uint64_t pages; // for large blocks
};
static_assert(sizeof(Header) == Heap::HEADER_SIZE);

void zero(void* pointer, size_t length)
{
    auto* p = static_cast<volatile uint8_t*>(pointer);
    for (size_t i = 0; i < length; ++i)
        p[i] = 0;
}

Heap g_kernel_heap;

} // namespace

void Heap::initialize(PageSource source)
{
    m_source = source;
    for (auto& list : m_free_lists)
        list = nullptr;
    m_pages_in_use = 0;
}

bool Heap::refill(size_t class_index)
{
    size_t block = SMALLEST << class_index;
    auto* pages = static_cast<uint8_t*>(m_source.allocate_pages(REFILL_PAGES));
    if (!pages)
        return false;
    m_pages_in_use += REFILL_PAGES;
    for (size_t offset = 0; offset + block <= REFILL_PAGES * PAGE_SIZE; offset += block) {
        auto* free_block = reinterpret_cast<FreeBlock*>(pages + offset);
        free_block->next = m_free_lists[class_index];
        m_free_lists[class_index] = free_block;
    }
    return true;
}

void* Heap::allocate(size_t size)
{
    size_t needed = size + HEADER_SIZE;
    if (needed < size)
        return nullptr;
    size_t class_index = 0;
    while (class_index < CLASS_COUNT && (SMALLEST << class_index) < needed)
        ++class_index;
    if (class_index == CLASS_COUNT) {
        uint64_t pages = (needed + PAGE_SIZE - 1) / PAGE_SIZE;
        auto* header = static_cast<Header*>(m_source.allocate_pages(pages));
        if (!header)
            return nullptr;
        m_pages_in_use += pages;
        *header = { LARGE_MAGIC, 0, pages };
        return header + 1; // fresh pages are already zero
    }
    if (!m_free_lists[class_index] && !refill(class_index))
        return nullptr;
    FreeBlock* block = m_free_lists[class_index];
    m_free_lists[class_index] = block->next;
    zero(block, SMALLEST << class_index);
    auto* header = reinterpret_cast<Header*>(block);
    *header = { SMALL_MAGIC, static_cast<uint32_t>(class_index), 0 };
    return header + 1;
}

void Heap::free(void* pointer)
{
    if (!pointer)
        return;
    auto* header = static_cast<Header*>(pointer) - 1;
    if (header->magic == LARGE_MAGIC) {
        uint64_t pages = header->pages;
        header->magic = 0;
        m_pages_in_use -= pages;
        m_source.free_pages(header, pages);
        return;
    }
    if (header->magic != SMALL_MAGIC || header->class_index >= CLASS_COUNT)
        return; // not ours, or freed twice: leak rather than corrupt
    size_t class_index = header->class_index;
    header->magic = 0;
    auto* block = reinterpret_cast<FreeBlock*>(header);
    block->next = m_free_lists[class_index];
    m_free_lists[class_index] = block;
}

void initialize_kernel_heap(PageSource source) { g_kernel_heap.initialize(source); }
void* kmalloc(size_t size) { return g_kernel_heap.allocate(size); }
void kfree(void* pointer) { g_kernel_heap.free(pointer); }

} // namespace mm
