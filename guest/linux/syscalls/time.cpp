// clock_gettime, clock_getres, gettimeofday, time.
// FIXME: issue 5 adds a vDSO so that reading the clock costs no trap at all.
#include <linux/clock.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <sched/scheduler.h>

namespace linux {

lib::ErrorOr<int64_t> clock_now(int clock)
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

// int clock_gettime(clockid_t clockid, struct timespec *tp);
SyscallResult sys_clock_gettime(SyscallArguments& a)
{
    int64_t value = TRY(clock_now(static_cast<int>(a[0])));
    TRY(write_user(a[1], Timespec { value / NANOSECONDS, value % NANOSECONDS }));
    return 0;
}

// int clock_getres(clockid_t clockid, struct timespec *res);
SyscallResult sys_clock_getres(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    TRY(clock_now(clock));
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

} // namespace linux
