// rt_sigaction, rt_sigprocmask, rt_sigpending, sigaltstack, rt_sigreturn, and sending:
// kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo.
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>

namespace linux {

namespace {

constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
constexpr uint64_t SIGSET_SIZE = 8;

bool valid_signal(int64_t signal) { return signal >= 0 && signal <= SIGNAL_COUNT; }

// A siginfo_t from the program (rt_sigqueueinfo): si_errno, si_code, si_pid and si_value.
lib::ErrorOr<SignalInfo> read_signal_info(UserAddress source, int signal)
{
    int32_t header[6];
    TRY(copy_from_user(header, source, sizeof(header)));
    uint64_t value = TRY(read_user<uint64_t>(source + 24));
    // Linux refuses a forged si_code (>= 0, or SI_TKILL) only towards another process, and
    // there is none.
    return SignalInfo { signal, header[2], header[1], header[4], value };
}

SyscallResult send_to_thread(int64_t tid, int signal, const SignalInfo& info)
{
    Thread* thread = find_thread(static_cast<int>(tid));
    if (!thread)
        return ESRCH;
    if (signal)
        send_signal(*thread, info);
    return 0;
}

} // namespace

void raise_signal(int signal) { send_signal(current_thread(), { signal, SI_USER, 0, PROGRAM_PID, 0 }); }

// int rt_sigaction(int signum, const struct sigaction *act, struct sigaction *oldact, size_t sigsetsize);
SyscallResult sys_rt_sigaction(SyscallArguments& a)
{
    int signal = static_cast<int>(a[0]);
    if (signal < 1 || signal > SIGNAL_COUNT || a[3] != SIGSET_SIZE)
        return EINVAL;
    if (a[1] && (signal == SIGKILL || signal == SIGSTOP))
        return EINVAL;
    Process& process = current_process();
    SignalAction old = process.signal_actions[signal];
    if (a[1]) {
        auto action = TRY(read_user<SignalAction>(a[1]));
        action.mask &= ~UNBLOCKABLE;
        process.signal_actions[signal] = action;
        discard_ignored(process, signal);
    }
    if (a[2])
        TRY(write_user(a[2], old));
    return 0;
}

// int rt_sigprocmask(int how, const sigset_t *set, sigset_t *oldset, size_t sigsetsize);
SyscallResult sys_rt_sigprocmask(SyscallArguments& a)
{
    if (a[3] != SIGSET_SIZE)
        return EINVAL;
    Thread& thread = current_thread();
    uint64_t old = thread.signal_mask;
    if (a[1]) {
        uint64_t set = TRY(read_user<uint64_t>(a[1]));
        uint64_t mask;
        switch (static_cast<int>(a[0])) {
        case SIG_BLOCK:
            mask = old | set;
            break;
        case SIG_UNBLOCK:
            mask = old & ~set;
            break;
        case SIG_SETMASK:
            mask = set;
            break;
        default:
            return EINVAL;
        }
        // Newly unblocked pending signals are delivered as the call returns.
        thread.signal_mask = mask & ~UNBLOCKABLE;
    }
    if (a[2])
        TRY(write_user(a[2], old));
    return 0;
}

// int rt_sigpending(sigset_t *set, size_t sigsetsize);
SyscallResult sys_rt_sigpending(SyscallArguments& a)
{
    if (a[1] > SIGSET_SIZE)
        return EINVAL;
    Thread& thread = current_thread();
    uint64_t pending = pending_signals(thread) & thread.signal_mask;
    TRY(copy_to_user(a[0], &pending, a[1]));
    return 0;
}

// int sigaltstack(const stack_t *ss, stack_t *old_ss);
SyscallResult sys_sigaltstack(SyscallArguments& a)
{
    Thread& thread = current_thread();
    uint64_t sp = a.frame.rsp;
    uint64_t old[3] = { thread.alternate_stack[0], alternate_stack_flags(thread, sp) | (thread.alternate_stack[1] & SS_AUTODISARM), thread.alternate_stack[2] };
    if (a[0]) {
        uint64_t wanted[3];
        TRY(copy_from_user(wanted, a[0], sizeof(wanted)));
        TRY(set_alternate_stack(thread, wanted, sp));
    }
    if (a[1])
        TRY(copy_to_user(a[1], old, sizeof(old)));
    return 0;
}

// int rt_sigreturn(void); — the handler's return, through sa_restorer.
SyscallResult sys_rt_sigreturn(SyscallArguments& a)
{
    // As Linux: a frame the kernel cannot read back kills the program with SIGSEGV.
    if (!pop_signal_frame(current_thread(), a.frame, sched::live_extended_state()))
        kill_program(SIGSEGV);
    return static_cast<int64_t>(a.frame.rax);
}

// int kill(pid_t pid, int sig);
SyscallResult sys_kill(SyscallArguments& a)
{
    int64_t pid = static_cast<int32_t>(a[0]);
    int signal = static_cast<int>(a[1]);
    if (!valid_signal(a[1]))
        return EINVAL;
    // pid -1 means every process but init and the caller: there is no other process.
    if (pid != PROGRAM_PID && pid != 0 && pid != -PROGRAM_PID)
        return ESRCH;
    if (signal)
        send_signal(current_process(), { signal, SI_USER, 0, PROGRAM_PID, 0 });
    return 0;
}

// int tkill(pid_t tid, int sig);
SyscallResult sys_tkill(SyscallArguments& a)
{
    int64_t tid = static_cast<int32_t>(a[0]);
    if (tid <= 0 || !valid_signal(a[1]))
        return EINVAL;
    int signal = static_cast<int>(a[1]);
    return send_to_thread(tid, signal, { signal, SI_TKILL, 0, PROGRAM_PID, 0 });
}

// int tgkill(pid_t tgid, pid_t tid, int sig);
SyscallResult sys_tgkill(SyscallArguments& a)
{
    int64_t tgid = static_cast<int32_t>(a[0]), tid = static_cast<int32_t>(a[1]);
    if (tgid <= 0 || tid <= 0 || !valid_signal(a[2]))
        return EINVAL;
    if (tgid != PROGRAM_PID)
        return ESRCH;
    int signal = static_cast<int>(a[2]);
    return send_to_thread(tid, signal, { signal, SI_TKILL, 0, PROGRAM_PID, 0 });
}

// int rt_sigqueueinfo(pid_t tgid, int sig, siginfo_t *info);
SyscallResult sys_rt_sigqueueinfo(SyscallArguments& a)
{
    int64_t pid = static_cast<int32_t>(a[0]);
    if (!valid_signal(a[1]))
        return EINVAL;
    int signal = static_cast<int>(a[1]);
    SignalInfo info = TRY(read_signal_info(a[2], signal));
    if (pid != PROGRAM_PID)
        return ESRCH;
    if (signal)
        send_signal(current_process(), info);
    return 0;
}

// int rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, siginfo_t *info);
SyscallResult sys_rt_tgsigqueueinfo(SyscallArguments& a)
{
    int64_t tgid = static_cast<int32_t>(a[0]), tid = static_cast<int32_t>(a[1]);
    if (tgid <= 0 || tid <= 0 || !valid_signal(a[2]))
        return EINVAL;
    int signal = static_cast<int>(a[2]);
    SignalInfo info = TRY(read_signal_info(a[3], signal));
    if (tgid != PROGRAM_PID)
        return ESRCH;
    return send_to_thread(tid, signal, info);
}

} // namespace linux
