// Interval timer arithmetic (see linux/interval_timer.h).
#include <lib/errno_codes.h>
#include <linux/interval_timer.h>
#include <linux/process.h>
#include <platform/platform.h>

namespace linux {

namespace {

lib::ErrorOr<int64_t> to_ns(const Timespec& time)
{
    if (time.seconds < 0 || time.nanoseconds < 0 || time.nanoseconds >= NANOSECONDS)
        return EINVAL;
    if (time.seconds > (INT64_MAX - NANOSECONDS) / NANOSECONDS)
        return sched::NO_DEADLINE / 2; // centuries: as good as never
    return time.seconds * NANOSECONDS + time.nanoseconds;
}

} // namespace

Timespec to_timespec(int64_t ns) { return { ns / NANOSECONDS, ns % NANOSECONDS }; }

lib::ErrorOr<void> read_itimerspec(UserAddress address, int64_t& value, int64_t& interval)
{
    auto spec = TRY(read_user<Itimerspec>(address));
    value = TRY(to_ns(spec.value));
    interval = TRY(to_ns(spec.interval));
    return {};
}

lib::ErrorOr<void> write_itimerspec(UserAddress address, int64_t value, int64_t interval)
{
    Itimerspec spec { to_timespec(interval), to_timespec(value) };
    return write_user(address, spec);
}

lib::ErrorOr<int64_t> monotonic_deadline(int clock, int64_t value, bool absolute)
{
    int64_t now = platform::clock_ns(CLOCK_MONOTONIC);
    int64_t delay = value;
    if (absolute)
        delay = value - TRY(clock_now(clock));
    if (delay < 0)
        delay = 0;
    return delay > sched::NO_DEADLINE - now ? sched::NO_DEADLINE - 1 : now + delay;
}

uint64_t expirations_until(int64_t now, int64_t& deadline, int64_t interval)
{
    if (deadline == sched::NO_DEADLINE || now < deadline)
        return 0;
    if (interval <= 0) {
        deadline = sched::NO_DEADLINE;
        return 1;
    }
    uint64_t count = 1 + static_cast<uint64_t>((now - deadline) / interval);
    deadline += static_cast<int64_t>(count) * interval;
    return count;
}

int64_t time_left(int64_t deadline)
{
    if (deadline == sched::NO_DEADLINE)
        return 0;
    int64_t left = deadline - platform::clock_ns(CLOCK_MONOTONIC);
    return left > 0 ? left : 1; // an armed timer never reads as disarmed
}

} // namespace linux

namespace linux {

namespace {

int64_t clock_of(const ProcessTimer& timer)
{
    return timer.on_cpu_time ? process_cpu_time(*timer.owner) : platform::clock_ns(CLOCK_MONOTONIC);
}

// The CPU time cannot run faster than the wall clock: look again when it could be due.
void arm_kernel_timer(ProcessTimer& timer)
{
    if (timer.deadline == sched::NO_DEADLINE)
        return;
    if (!timer.on_cpu_time) {
        sched::arm(timer.timer, timer.deadline);
        return;
    }
    int64_t left = timer.deadline - process_cpu_time(*timer.owner);
    sched::arm(timer.timer, platform::clock_ns(CLOCK_MONOTONIC) + (left > 0 ? left : 0));
}

void on_fire(sched::Timer& kernel_timer)
{
    auto& timer = *static_cast<ProcessTimer*>(kernel_timer.context);
    uint64_t count = expirations_until(clock_of(timer), timer.deadline, timer.interval);
    arm_kernel_timer(timer);
    if (count && timer.expire)
        timer.expire(timer, count);
}

} // namespace

int64_t process_cpu_time() { return process_cpu_time(current_process()); }

int64_t process_cpu_time(const Process& process)
{
    int64_t total = process.exited_threads_cpu_ns;
    for (Thread* thread = process.threads; thread; thread = thread->next_in_process)
        total += sched::cpu_time(*thread);
    return total;
}

ProcessTimer::ProcessTimer()
{
    timer.fire = on_fire;
    timer.context = this;
}

ProcessTimer::~ProcessTimer() { disarm(); }

void ProcessTimer::disarm()
{
    sched::disarm(timer);
    deadline = sched::NO_DEADLINE;
}

lib::ErrorOr<void> ProcessTimer::set(int clock, int64_t value, int64_t period, bool absolute)
{
    disarm();
    owner = &current_process();
    interval = period;
    on_cpu_time = clock == CLOCK_PROCESS_CPUTIME_ID;
    if (value == 0)
        return {};
    if (on_cpu_time)
        deadline = absolute ? value : process_cpu_time() + value;
    else
        deadline = TRY(monotonic_deadline(clock, value, absolute));
    arm_kernel_timer(*this);
    return {};
}

int64_t ProcessTimer::value_left() const
{
    if (deadline == sched::NO_DEADLINE)
        return 0;
    int64_t left = deadline - clock_of(*this);
    return left > 0 ? left : 1; // due but not yet expired: still armed
}

} // namespace linux
