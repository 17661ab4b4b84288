// The running program's kernel-side state. FIXME: one process, one thread for now; issues 5
// and 6 (threads, fork) turn this into per-process and per-thread objects.
#pragma once

#include <linux/fd_table.h>
#include <linux/path.h>
#include <mm/address_space.h>
#include <vfs/path_walk.h>
#include <stdint.h>

namespace linux {

struct SignalAction {
    uint64_t handler; // 0 = SIG_DFL, 1 = SIG_IGN
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};
static_assert(sizeof(SignalAction) == 32);

inline constexpr int SIGNAL_COUNT = 64;

struct Process {
    mm::AddressSpace* address_space { nullptr };
    FdTable files;
    vfs::Location cwd; // set to / at boot
    char executable[PATH_LENGTH_MAX] {};
    uint32_t umask { 022 };
    uint64_t program_break_start { 0 };
    uint64_t program_break { 0 };
    uint64_t fs_base { 0 };
    SignalAction signal_actions[SIGNAL_COUNT + 1] {};
    uint64_t signal_mask { 0 };
    uint64_t alternate_stack[3] { 0, 2, 0 }; // ss_sp, ss_flags (SS_DISABLE), ss_size
    uint64_t syscall_traps { 0 };
};

Process& current_process();

// Ends the program (and the VM): exit status, or death by signal.
[[noreturn]] void exit_program(int status);
[[noreturn]] void kill_program(int signal, uint64_t fault_address = 0, uint64_t fault_rip = 0);
// A signal for the program: its default action, or nothing if it is ignored.
// FIXME: issue 5 runs the program's handlers.
void raise_signal(int signal);

} // namespace linux
