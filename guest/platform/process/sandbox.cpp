// The seccomp allow-list of the kernel process. Syscall User Dispatch already stops the
// program's own `syscall` instructions; this stops a program that jumps into the kernel's
// text to borrow one (the program and the kernel share an address space, as in any
// unikernel). Each allowed call names why the platform needs it.
#include "sandbox.h"
#include "host_syscall.h"

#include <stddef.h>
#include <stdint.h>

namespace platform::process {

namespace {

struct SockFilter {
    uint16_t code;
    uint8_t jump_true;
    uint8_t jump_false;
    uint32_t k;
};

struct SockFprog {
    uint16_t length;
    SockFilter* filter;
};

constexpr uint16_t BPF_LD_W_ABS = 0x20, BPF_JEQ_K = 0x15, BPF_JGE_K = 0x35, BPF_RET_K = 0x06;
constexpr uint32_t SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_KILL_PROCESS = 0x80000000;
constexpr uint32_t AUDIT_ARCH_X86_64 = 0xc000003e;
constexpr uint32_t OFFSET_NR = 0, OFFSET_ARCH = 4, OFFSET_ARG0 = 16, OFFSET_ARG4 = 48;
constexpr int CHANNEL_FD = 3, RAM_FD = 4;
constexpr int SECCOMP_SET_MODE_FILTER = 1, PR_SET_NO_NEW_PRIVS = 38;

enum : uint32_t {
    NR_READ = 0, NR_WRITE = 1, NR_MMAP = 9, NR_MPROTECT = 10, NR_MUNMAP = 11, NR_RT_SIGRETURN = 15,
    NR_MADVISE = 28, NR_NANOSLEEP = 35, NR_EXIT = 60, NR_ARCH_PRCTL = 158, NR_CLOCK_GETTIME = 228,
    NR_TIMER_SETTIME = 223, NR_EXIT_GROUP = 231, NR_FALLOCATE = 285, NR_SECCOMP = 317,
};

constexpr SockFilter load(uint32_t offset) { return { BPF_LD_W_ABS, 0, 0, offset }; }
constexpr SockFilter jump_if(uint32_t value, uint8_t if_true, uint8_t if_false) { return { BPF_JEQ_K, if_true, if_false, value }; }
constexpr SockFilter give(uint32_t action) { return { BPF_RET_K, 0, 0, action }; }

// Layout: check arch, load nr, then one test per allowed call. Calls allowed outright jump to
// ALLOW; calls with a descriptor argument jump to its check. Jump offsets count from the next
// instruction.
SockFilter g_filter[] = {
    /* 0 */ load(OFFSET_ARCH),
    /* 1 */ jump_if(AUDIT_ARCH_X86_64, 1, 0),
    /* 2 */ give(SECCOMP_RET_KILL_PROCESS),
    /* 3 */ load(OFFSET_NR),
    /* 4 */ { BPF_JGE_K, 0, 1, 0x40000000 }, // x32 syscall numbers
    /* 5 */ give(SECCOMP_RET_KILL_PROCESS),
    // Hypercalls: read and write on the channel only (checked at 22).
    /* 6 */ jump_if(NR_READ, 15, 0),
    /* 7 */ jump_if(NR_WRITE, 14, 0),
    // Page tables: mappings of guest RAM (fd checked at 26); unmapping, protecting and
    // prefaulting the kernel process's own memory.
    /* 8 */ jump_if(NR_MMAP, 17, 0),
    /* 9 */ jump_if(NR_MPROTECT, 10, 0),
    /* 10 */ jump_if(NR_MUNMAP, 9, 0),
    /* 11 */ jump_if(NR_MADVISE, 8, 0),
    // Returning from the trap handlers.
    /* 12 */ jump_if(NR_RT_SIGRETURN, 7, 0),
    // Time: the clock, sleeping (idle), and the one-shot timer made at start-up (preemption
    // and deadlines).
    /* 13 */ jump_if(NR_CLOCK_GETTIME, 6, 0),
    /* 14 */ jump_if(NR_NANOSLEEP, 5, 0),
    /* 15 */ jump_if(NR_TIMER_SETTIME, 4, 0),
    // The program's thread pointer.
    /* 16 */ jump_if(NR_ARCH_PRCTL, 3, 0),
    // Releasing frames of guest RAM (fd checked at 30).
    /* 17 */ jump_if(NR_FALLOCATE, 12, 0),
    // Dying.
    /* 18 */ jump_if(NR_EXIT_GROUP, 1, 0),
    /* 19 */ jump_if(NR_EXIT, 0, 1),
    /* 20 */ give(SECCOMP_RET_ALLOW),
    /* 21 */ give(SECCOMP_RET_KILL_PROCESS),
    // read, write: args[0] == CHANNEL_FD (both 32-bit halves).
    /* 22 */ load(OFFSET_ARG0),
    /* 23 */ jump_if(CHANNEL_FD, 0, 11),
    /* 24 */ load(OFFSET_ARG0 + 4),
    /* 25 */ jump_if(0, 8, 9),
    // mmap: args[4] == RAM_FD.
    /* 26 */ load(OFFSET_ARG4),
    /* 27 */ jump_if(RAM_FD, 0, 7),
    /* 28 */ load(OFFSET_ARG4 + 4),
    /* 29 */ jump_if(0, 4, 5),
    // fallocate: args[0] == RAM_FD.
    /* 30 */ load(OFFSET_ARG0),
    /* 31 */ jump_if(RAM_FD, 0, 3),
    /* 32 */ load(OFFSET_ARG0 + 4),
    /* 33 */ jump_if(0, 0, 1),
    /* 34 */ give(SECCOMP_RET_ALLOW),
    /* 35 */ give(SECCOMP_RET_KILL_PROCESS),
};

} // namespace

bool install_sandbox()
{
    // The jump offsets above are counted for exactly this many instructions.
    static_assert(sizeof(g_filter) / sizeof(g_filter[0]) == 36);
    if (host::syscall6(host::Prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    SockFprog program { static_cast<uint16_t>(sizeof(g_filter) / sizeof(g_filter[0])), g_filter };
    return host::syscall6(NR_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, reinterpret_cast<uint64_t>(&program)) == 0;
}

} // namespace platform::process
