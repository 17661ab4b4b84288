// alarm, getitimer, setitimer and the POSIX timers (timer_create, timer_settime,
// timer_gettime, timer_getoverrun, timer_delete): timers of the process that send it a signal.
// ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU time (user and kernel time are
// not told apart). FIXME: one process (issue 6 makes these per process).
#include <linux/interval_timer.h>
#include <linux/process.h>
#include <linux/signals.h>
#include <linux/syscalls.h>

namespace linux {

namespace {

constexpr int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
constexpr int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
constexpr int64_t MICROSECONDS = 1'000'000;

// --- setitimer and alarm ---

struct Timeval {
    int64_t seconds;
    int64_t microseconds;
};

struct Itimerval {
    Timeval interval;
    Timeval value;
};

constexpr int ITIMER_SIGNALS[3] = { SIGALRM, SIGVTALRM, SIGPROF };

void itimer_expired(ProcessTimer& timer, uint64_t)
{
    int which = static_cast<int>(&timer - timer.owner->itimers);
    send_signal(*timer.owner, SignalInfo { ITIMER_SIGNALS[which], SI_KERNEL });
}

lib::ErrorOr<int64_t> timeval_ns(const Timeval& time)
{
    if (time.seconds < 0 || time.microseconds < 0 || time.microseconds >= MICROSECONDS)
        return EINVAL;
    if (time.seconds > INT64_MAX / NANOSECONDS / 2)
        return INT64_MAX / 2;
    return time.seconds * NANOSECONDS + time.microseconds * 1000;
}

// Linux shows a time left of less than a microsecond as one.
Timeval ns_timeval(int64_t ns)
{
    if (ns > 0 && ns < 1000)
        ns = 1000;
    return { ns / NANOSECONDS, ns % NANOSECONDS / 1000 };
}

Itimerval current_itimer(int which)
{
    ProcessTimer& timer = current_process().itimers[which];
    return { ns_timeval(timer.period()), ns_timeval(timer.value_left()) };
}

void set_itimer(int which, int64_t value, int64_t interval)
{
    ProcessTimer& timer = current_process().itimers[which];
    timer.expire = itimer_expired;
    int clock = which == ITIMER_REAL ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID;
    (void)timer.set(clock, value, interval, false); // relative times cannot fail
}

// --- POSIX timers ---

struct Sigevent {
    uint64_t value;
    int32_t signal;
    int32_t notify;
    int32_t thread_id;
    int32_t padding[11];
};
static_assert(sizeof(Sigevent) == 64);

struct PosixTimer {
    bool used;
    Process* creator;
    int clock;
    int notify;
    int signal;
    uint64_t value;
    int thread_id;
    int overrun;
    ProcessTimer timer;
};

constexpr int MAX_TIMERS = 64;
PosixTimer g_timers[MAX_TIMERS];

void posix_timer_expired(ProcessTimer& timer, uint64_t count)
{
    auto& posix = *static_cast<PosixTimer*>(timer.context);
    posix.overrun = count - 1 > INT32_MAX ? INT32_MAX : static_cast<int>(count - 1);
    if (posix.notify == SIGEV_NONE)
        return;
    SignalInfo info { posix.signal, SI_TIMER, 0, static_cast<int>(&posix - g_timers), posix.value };
    if (posix.notify == SIGEV_THREAD_ID) {
        if (Thread* thread = find_thread(posix.thread_id))
            send_signal(*thread, info);
        return;
    }
    send_signal(*timer.owner, info);
}

lib::ErrorOr<PosixTimer*> timer_for(uint64_t id)
{
    if (id >= MAX_TIMERS || !g_timers[id].used || g_timers[id].creator != &current_process())
        return EINVAL;
    return &g_timers[id];
}

bool is_timer_clock(int clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME || clock == CLOCK_PROCESS_CPUTIME_ID
        || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM || clock == CLOCK_TAI;
}

} // namespace

// int getitimer(int which, struct itimerval *curr_value);
SyscallResult sys_getitimer(SyscallArguments& a)
{
    if (a[0] > ITIMER_PROF)
        return EINVAL;
    TRY(write_user(a[1], current_itimer(static_cast<int>(a[0]))));
    return 0;
}

// int setitimer(int which, const struct itimerval *new_value, struct itimerval *old_value);
SyscallResult sys_setitimer(SyscallArguments& a)
{
    if (a[0] > ITIMER_PROF)
        return EINVAL;
    int which = static_cast<int>(a[0]);
    Itimerval wanted {}; // no new value disarms, as Linux allows
    if (a[1])
        wanted = TRY(read_user<Itimerval>(a[1]));
    int64_t value = TRY(timeval_ns(wanted.value));
    int64_t interval = TRY(timeval_ns(wanted.interval));
    if (a[2])
        TRY(write_user(a[2], current_itimer(which)));
    set_itimer(which, value, interval);
    return 0;
}

// unsigned int alarm(unsigned int seconds);
SyscallResult sys_alarm(SyscallArguments& a)
{
    Itimerval old = current_itimer(ITIMER_REAL);
    set_itimer(ITIMER_REAL, static_cast<int64_t>(static_cast<uint32_t>(a[0])) * NANOSECONDS, 0);
    int64_t seconds = old.value.seconds + (old.value.microseconds >= 500000);
    if (seconds == 0 && old.value.microseconds)
        seconds = 1; // a pending alarm never reads as none
    return seconds;
}

// int timer_create(clockid_t clockid, struct sigevent *sevp, timer_t *timerid);
SyscallResult sys_timer_create(SyscallArguments& a)
{
    int clock = static_cast<int>(a[0]);
    if (!is_timer_clock(clock))
        return EINVAL;
    int id = 0;
    while (id < MAX_TIMERS && g_timers[id].used)
        ++id;
    if (id == MAX_TIMERS)
        return EAGAIN;
    Sigevent event { static_cast<uint64_t>(id), SIGALRM, SIGEV_SIGNAL, 0, {} };
    if (a[1])
        event = TRY(read_user<Sigevent>(a[1]));
    if (event.notify != SIGEV_NONE && event.notify != SIGEV_SIGNAL && event.notify != SIGEV_THREAD_ID)
        return EINVAL;
    if (event.notify != SIGEV_NONE && (event.signal < 1 || event.signal > SIGNAL_COUNT))
        return EINVAL;
    if (event.notify == SIGEV_THREAD_ID) {
        Thread* thread = find_thread(event.thread_id);
        if (!thread || thread->process != &current_process())
            return EINVAL;
    }
    TRY(write_user(a[2], static_cast<int32_t>(id)));
    PosixTimer& timer = g_timers[id];
    timer.used = true;
    timer.creator = &current_process();
    timer.clock = clock;
    timer.notify = event.notify;
    timer.signal = event.signal;
    timer.value = event.value;
    timer.thread_id = event.thread_id;
    timer.overrun = 0;
    timer.timer.expire = posix_timer_expired;
    timer.timer.context = &timer;
    return 0;
}

// int timer_settime(timer_t timerid, int flags, const struct itimerspec *new_value, struct itimerspec *old_value);
SyscallResult sys_timer_settime(SyscallArguments& a)
{
    PosixTimer* timer = TRY(timer_for(a[0]));
    int64_t value, interval;
    TRY(read_itimerspec(a[2], value, interval));
    if (a[3])
        TRY(write_itimerspec(a[3], timer->timer.value_left(), timer->timer.period()));
    timer->overrun = 0;
    TRY(timer->timer.set(timer->clock, value, interval, a[1] & TIMER_ABSTIME));
    return 0;
}

// int timer_gettime(timer_t timerid, struct itimerspec *curr_value);
SyscallResult sys_timer_gettime(SyscallArguments& a)
{
    PosixTimer* timer = TRY(timer_for(a[0]));
    TRY(write_itimerspec(a[1], timer->timer.value_left(), timer->timer.period()));
    return 0;
}

// int timer_getoverrun(timer_t timerid);
SyscallResult sys_timer_getoverrun(SyscallArguments& a) { return TRY(timer_for(a[0]))->overrun; }

// int timer_delete(timer_t timerid);
SyscallResult sys_timer_delete(SyscallArguments& a)
{
    PosixTimer* timer = TRY(timer_for(a[0]));
    timer->timer.disarm();
    timer->used = false;
    return 0;
}

} // namespace linux

namespace linux {

void release_process_timers(Process& process)
{
    for (auto& timer : process.itimers)
        timer.disarm();
    for (auto& timer : g_timers) {
        if (timer.used && timer.creator == &process) {
            timer.timer.disarm();
            timer.used = false;
        }
    }
}

} // namespace linux
