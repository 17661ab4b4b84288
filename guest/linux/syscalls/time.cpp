// clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
// FIXME: issue 5 adds a vDSO so that reading the clock costs no trap at all.
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

namespace linux {

namespace {

constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
constexpr int CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
constexpr int CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
constexpr int TIMER_ABSTIME = 1;
constexpr int64_t NANOSECONDS = 1000000000;

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

lib::ErrorOr<int64_t> now(int clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
        return platform::clock_ns(0);
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
    // FIXME: CPU-time clocks run on wall time until the scheduler accounts CPU time.
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        return platform::clock_ns(1);
    default:
        return EINVAL;
    }
}

lib::ErrorOr<int64_t> read_duration(UserAddress address)
{
    auto request = TRY(read_user<Timespec>(address));
    if (request.seconds < 0 || request.nanoseconds < 0 || request.nanoseconds >= NANOSECONDS)
        return EINVAL;
    if (request.seconds > INT64_MAX / NANOSECONDS - 1)
        return INT64_MAX;
    return request.seconds * NANOSECONDS + request.nanoseconds;
}

} // namespace

// int clock_gettime(clockid_t clockid, struct timespec *tp);
SyscallResult sys_clock_gettime(SyscallArguments& a)
{
    int64_t value = TRY(now(static_cast<int>(a[0])));
    TRY(write_user(a[1], Timespec { value / NANOSECONDS, value % NANOSECONDS }));
    return 0;
}

// int clock_getres(clockid_t clockid, struct timespec *res);
SyscallResult sys_clock_getres(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    TRY(now(clock));
    bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
    if (a[1])
        TRY(write_user(a[1], Timespec { 0, coarse ? 4000000 : 1 }));
    return 0;
}

// int gettimeofday(struct timeval *tv, struct timezone *tz);
SyscallResult sys_gettimeofday(SyscallArguments& a)
{
    int64_t value = platform::clock_ns(CLOCK_REALTIME);
    if (a[0]) {
        int64_t timeval[2] = { value / NANOSECONDS, (value % NANOSECONDS) / 1000 };
        TRY(copy_to_user(a[0], timeval, sizeof(timeval)));
    }
    if (a[1]) {
        int32_t timezone[2] = { 0, 0 };
        TRY(copy_to_user(a[1], timezone, sizeof(timezone)));
    }
    return 0;
}

// time_t time(time_t *tloc);
SyscallResult sys_time(SyscallArguments& a)
{
    int64_t seconds = platform::clock_ns(CLOCK_REALTIME) / NANOSECONDS;
    if (a[0])
        TRY(write_user(a[0], seconds));
    return seconds;
}

// Sleeps the calling thread until `deadline` (CLOCK_MONOTONIC); other threads run meanwhile.
// FIXME: a signal handler interrupting the sleep gets EINTR but `rem` is not written.
SyscallResult sleep_until(int64_t deadline)
{
    if (deadline <= platform::clock_ns(CLOCK_MONOTONIC))
        return 0;
    return sched::block_current(nullptr, deadline, 0, false);
}

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
    int64_t start = TRY(now(clock));
    auto request = TRY(read_user<Timespec>(a[2]));
    if (request.seconds < 0 || request.nanoseconds < 0 || request.nanoseconds >= NANOSECONDS)
        return EINVAL;
    int64_t target = request.seconds * NANOSECONDS + request.nanoseconds;
    int64_t duration = (a[1] & TIMER_ABSTIME) ? target - start : target;
    return sleep_until(sched::deadline_after(duration > 0 ? duration : 0));
}

} // namespace linux
