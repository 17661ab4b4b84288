// lib::allocate for host unit tests of guest code: calloc, so memory starts zeroed as the
// kernel heap's does.
#include <cstdlib>
#include <lib/allocator.h>

namespace lib {
void* allocate(size_t size) { return std::calloc(1, size ? size : 1); }
void deallocate(void* pointer) { std::free(pointer); }
} // namespace lib
