// Waiting for signals: rt_sigsuspend, pause, rt_sigtimedwait.
#include <lib/errno_codes.h>
#include <linux/clock.h>
#include <linux/signals.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>

namespace linux {

namespace {

constexpr uint64_t SIGSET_SIZE = 8;
constexpr int64_t INTERRUPTED = -4; // -EINTR

// Drops the pending signals in `set` that would be ignored anyway: they end no wait.
void drop_ignored(Thread& thread, uint64_t set)
{
    uint64_t signals = pending_signals(thread) & set;
    while (signals) {
        int signal = __builtin_ctzll(signals) + 1;
        signals &= signals - 1;
        discard_ignored(*thread.process, signal);
    }
}

// Sleeps until a signal runs a handler (its sender wakes the thread with EINTR).
SyscallResult wait_for_handler(Thread& thread)
{
    drop_ignored(thread, ~thread.signal_mask);
    if (pending_signals(thread) & ~thread.signal_mask)
        return EINTR; // delivered as the call returns
    return sched::block_current(nullptr, sched::NO_DEADLINE, INTERRUPTED, false);
}

} // namespace

// int rt_sigsuspend(const sigset_t *mask, size_t sigsetsize);
SyscallResult sys_rt_sigsuspend(SyscallArguments& a)
{
    if (a[1] != SIGSET_SIZE)
        return EINVAL;
    uint64_t mask = TRY(read_user<uint64_t>(a[0]));
    Thread& thread = current_thread();
    // The handler's frame records the old mask; rt_sigreturn (or the return) puts it back.
    thread.saved_signal_mask = thread.signal_mask;
    thread.restore_signal_mask = true;
    thread.signal_mask = mask & ~UNBLOCKABLE;
    return wait_for_handler(thread);
}

// int pause(void);
SyscallResult sys_pause(SyscallArguments&) { return wait_for_handler(current_thread()); }

// int rt_sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout, size_t sigsetsize);
SyscallResult sys_rt_sigtimedwait(SyscallArguments& a)
{
    if (a[3] != SIGSET_SIZE)
        return EINVAL;
    uint64_t set = TRY(read_user<uint64_t>(a[0])) & ~UNBLOCKABLE;
    Thread& thread = current_thread();
    thread.waited_signals = 0;
    SignalInfo info = take_pending(thread, set);
    if (info.signal) {
        if (a[1])
            TRY(write_signal_info(a[1], info));
        return info.signal;
    }
    int64_t deadline = sched::NO_DEADLINE;
    if (a[2]) {
        int64_t timeout = TRY(read_duration(a[2]));
        deadline = sched::deadline_after(timeout);
        if (sched::deadline_passed(deadline))
            return EAGAIN;
    }
    // A signal of `set` wakes the thread to run this call again and take it (see
    // signal_delivery.cpp); any other signal with a handler ends it with EINTR.
    thread.waited_signals = set;
    return sched::block_current(nullptr, deadline, -static_cast<int64_t>(EAGAIN.code), true);
}

} // namespace linux
