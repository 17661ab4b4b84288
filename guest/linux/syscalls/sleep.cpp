// nanosleep and clock_nanosleep: the thread sleeps and the others run.
#include <linux/clock.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

namespace linux {

namespace {

// A signal ended the sleep: the time left goes to the program's `rem`, as Linux writes it.
void write_remaining(sched::Task& task)
{
    auto& thread = static_cast<Thread&>(task);
    int64_t left = thread.sleep_deadline - sched::now();
    if (left < 0)
        left = 0;
    (void)write_user(thread.sleep_remaining_address, Timespec { left / NANOSECONDS, left % NANOSECONDS });
}

// Sleeps the calling thread until `deadline` (CLOCK_MONOTONIC); other threads run meanwhile.
// It blocks without restart, so a signal that runs a handler ends it with EINTR, SA_RESTART or
// not, as on Linux (see signal_delivery.cpp); `remaining` (if not 0) then gets the time left.
SyscallResult sleep_until(int64_t deadline, UserAddress remaining)
{
    if (sched::deadline_passed(deadline))
        return 0;
    auto blocked = sched::block_current(nullptr, deadline, 0, false);
    if (remaining) {
        Thread& thread = current_thread();
        thread.sleep_remaining_address = remaining;
        thread.sleep_deadline = deadline;
        thread.on_interrupt = write_remaining;
    }
    return blocked;
}

} // namespace

// int nanosleep(const struct timespec *req, struct timespec *rem);
SyscallResult sys_nanosleep(SyscallArguments& a)
{
    int64_t duration = TRY(read_duration(a[0]));
    return sleep_until(sched::deadline_after(duration), a[1]);
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
    return sleep_until(sched::deadline_after(duration > 0 ? duration : 0), (a[1] & TIMER_ABSTIME) ? 0 : a[3]);
}

} // namespace linux
