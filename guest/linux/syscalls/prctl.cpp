// prctl and personality: per-thread names, the parent-death signal, the child-subreaper flag,
// and the process's flags that programs set and read back (Process::control). Most of them
// change nothing the kernel does (no core dumps, no privileges to drop); they round-trip and
// are inherited at fork, as on Linux.
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

enum : int {
    PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
    PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_SECCOMP = 21,
    PR_CAPBSET_READ = 23, PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_SET_CHILD_SUBREAPER = 36,
    PR_GET_CHILD_SUBREAPER = 37, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39,
};
constexpr int CAP_LAST_CAP = 40; // CAP_CHECKPOINT_RESTORE, Linux 5.9 and later
constexpr uint64_t DEFAULT_TIMER_SLACK_NS = 50000;
constexpr uint32_t PERSONALITY_QUERY = 0xffffffff;

} // namespace

// Linux sends it when the thread that made the child ends; here, when its process does.
void send_parent_death_signals(Process& parent)
{
    // In pid order, each child looked up afresh: a signal may end a child, and the child may
    // then be reaped.
    for (int last = 0;;) {
        Process* next = nullptr;
        for (Process* child = parent.children; child; child = child->next_sibling) {
            if (child->pid > last && (!next || child->pid < next->pid))
                next = child;
        }
        if (!next)
            return;
        last = next->pid;
        // One signal per child, though each of its threads may have asked for one.
        for (Thread* thread = next->threads; thread; thread = thread->next_in_process) {
            if (thread->parent_death_signal && thread->state != sched::TaskState::Dead) {
                send_signal(*next, { thread->parent_death_signal, SI_USER, 0, parent.pid, 0 });
                break;
            }
        }
    }
}

// The thread's name: what PR_SET_NAME set, else the program's file name (at most 15 bytes).
void thread_name(const Thread& thread, char (&name)[16])
{
    if (thread.name[0]) {
        for (size_t i = 0; i < sizeof(name); ++i)
            name[i] = thread.name[i];
        return;
    }
    const char* path = thread.process->executable;
    const char* base = path;
    for (const char* p = path; *p; ++p)
        if (*p == '/' && p[1])
            base = p + 1;
    size_t length = 0;
    for (; base[length] && base[length] != '/' && length < sizeof(name) - 1; ++length)
        name[length] = base[length];
    name[length] = '\0';
}

// int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
SyscallResult sys_prctl(SyscallArguments& a)
{
    Thread& thread = current_thread();
    Process& process = *thread.process;
    ProcessControl& control = process.control;
    switch (static_cast<int>(a[0])) {
    case PR_SET_PDEATHSIG:
        if (a[1] > static_cast<uint64_t>(SIGNAL_COUNT))
            return EINVAL;
        thread.parent_death_signal = static_cast<int>(a[1]);
        return 0;
    case PR_GET_PDEATHSIG:
        TRY(write_user(a[1], thread.parent_death_signal));
        return 0;
    case PR_GET_DUMPABLE:
        return control.dumpable;
    case PR_SET_DUMPABLE:
        if (a[1] > 1)
            return EINVAL;
        control.dumpable = a[1];
        return 0;
    case PR_GET_KEEPCAPS:
        return control.keep_capabilities;
    case PR_SET_KEEPCAPS:
        if (a[1] > 1)
            return EINVAL;
        control.keep_capabilities = a[1];
        return 0;
    case PR_SET_NAME: {
        char name[16] {};
        // As strncpy_from_user: up to 15 bytes or the NUL, whichever comes first.
        for (size_t i = 0; i < sizeof(name) - 1; ++i) {
            name[i] = static_cast<char>(TRY(read_user<uint8_t>(a[1] + i)));
            if (!name[i])
                break;
        }
        // FIXME: an empty name reads back as the program's name, not as "".
        for (size_t i = 0; i < sizeof(name); ++i)
            thread.name[i] = name[i];
        return 0;
    }
    case PR_GET_NAME: {
        char name[16];
        thread_name(thread, name);
        TRY(copy_to_user(a[1], name, sizeof(name)));
        return 0;
    }
    case PR_GET_SECCOMP:
        return 0;
    case PR_CAPBSET_READ:
        if (a[1] > static_cast<uint64_t>(CAP_LAST_CAP))
            return EINVAL;
        return 1; // root inside the guest has every capability
    case PR_SET_TIMERSLACK:
        control.timer_slack_ns = static_cast<int64_t>(a[1]) <= 0 ? DEFAULT_TIMER_SLACK_NS : a[1];
        return 0;
    case PR_GET_TIMERSLACK:
        return static_cast<int64_t>(control.timer_slack_ns);
    case PR_SET_CHILD_SUBREAPER:
        // Orphans of its descendants come to it rather than to PID 1 (process_tree.cpp).
        process.child_subreaper = a[1] != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        TRY(write_user(a[1], static_cast<int>(process.child_subreaper)));
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (a[1] != 1 || a[2] || a[3] || a[4])
            return EINVAL;
        control.no_new_privileges = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (a[1] || a[2] || a[3] || a[4])
            return EINVAL;
        return control.no_new_privileges;
    default:
        return EINVAL;
    }
}

// int personality(unsigned long persona);
SyscallResult sys_personality(SyscallArguments& a)
{
    ProcessControl& control = current_process().control;
    uint32_t old = control.personality;
    uint32_t persona = static_cast<uint32_t>(a[0]);
    if (persona != PERSONALITY_QUERY)
        control.personality = persona;
    return old;
}

} // namespace linux
