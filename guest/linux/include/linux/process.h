// The running program's kernel-side state: the process (memory, files, signal actions) and its
// threads (each a scheduler task with its own registers, signal mask and thread pointer).
// FIXME: one process for now; issue 6 (fork) makes processes objects too.
#pragma once

#include <linux/fd_table.h>
#include <sched/scheduler.h>
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

// What the handler's siginfo_t says (the fields the kernel fills in); see linux/signals.h.
struct SignalInfo {
    int signal { 0 };
    int code { 0 };     // si_code: SI_USER (0), SI_TKILL (-6), SI_TIMER (-2), SEGV_MAPERR (1)...
    int error { 0 };    // si_errno
    int pid { 0 };      // si_pid (kill), or the timer id (SI_TIMER)
    uint64_t address { 0 }; // si_addr (faults), or si_value (SI_QUEUE, SI_TIMER)
};

struct Process {
    mm::AddressSpace* address_space { nullptr };
    FdTable files;
    vfs::Location cwd; // set to / at boot
    char executable[PATH_LENGTH_MAX] {};
    uint32_t umask { 022 };
    uint64_t program_break_start { 0 };
    uint64_t program_break { 0 };
    SignalAction signal_actions[SIGNAL_COUNT + 1] {};
    uint64_t pending_signals { 0 }; // sent to the process, for any thread that does not block them
    SignalInfo pending_info[SIGNAL_COUNT + 1] {};
    bool stopped { false }; // by SIGSTOP and friends, until SIGCONT
    uint64_t syscall_traps { 0 };
    struct Thread* threads { nullptr }; // linked through Thread::next_in_process
    int64_t exited_threads_cpu_ns { 0 };
};

struct Thread : sched::Task {
    Process* process { nullptr };
    int tid { 0 };
    char name[16] {}; // prctl(PR_SET_NAME), inherited by new threads; empty: the program's name
    Thread* next_in_process { nullptr };
    uint64_t clear_child_tid { 0 };   // set_tid_address, CLONE_CHILD_CLEARTID
    uint64_t robust_list { 0 };       // set_robust_list
    uint64_t signal_mask { 0 };
    uint64_t pending_signals { 0 };   // sent to this thread
    SignalInfo pending_info[SIGNAL_COUNT + 1] {};
    uint64_t alternate_stack[3] { 0, 2, 0 }; // ss_sp, ss_flags (SS_DISABLE), ss_size
    // rt_sigsuspend: the mask to put back once the handler is set up (or the call returns).
    uint64_t saved_signal_mask { 0 };
    bool restore_signal_mask { false };
    uint64_t waited_signals { 0 }; // while in rt_sigtimedwait
    bool parked { false };         // stopped: parked_frame is where it resumes
    kernel::TrapFrame parked_frame {};
    // While in a futex wait: what it waits on.
    uint64_t futex_address { 0 };
    uint32_t futex_bitset { 0 };
    // While in a relative nanosleep: where its `rem` goes if a signal interrupts it.
    uint64_t sleep_remaining_address { 0 };
    int64_t sleep_deadline { 0 };
};

Process& current_process();
// The thread's name (prctl PR_GET_NAME, /proc/PID/comm): PR_SET_NAME's, or the program's.
void thread_name(const Thread&, char (&name)[16]);
Thread& current_thread();
Thread* find_thread(int tid);
// The thread the program starts in (tid 1, the process id), made current at boot.
Thread& create_main_thread();
// A new thread's id (never reused while the VM runs).
int allocate_tid();
void add_thread(Process&, Thread&);
// Ends the current thread: clears and wakes its clear_child_tid, and ends the program if it
// was the last one.
void exit_thread(int status);

// Ends the program (and the VM): exit status, or death by signal.
[[noreturn]] void exit_program(int status);
[[noreturn]] void kill_program(int signal, uint64_t fault_address = 0, uint64_t fault_rip = 0);
// A signal from the kernel for the current thread (SIGPIPE): see linux/signals.h.
void raise_signal(int signal);

} // namespace linux
