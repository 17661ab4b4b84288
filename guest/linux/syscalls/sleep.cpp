// nanosleep and clock_nanosleep: the thread sleeps and the others run.
#include <linux/clock.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

namespace linux {

namespace {

// Sleeps the calling thread until `deadline` (CLOCK_MONOTONIC); other threads run meanwhile.
// It blocks without restart, so a signal that runs a handler ends it with EINTR, SA_RESTART or
// not, as on Linux (see signal_delivery.cpp).
// FIXME: `rem` is not written on EINTR: the wait ends in sched::wake from signal delivery, and
// no code of this syscall runs after that. It needs a seam there (e.g. a per-task callback when
// a wait is interrupted) or a restarted sleep that the resume hook lets run before the handler.
SyscallResult sleep_until(int64_t deadline)
{
    if (deadline <= platform::clock_ns(CLOCK_MONOTONIC))
        return 0;
    return sched::block_current(nullptr, deadline, 0, false);
}

} // namespace

// int nanosleep(const struct timespec *req, struct timespec *rem);
SyscallResult sys_nanosleep(SyscallArguments& a)
{
    int64_t duration = TRY(read_duration(a[0]));
    return sleep_until(sched::deadline_after(duration));
}

// int clock_nanosleep(clockid_t clockid, int flags, const struct timespec *request, struct timespec *remain);
SyscallResult sys_clock_nanosleep(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    if (clock == CLOCK_THREAD_CPUTIME_ID)
        return EINVAL;
    int64_t start = TRY(clock_now(clock));
    auto request = TRY(read_user<Timespec>(a[2]));
    if (request.seconds < 0 || request.nanoseconds < 0 || request.nanoseconds >= NANOSECONDS)
        return EINVAL;
    int64_t target = request.seconds * NANOSECONDS + request.nanoseconds;
    int64_t duration = (a[1] & TIMER_ABSTIME) ? target - start : target;
    return sleep_until(sched::deadline_after(duration > 0 ? duration : 0));
}

} // namespace linux
