// The guest's virtual address layout, shared by every platform.
#pragma once

#include <stdint.h>

namespace kernel {

inline constexpr uint64_t PAGE_SIZE = 4096;

// Programs live below USER_END; the kernel image and the physical-memory map live above it.
inline constexpr uint64_t USER_END = 0x7f0000000000;
inline constexpr uint64_t KERNEL_BASE = 0x7f0000000000;     // guest/CMakeLists.txt links here
inline constexpr uint64_t PHYSICAL_MAP_BASE = 0x7f8000000000; // all of guest RAM, read-write

inline constexpr uint64_t USER_STACK_TOP = 0x7effff000000;
inline constexpr uint64_t USER_STACK_SIZE = 8 * 1024 * 1024;
inline constexpr uint64_t MMAP_TOP = 0x7eff00000000; // mmap allocates top-down below this
inline constexpr uint64_t MMAP_BOTTOM = 0x10000;
inline constexpr uint64_t PIE_BASE = 0x555555554000; // plus a random page-aligned offset

constexpr uint64_t page_round_down(uint64_t value) { return value & ~(PAGE_SIZE - 1); }
constexpr uint64_t page_round_up(uint64_t value) { return (value + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
constexpr bool is_page_aligned(uint64_t value) { return (value & (PAGE_SIZE - 1)) == 0; }

} // namespace kernel
