// Fallible allocation for code shared by the freestanding guest and host unit tests:
// lib::make<T>(...) returns nullptr when memory runs out, never throws. The guest kernel
// defines allocate/deallocate on its heap (kernel/compiler_runtime.cpp); host tests on malloc
// (tests/unit/test_allocator.cpp).
#pragma once

#include <lib/new.h>
#include <stddef.h>

namespace lib {

void* allocate(size_t size); // zero-filled; nullptr when out of memory
void deallocate(void* pointer);

template<typename T, typename... Args>
T* make(Args&&... args)
{
    void* memory = allocate(sizeof(T));
    if (!memory)
        return nullptr;
    return new (memory) T(static_cast<Args&&>(args)...);
}

template<typename T>
void destroy(T* object)
{
    if (!object)
        return;
    object->~T();
    deallocate(object);
}

} // namespace lib
