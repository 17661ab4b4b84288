// Raw Linux syscalls from the kernel's own text, which Syscall User Dispatch lets through.
// Only platform/process/ may use these: everything else goes through platform.h.
#pragma once

#include <stdint.h>

namespace platform::host {

inline int64_t syscall6(int64_t number, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0, uint64_t e = 0, uint64_t f = 0)
{
    int64_t result;
    register uint64_t r10 asm("r10") = d;
    register uint64_t r8 asm("r8") = e;
    register uint64_t r9 asm("r9") = f;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return result;
}

enum Number : int64_t {
    Read = 0, Write = 1, Close = 3, Fstat = 5, Mmap = 9, Mprotect = 10, Munmap = 11, Madvise = 28, Mincore = 27,
    RtSigaction = 13, Nanosleep = 35, Getppid = 110, Sigaltstack = 131, Prctl = 157,
    ArchPrctl = 158, Exit = 60, Clone = 56, Ftruncate = 77, Futex = 202, MemfdCreate = 319, TimerCreate = 222, TimerSettime = 223, ClockGettime = 228, ClockGetres = 229, ExitGroup = 231, Fallocate = 285,
};

} // namespace platform::host
