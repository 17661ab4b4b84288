// What clone, clone3, fork and vfork ask for, shared by threads (syscalls/thread.cpp) and
// processes (syscalls/fork.cpp).
#pragma once

#include <linux/syscalls.h>
#include <stdint.h>

namespace linux {

inline constexpr uint64_t CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
                          CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
                          CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
                          CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
                          CLONE_CHILD_SETTID = 0x1000000, CLONE_IO = 0x80000000;

struct CloneRequest {
    uint64_t flags;       // without the exit signal
    int exit_signal;      // sent to the parent when a new process ends (SIGCHLD)
    uint64_t stack;       // the new stack pointer; 0 keeps the caller's
    uint64_t parent_tid;
    uint64_t child_tid;
    uint64_t tls;
    uint64_t pidfd { 0 }; // CLONE_PIDFD: where the parent's descriptor for the child goes (an int)
};

// The new task of a clone: the caller's registers (returning 0, on request.stack if given),
// extended state, thread pointers (CLONE_SETTLS), signal mask and name. Null when out of memory.
struct Thread* copy_current_thread(const CloneRequest&);
// A new process (fork, vfork, or clone without CLONE_THREAD); its pid, or an error.
SyscallResult create_process(const CloneRequest&);

} // namespace linux
