// The application's kernel-side state: processes (memory, files, signal actions, their place in
// the process tree) and their threads (each a scheduler task with its own registers, signal
// mask and thread pointer). A process's pid is its first thread's tid; PID 1 is the program
// unikit started, and its exit ends the VM.
#pragma once

#include <lib/errno_codes.h>
#include <linux/credentials.h>
#include <linux/fd_table.h>
#include <linux/interval_timer.h>
#include <sched/scheduler.h>
#include <linux/path.h>
#include <linux/resource_limits.h>
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

// An address space and the host it lives in (platform.h "Hosts"): shared by the processes of
// a vfork (or clone with CLONE_VM) until the child calls execve or exits.
struct Memory {
    mm::AddressSpace* space { nullptr };
    int users { 0 };
    int host { 0 };
};

enum class ProcessState : uint8_t { Running, Zombie };

// Where execve put the argument and environment strings in the process's memory (Linux's
// mm->arg_start...env_end): /proc/PID/cmdline and environ read them from there.
struct ProgramStrings {
    uint64_t arguments_start { 0 }, arguments_end { 0 };
    uint64_t environment_start { 0 }, environment_end { 0 };
};

// What prctl and personality set for a process, inherited at fork (syscalls/prctl.cpp).
struct ProcessControl {
    bool dumpable { true };
    bool keep_capabilities { false };
    bool no_new_privileges { false };
    uint64_t timer_slack_ns { 50000 };
    uint32_t personality { 0 }; // PER_LINUX
};

struct Process {
    Memory* memory { nullptr };
    mm::AddressSpace* address_space() const { return memory ? memory->space : nullptr; }
    int pid { 0 };
    int process_group { 0 };
    int session { 0 };
    Process* parent { nullptr };
    Process* children { nullptr }; // linked through next_sibling
    Process* next_sibling { nullptr };
    Process* next { nullptr };     // every process, for lookups
    ProcessState state { ProcessState::Running };
    int wait_status { 0 };         // once a zombie: what wait4 reports (Linux's encoding)
    bool did_exec { false };       // setpgid on a child that has called execve: EACCES
    bool reaped { false };         // collected, and freed once its last thread is released
    bool child_subreaper { false };
    int exit_signal { 17 };        // what the parent gets when this process ends (SIGCHLD)
    // wait4 callers in this process sleep here until a child changes state.
    sched::WaitQueue child_events;
    // A vfork parent sleeps here until this child calls execve or exits.
    sched::WaitQueue vfork_done;
    // Stopped or continued, and not yet reported to a wait4 with WUNTRACED/WCONTINUED.
    bool stop_to_report { false };
    bool continue_to_report { false };
    int stop_signal { 0 };
    int64_t children_cpu_ns { 0 }; // of reaped children (RUSAGE_CHILDREN, times)
    uint64_t peak_rss_kib { 0 };   // ru_maxrss: the most memory an image of it had backed
    ProcessTimer itimers[3];       // setitimer: ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF
    FdTable files;
    vfs::Location cwd; // set to / at boot
    char executable[PATH_LENGTH_MAX] {};
    uint32_t umask { 022 };
    int nice { 0 }; // getpriority/setpriority, inherited at fork
    uint64_t program_break_start { 0 };
    uint64_t program_break { 0 };
    SignalAction signal_actions[SIGNAL_COUNT + 1] {};
    uint64_t pending_signals { 0 }; // sent to the process, for any thread that does not block them
    SignalInfo pending_info[SIGNAL_COUNT + 1] {};
    bool stopped { false }; // by SIGSTOP and friends, until SIGCONT
    uint64_t syscall_traps { 0 };
    struct Thread* threads { nullptr }; // linked through Thread::next_in_process
    int64_t exited_threads_cpu_ns { 0 };
    Credentials credentials;        // inherited at fork
    ResourceLimits resource_limits; // inherited at fork
    ProcessControl control;         // inherited at fork
    ProgramStrings strings;         // set by execve, inherited at fork
};

