// rt_sigaction, rt_sigprocmask, sigaltstack, kill, tgkill, tkill.
// FIXME: issue 5 delivers signals to handlers; until then actions and masks are recorded, and
// a signal sent to the program takes its default action (or is ignored).
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr int SIGKILL = 9, SIGSTOP = 19, SIGCHLD = 17, SIGCONT = 18, SIGURG = 23, SIGWINCH = 28;
constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
constexpr uint64_t SIG_IGN = 1;
constexpr uint64_t UNBLOCKABLE = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
constexpr int SS_DISABLE = 2;
constexpr int PID = 1;

bool ignored_by_default(int signal) { return signal == SIGCHLD || signal == SIGCONT || signal == SIGURG || signal == SIGWINCH; }

SyscallResult send_to_self(int signal)
{
    if (signal < 0 || signal > SIGNAL_COUNT)
        return EINVAL;
    if (signal > 0)
        raise_signal(signal);
    return 0;
}

} // namespace

void raise_signal(int signal)
{
    const SignalAction& action = current_process().signal_actions[signal];
    if (action.handler == SIG_IGN || (action.handler == 0 && ignored_by_default(signal)))
        return;
    kill_program(signal);
}

// int rt_sigaction(int signum, const struct sigaction *act, struct sigaction *oldact, size_t sigsetsize);
SyscallResult sys_rt_sigaction(SyscallArguments& a)
{
    int signal = static_cast<int>(a[0]);
    if (signal < 1 || signal > SIGNAL_COUNT || a[3] != 8)
        return EINVAL;
    Process& process = current_process();
    SignalAction old = process.signal_actions[signal];
    if (a[1]) {
        if (signal == SIGKILL || signal == SIGSTOP)
            return EINVAL;
        process.signal_actions[signal] = TRY(read_user<SignalAction>(a[1]));
    }
    if (a[2])
        TRY(write_user(a[2], old));
    return 0;
}

// int rt_sigprocmask(int how, const sigset_t *set, sigset_t *oldset, size_t sigsetsize);
SyscallResult sys_rt_sigprocmask(SyscallArguments& a)
{
    if (a[3] != 8)
        return EINVAL;
    Thread& thread = current_thread();
    uint64_t old = thread.signal_mask;
    if (a[1]) {
        uint64_t set = TRY(read_user<uint64_t>(a[1]));
        switch (static_cast<int>(a[0])) {
        case SIG_BLOCK:
            thread.signal_mask |= set;
            break;
        case SIG_UNBLOCK:
            thread.signal_mask &= ~set;
            break;
        case SIG_SETMASK:
            thread.signal_mask = set;
            break;
        default:
            return EINVAL;
        }
        thread.signal_mask &= ~UNBLOCKABLE;
    }
    if (a[2])
        TRY(write_user(a[2], old));
    return 0;
}

// int sigaltstack(const stack_t *ss, stack_t *old_ss);
SyscallResult sys_sigaltstack(SyscallArguments& a)
{
    Thread& thread = current_thread();
    uint64_t old[3] = { thread.alternate_stack[0], thread.alternate_stack[1], thread.alternate_stack[2] };
    if (a[0]) {
        uint64_t wanted[3];
        TRY(copy_from_user(wanted, a[0], sizeof(wanted)));
        int flags = static_cast<int>(wanted[1]);
        if (flags & ~(SS_DISABLE | (1 << 31)))
            return EINVAL;
        if (!(flags & SS_DISABLE) && wanted[2] < 2048)
            return ENOMEM;
        for (int i = 0; i < 3; ++i)
            thread.alternate_stack[i] = wanted[i];
    }
    if (a[1])
        TRY(copy_to_user(a[1], old, sizeof(old)));
    return 0;
}

// int kill(pid_t pid, int sig);
SyscallResult sys_kill(SyscallArguments& a)
{
    int64_t pid = static_cast<int32_t>(a[0]);
    if (pid != PID && pid != 0 && pid != -1)
        return ESRCH;
    return send_to_self(static_cast<int>(a[1]));
}

// int tgkill(pid_t tgid, pid_t tid, int sig);
SyscallResult sys_tgkill(SyscallArguments& a)
{
    if (a[0] != PID || a[1] != PID)
        return ESRCH;
    return send_to_self(static_cast<int>(a[2]));
}

// int tkill(pid_t tid, int sig);
SyscallResult sys_tkill(SyscallArguments& a)
{
    if (a[0] != PID)
        return ESRCH;
    return send_to_self(static_cast<int>(a[1]));
}

} // namespace linux
