// What g++ expects from a C runtime in a freestanding build: mem* functions, operator
// new/delete on the kernel heap, and the pure-virtual trap.
#include <kernel/log.h>
#include <lib/allocator.h>
#include <mm/heap.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* destination, const void* source, size_t length)
{
    void* result = destination;
    asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(length) : : "memory");
    return result;
}

void* memmove(void* destination, const void* source, size_t length)
{
    auto* d = static_cast<uint8_t*>(destination);
    auto* s = static_cast<const uint8_t*>(source);
    if (d <= s || d >= s + length)
        return memcpy(destination, source, length);
    while (length--)
        d[length] = s[length];
    return destination;
}

void* memset(void* destination, int value, size_t length)
{
    void* result = destination;
    asm volatile("rep stosb" : "+D"(destination), "+c"(length) : "a"(value) : "memory");
    return result;
}

int memcmp(const void* a, const void* b, size_t length)
{
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < length; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s)
{
    size_t length = 0;
    while (s[length])
        ++length;
    return length;
}

void __cxa_pure_virtual() { kernel::panic("pure virtual call"); }

// Destructors of globals would run at exit; the kernel never exits normally.
int atexit(void (*)()) { return 0; }
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

} // extern "C"

namespace lib {
void* allocate(size_t size) { return mm::kmalloc(size); }
void deallocate(void* pointer) { mm::kfree(pointer); }
} // namespace lib

void* operator new(size_t size) { return mm::kmalloc(size); }
void* operator new[](size_t size) { return mm::kmalloc(size); }
void operator delete(void* pointer) noexcept { mm::kfree(pointer); }
void operator delete[](void* pointer) noexcept { mm::kfree(pointer); }
void operator delete(void* pointer, size_t) noexcept { mm::kfree(pointer); }
void operator delete[](void* pointer, size_t) noexcept { mm::kfree(pointer); }