struct Thread : sched::Task {
    Process* process { nullptr };
    int tid { 0 };
    char name[16] {}; // prctl(PR_SET_NAME), inherited by new threads; empty: the program's name
    int parent_death_signal { 0 }; // prctl(PR_SET_PDEATHSIG); a new process or thread starts without
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
    // CLONE_CHILD_SETTID of a new process: written in the child's own memory when it first runs.
    uint64_t set_child_tid { 0 };
    // A blocked call's on_interrupt that a signal from another process triggered: it runs
    // when the thread resumes, in its own memory.
    void (*deferred_interrupt)(sched::Task&) { nullptr };
    // While in a relative nanosleep: where its `rem` goes if a signal interrupts it.
    uint64_t sleep_remaining_address { 0 };
    int64_t sleep_deadline { 0 };
};

Process& current_process();
// The thread's name (prctl PR_GET_NAME, /proc/PID/comm): PR_SET_NAME's, or the program's.
void thread_name(const Thread&, char (&name)[16]);
Thread& current_thread();
// A live thread of any process, by tid.
Thread* find_thread(int tid);
// A process (running or zombie) by pid.
Process* find_process(int pid);
// The process `id` names as Linux's find_task_by_vpid does: a process (running or zombie) by
// its pid, or a live thread's process by the thread's tid.
inline Process* find_process_of_task(int id)
{
    if (Process* process = find_process(id))
        return process;
    Thread* thread = find_thread(id);
    return thread ? thread->process : nullptr;
}
// The caller for pid 0, else the process `pid` names as above; ESRCH if none.
inline lib::ErrorOr<Process*> process_or_self(int pid)
{
    if (pid == 0)
        return &current_process();
    Process* process = find_process_of_task(pid);
    if (!process)
        return ESRCH;
    return process;
}
// Calls `visit` for every process, running or zombie.
template<typename Visit>
void for_each_process(Visit visit);
// The thread the program starts in (tid 1: PID 1's main thread), made current at boot.
Thread& create_main_thread();
// A new thread's id (never reused while the VM runs).
int allocate_tid();
void add_thread(Process&, Thread&);
// Ends the current thread: clears and wakes its clear_child_tid, and ends the process if it
// was the last one.
void exit_thread(int status);

// Ends the current process (exit_group) with `status`, or by `signal`; ends the VM if it is
// PID 1. Returns: the current task no longer runs once the trap ends.
void exit_process(int status);
// Ends `process` by `signal` (a fatal signal from anywhere). Its threads never run again.
void kill_process(Process&, int signal, uint64_t fault_address = 0, uint64_t fault_rip = 0);
// A signal from the kernel for the current thread (SIGPIPE): see linux/signals.h.
void raise_signal(int signal);

// The process tree (process_tree.cpp).
// A new process: a copy of the current one (fork, or vfork/clone sharing `memory`), with
// `thread` as its only thread. Returns the child, not yet runnable.
lib::ErrorOr<Process*> create_child_process(Memory* shared_memory);
// Makes `process` a zombie with `wait_status`: its children go to the reaper, its parent
// hears of it (SIGCHLD, wait4). Its threads must be gone already.
void make_zombie(Process&, int wait_status);
// Frees a zombie once its parent has collected it (or once its last thread is released).
void reap(Process&);
// Takes a reaped process out of the process list and frees it.
void forget(Process&);
// `parent` is ending: its children that asked for prctl(PR_SET_PDEATHSIG) get that signal
// (syscalls/prctl.cpp).
void send_parent_death_signals(Process& parent);
// Drops `process`'s use of its memory; the last user frees the frames and the host.
void release_memory(Process&);
// Records the memory the process has backed now, if it is its most so far (ru_maxrss).
void note_peak_rss(Process&);
// A dying process's timers: interval timers disarmed, POSIX timers deleted (timers.cpp).
void release_process_timers(Process&);
// An empty address space for a new program image (boot, execve), or null.
mm::AddressSpace* make_address_space();
// How many processes exist (running or zombie): the VM's cap.
int process_count();
// Whether `process` may make another process or thread under its RLIMIT_NPROC, which counts
// every thread (and zombie) of its real user. Linux exempts root, and any process with
// CAP_SYS_RESOURCE: here, an effective uid of 0 (syscalls/process.cpp).
bool may_create_task(const Process&);
// The parent's side of a child's stop or continue (SIGCHLD with CLD_STOPPED/CLD_CONTINUED).
void notify_parent_stopped(Process&, int signal);
void notify_parent_continued(Process&);

namespace detail {
extern Process* g_processes;
}

template<typename Visit>
void for_each_process(Visit visit)
{
    for (Process* process = detail::g_processes; process;) {
        Process* next = process->next;
        visit(*process);
        process = next;
    }
}

} // namespace linux
