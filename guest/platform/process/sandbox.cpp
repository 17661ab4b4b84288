// The seccomp allow-list of the kernel's host processes. Syscall User Dispatch already stops
// the program's own `syscall` instructions; this stops a program that jumps into the kernel's
// text to borrow one (the program and the kernel share an address space, as in any
// unikernel). Each allowed call names why the platform needs it. Host processes made by
// fork_host inherit the filter.
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
constexpr uint32_t OFFSET_NR = 0, OFFSET_ARCH = 4;
constexpr uint32_t offset_of_argument(int index) { return 16 + 8 * static_cast<uint32_t>(index); }
constexpr int CHANNEL_FD = 3, RAM_FD = 4;
constexpr int SECCOMP_SET_MODE_FILTER = 1, PR_SET_NO_NEW_PRIVS = 38;
constexpr uint64_t FORK_HOST_FLAGS = 0x8000 /* CLONE_PARENT */ | 17 /* SIGCHLD */;
constexpr uint32_t PR_SET_PDEATHSIG = 1, PR_SET_SYSCALL_USER_DISPATCH = 59;

enum : uint32_t {
    NR_READ = 0, NR_WRITE = 1, NR_MMAP = 9, NR_MPROTECT = 10, NR_MUNMAP = 11, NR_RT_SIGRETURN = 15,
    NR_MADVISE = 28, NR_NANOSLEEP = 35, NR_CLONE = 56, NR_EXIT = 60, NR_GETPPID = 110, NR_PRCTL = 157,
    NR_ARCH_PRCTL = 158, NR_FUTEX = 202, NR_TIMER_CREATE = 222, NR_TIMER_SETTIME = 223,
    NR_CLOCK_GETTIME = 228, NR_EXIT_GROUP = 231, NR_FALLOCATE = 285, NR_SECCOMP = 317,
};

constexpr SockFilter load(uint32_t offset) { return { BPF_LD_W_ABS, 0, 0, offset }; }
constexpr SockFilter jump_if(uint32_t value, uint8_t if_true, uint8_t if_false) { return { BPF_JEQ_K, if_true, if_false, value }; }
constexpr SockFilter give(uint32_t action) { return { BPF_RET_K, 0, 0, action }; }

// The program is a list of self-contained blocks, each testing the call number (which stays in
// the accumulator when a block does not match) and ending in a verdict when it does.
class FilterBuilder {
public:
    void allow(uint32_t number)
    {
        add(jump_if(number, 0, 1));
        add(give(SECCOMP_RET_ALLOW));
    }
    // Allowed when the 64-bit argument equals `value`; killed otherwise.
    void allow_if_argument(uint32_t number, int argument, uint64_t value)
    {
        add(jump_if(number, 0, 6));
        add(load(offset_of_argument(argument)));
        add(jump_if(static_cast<uint32_t>(value), 0, 3));
        add(load(offset_of_argument(argument) + 4));
        add(jump_if(static_cast<uint32_t>(value >> 32), 0, 1));
        add(give(SECCOMP_RET_ALLOW));
        add(give(SECCOMP_RET_KILL_PROCESS));
    }
    // Allowed when the argument's low 32 bits (an int parameter) are one of two values.
    void allow_if_int_argument_is_either(uint32_t number, int argument, uint32_t first, uint32_t second)
    {
        add(jump_if(number, 0, 5));
        add(load(offset_of_argument(argument)));
        add(jump_if(first, 1, 0));
        add(jump_if(second, 0, 1));
        add(give(SECCOMP_RET_ALLOW));
        add(give(SECCOMP_RET_KILL_PROCESS));
    }
    void add(SockFilter instruction)
    {
        if (m_length < CAPACITY)
            m_code[m_length] = instruction;
        ++m_length;
    }
    bool overflowed() const { return m_length > CAPACITY; }
    SockFprog program() { return { static_cast<uint16_t>(m_length), m_code }; }

private:
    static constexpr size_t CAPACITY = 96;
    SockFilter m_code[CAPACITY];
    size_t m_length { 0 };
};

FilterBuilder g_filter;

void build_filter(FilterBuilder& filter)
{
    filter.add(load(OFFSET_ARCH));
    filter.add(jump_if(AUDIT_ARCH_X86_64, 1, 0));
    filter.add(give(SECCOMP_RET_KILL_PROCESS));
    filter.add(load(OFFSET_NR));
    filter.add({ BPF_JGE_K, 0, 1, 0x40000000 }); // x32 syscall numbers
    filter.add(give(SECCOMP_RET_KILL_PROCESS));
    // Hypercalls: read and write on the channel only.
    filter.allow_if_argument(NR_READ, 0, CHANNEL_FD);
    filter.allow_if_argument(NR_WRITE, 0, CHANNEL_FD);
    // Page tables: mappings of guest RAM; unmapping, protecting and prefaulting the host
    // process's own memory.
    filter.allow_if_argument(NR_MMAP, 4, RAM_FD);
    filter.allow(NR_MPROTECT);
    filter.allow(NR_MUNMAP);
    filter.allow(NR_MADVISE);
    // Releasing frames of guest RAM.
    filter.allow_if_argument(NR_FALLOCATE, 0, RAM_FD);
    // Returning from the trap handlers.
    filter.allow(NR_RT_SIGRETURN);
    // Time: the clock, sleeping (idle), and each host's one-shot timer (preemption and
    // deadlines), made when the host starts.
    filter.allow(NR_CLOCK_GETTIME);
    filter.allow(NR_NANOSLEEP);
    filter.allow(NR_TIMER_SETTIME);
    filter.allow(NR_TIMER_CREATE);
    // The program's thread pointer.
    filter.allow(NR_ARCH_PRCTL);
    // Hosts (host_processes.cpp): a new host process is a plain fork whose parent is the
    // monitor; it turns Syscall User Dispatch back on, dies with the monitor, and takes turns
    // with the others through futexes in the shared kernel data.
    filter.allow_if_argument(NR_CLONE, 0, FORK_HOST_FLAGS);
    filter.allow_if_int_argument_is_either(NR_PRCTL, 0, PR_SET_PDEATHSIG, PR_SET_SYSCALL_USER_DISPATCH);
    filter.allow(NR_GETPPID);
    filter.allow(NR_FUTEX);
    // Dying.
    filter.allow(NR_EXIT_GROUP);
    filter.allow(NR_EXIT);
    filter.add(give(SECCOMP_RET_KILL_PROCESS));
}

} // namespace

bool install_sandbox()
{
    build_filter(g_filter);
    if (g_filter.overflowed())
        return false;
    if (host::syscall6(host::Prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    SockFprog program = g_filter.program();
    return host::syscall6(NR_SECCOMP, SECCOMP_SET_MODE_FILTER, 0, reinterpret_cast<uint64_t>(&program)) == 0;
}

} // namespace platform::process
