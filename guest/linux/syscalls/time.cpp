// clock_gettime, clock_getres, gettimeofday, time: the clocks programs read. REALTIME and
// MONOTONIC (and their forms) come from vdso/vdso.h, so the syscalls and the vDSO, which
// answers most calls without a trap, agree; CPU-time clocks come from the scheduler.
#include <linux/clock.h>
#include <linux/process.h>
#include <linux/syscalls.h>
#include <linux/user_memory.h>
#include <platform/platform.h>
#include <sched/scheduler.h>
#include <vdso/vdso.h>

namespace linux {

namespace {

// Clock ids below zero name CPU-time clocks (clock_getcpuclockid, pthread_getcpuclockid), as
// Linux's posix-cpu-timers encode them: ~pid << 3, bit 2 set for one thread, and in the low
// two bits which time (PROF user+system, VIRT user, SCHED run time; 3 is not a CPU clock).
constexpr int CPUCLOCK_SCHED = 2, CPUCLOCK_PERTHREAD = 4, CPUCLOCK_WHICH_MASK = 3;

int64_t process_cpu_ns(const Process& process)
{
    int64_t total = process.exited_threads_cpu_ns;
    for (const Thread* thread = process.threads; thread; thread = thread->next_in_process)
        total += sched::cpu_time(*thread);
    return total;
}

struct CpuClock {
    const Thread* thread;   // one thread's time, or
    const Process* process; // the whole process's
    int which;
};

// The thread or process a CPU-time clock id names, or EINVAL.
lib::ErrorOr<CpuClock> cpu_clock(int clock)
{
    if (clock == CLOCK_PROCESS_CPUTIME_ID)
        return CpuClock { nullptr, &current_process(), CPUCLOCK_SCHED };
    if (clock == CLOCK_THREAD_CPUTIME_ID)
        return CpuClock { &current_thread(), nullptr, CPUCLOCK_SCHED };
    if (clock >= 0 || (clock & CPUCLOCK_WHICH_MASK) == 3)
        return EINVAL;
    int which = clock & CPUCLOCK_WHICH_MASK;
    int pid = ~(clock >> 3);
    if (clock & CPUCLOCK_PERTHREAD) {
        if (pid == 0)
            return CpuClock { &current_thread(), nullptr, which };
        Thread* thread = find_thread(pid);
        if (!thread || thread->process != &current_process())
            return EINVAL;
        return CpuClock { thread, nullptr, which };
    }
    // A process clock: any process's id, or (for reading it) any of the caller's own tid.
    if (pid == 0 || pid == current_thread().tid)
        return CpuClock { nullptr, &current_process(), which };
    if (Process* process = find_process(pid))
        return CpuClock { nullptr, process, which };
    return EINVAL;
}

} // namespace

int64_t process_cpu_time_ns() { return process_cpu_ns(current_process()); }

lib::ErrorOr<int64_t> clock_now(int clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
        return vdso::realtime_ns();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        return vdso::monotonic_ns();
    default: {
        CpuClock cpu = TRY(cpu_clock(clock));
        return cpu.thread ? sched::cpu_time(*cpu.thread) : process_cpu_ns(*cpu.process);
    }
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
// 1 ns for the high-resolution clocks and CPU run time; the host's tick for the _COARSE
// clocks and the PROF and VIRT CPU clocks, as Linux (its HZ).
SyscallResult sys_clock_getres(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    int64_t resolution = 1;
    if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE) {
        resolution = platform::coarse_clock_resolution_ns();
    } else if (clock < 0) {
        CpuClock cpu = TRY(cpu_clock(clock));
        if (cpu.which != CPUCLOCK_SCHED)
            resolution = platform::coarse_clock_resolution_ns();
    } else if (clock != CLOCK_PROCESS_CPUTIME_ID && clock != CLOCK_THREAD_CPUTIME_ID) {
        TRY(clock_now(clock));
    }
    if (a[1])
        TRY(write_user(a[1], Timespec { 0, resolution }));
    return 0;
}

// int gettimeofday(struct timeval *tv, struct timezone *tz);
SyscallResult sys_gettimeofday(SyscallArguments& a)
{
    int64_t value = vdso::realtime_ns();
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
    int64_t seconds = vdso::realtime_ns() / NANOSECONDS;
    if (a[0])
        TRY(write_user(a[0], seconds));
    return seconds;
}

} // namespace linux
