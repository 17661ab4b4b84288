// Placement new, available both in the freestanding guest and on the host.
#pragma once

#if __has_include(<new>) && !defined(UNIKIT_FREESTANDING)
#    include <new>
#else
#    include <stddef.h>
inline void* operator new(size_t, void* where) noexcept { return where; }
inline void* operator new[](size_t, void* where) noexcept { return where; }
#endif
