// rt_sigaction, rt_sigprocmask, rt_sigpending, sigaltstack, rt_sigreturn, and sending:
// kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo (see linux/kill.h).
#include <linux/kill.h>
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
    return SignalInfo { signal, header[2], header[1], header[4], value };
}

// Calls `send` for every process `chosen` picks, in pid order and the caller last. Each is
// looked up afresh: a signal may end a process, and that may reap others.
template<typename Choose, typename Send>
void for_each_chosen_process(Choose chosen, Send send)
{
    int self = current_process().pid;
    bool self_chosen = false;
    for (int last = 0;;) {
        Process* next = nullptr;
        for_each_process([&](Process& process) {
            if (process.pid > last && (!next || process.pid < next->pid) && chosen(process))
                next = &process;
        });
        if (!next)
            break;
        last = next->pid;
        if (next->pid == self)
            self_chosen = true;
        else
            send(*next);
    }
    if (Process* caller = self_chosen ? find_process(self) : nullptr)
        send(*caller);
}

// Whether the caller may signal `target`: its own process, one whose real or saved user id
// is the caller's real or effective one, any for root (CAP_KILL), and SIGCONT within the
// caller's session.
lib::ErrorOr<void> check_permission(const Process& target, int signal)
{
    const Process& self = current_process();
    const Credentials& sender = self.credentials;
    const Credentials& receiver = target.credentials;
    if (&target == &self || sender.is_privileged())
        return {};
    if (sender.euid == receiver.suid || sender.euid == receiver.uid || sender.uid == receiver.suid || sender.uid == receiver.uid)
        return {};
    if (signal == SIGCONT && target.session == self.session)
        return {};
    return EPERM;
}

// kill(-1): every process but PID 1 and the caller; ESRCH if there is none. As Linux, a
// process the caller may not signal is passed over without an error.
lib::ErrorOr<void> signal_everyone(const SignalInfo& info)
{
    int count = 0;
    lib::ErrorOr<void> result {};
    Process& self = current_process();
    for_each_chosen_process([&](Process& process) { return process.pid > 1 && &process != &self; },
        [&](Process& process) {
            ++count;
            auto sent = signal_process(process, info);
            if (!sent.is_error() || sent.error() != EPERM.code)
                result = sent;
        });
    if (!count)
        return ESRCH;
    return result;
}

} // namespace

SignalInfo signal_from_caller(int signal, int code) { return { signal, code, 0, current_process().pid, 0 }; }

lib::ErrorOr<void> signal_process(Process& process, const SignalInfo& info)
{
    if (!valid_signal(info.signal))
        return EINVAL;
    TRY(check_permission(process, info.signal));
    if (info.signal && process.state == ProcessState::Running)
        send_signal(process, info);
    return {};
}

lib::ErrorOr<void> signal_group(int group, const SignalInfo& info)
{
    bool any = false, delivered = false;
    lib::ErrorOr<void> result {};
    for_each_chosen_process([&](Process& process) { return process.process_group == group; },
        [&](Process& process) {
            any = true;
            result = signal_process(process, info);
            delivered = delivered || !result.is_error();
        });
    if (!any)
        return ESRCH;
    if (delivered)
        return {};
    return result;
}

lib::ErrorOr<void> signal_thread(int tgid, int tid, const SignalInfo& info)
{
    // A process whose main thread has ended, or a zombie, still answers to its pid.
    Thread* thread = find_thread(tid);
    Process* process = thread ? thread->process : find_process(tid);
    if (!process || (tgid > 0 && process->pid != tgid))
        return ESRCH;
    if (!valid_signal(info.signal))
        return EINVAL;
    TRY(check_permission(*process, info.signal));
    if (info.signal && thread)
        send_signal(*thread, info);
    return {};
}

bool may_send_info(const SignalInfo& info, bool to_caller) { return to_caller || (info.code < 0 && info.code != SI_TKILL); }

// A signal the kernel raises for the current thread (SIGPIPE), as from the process itself.
void raise_signal(int signal) { send_signal(current_thread(), signal_from_caller(signal, SI_USER)); }

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
        kill_process(current_process(), SIGSEGV);
    return static_cast<int64_t>(a.frame.rax);
}

// int kill(pid_t pid, int sig);
// pid > 0: that process (a thread's id names its process); 0: the caller's process group;
// -1: every process but PID 1 and the caller; below -1: the group -pid.
SyscallResult sys_kill(SyscallArguments& a)
{
    int pid = static_cast<int32_t>(a[0]);
    // A signal that does not exist is EINVAL, but only once some process is found to refuse it.
    int signal = valid_signal(static_cast<int32_t>(a[1])) ? static_cast<int32_t>(a[1]) : -1;
    SignalInfo info = signal_from_caller(signal, SI_USER);
    if (pid > 0) {
        Process* process = find_process_of_task(pid);
        if (!process)
            return ESRCH;
        TRY(signal_process(*process, info));
    } else if (pid == 0) {
        TRY(signal_group(current_process().process_group, info));
    } else if (pid == -1) {
        TRY(signal_everyone(info));
    } else {
        if (pid == INT32_MIN)
            return ESRCH;
        TRY(signal_group(-pid, info));
    }
    return 0;
}

// int tkill(pid_t tid, int sig);
SyscallResult sys_tkill(SyscallArguments& a)
{
    int tid = static_cast<int32_t>(a[0]);
    if (tid <= 0)
        return EINVAL;
    int signal = valid_signal(static_cast<int32_t>(a[1])) ? static_cast<int32_t>(a[1]) : -1;
    TRY(signal_thread(0, tid, signal_from_caller(signal, SI_TKILL)));
    return 0;
}

// int tgkill(pid_t tgid, pid_t tid, int sig);
SyscallResult sys_tgkill(SyscallArguments& a)
{
    int tgid = static_cast<int32_t>(a[0]), tid = static_cast<int32_t>(a[1]);
    if (tgid <= 0 || tid <= 0)
        return EINVAL;
    int signal = valid_signal(static_cast<int32_t>(a[2])) ? static_cast<int32_t>(a[2]) : -1;
    TRY(signal_thread(tgid, tid, signal_from_caller(signal, SI_TKILL)));
    return 0;
}

// int rt_sigqueueinfo(pid_t tgid, int sig, siginfo_t *info);
SyscallResult sys_rt_sigqueueinfo(SyscallArguments& a)
{
    int pid = static_cast<int32_t>(a[0]);
    int signal = valid_signal(static_cast<int32_t>(a[1])) ? static_cast<int32_t>(a[1]) : -1;
    SignalInfo info = TRY(read_signal_info(a[2], signal));
    if (!may_send_info(info, pid == current_thread().tid))
        return EPERM;
    Process* process = pid > 0 ? find_process_of_task(pid) : nullptr;
    if (!process)
        return ESRCH;
    TRY(signal_process(*process, info));
    return 0;
}

// int rt_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig, siginfo_t *info);
SyscallResult sys_rt_tgsigqueueinfo(SyscallArguments& a)
{
    int tgid = static_cast<int32_t>(a[0]), tid = static_cast<int32_t>(a[1]);
    if (tgid <= 0 || tid <= 0)
        return EINVAL;
    int signal = valid_signal(static_cast<int32_t>(a[2])) ? static_cast<int32_t>(a[2]) : -1;
    SignalInfo info = TRY(read_signal_info(a[3], signal));
    if (!may_send_info(info, tid == current_thread().tid))
        return EPERM;
    TRY(signal_thread(tgid, tid, info));
    return 0;
}

} // namespace linux
