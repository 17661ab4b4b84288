// The arithmetic the interval timers share (setitimer, timer_create, timerfd): a first
// expiration on some clock, then one every `interval` ns, kept as a CLOCK_MONOTONIC deadline.
#pragma once

#include <lib/error_or.h>
#include <linux/clock.h>
#include <linux/user_memory.h>
#include <sched/scheduler.h>
#include <stdint.h>

namespace linux {

struct Itimerspec {
    Timespec interval;
    Timespec value;
};

// A struct itimerspec from the program, in ns (EINVAL if malformed).
lib::ErrorOr<void> read_itimerspec(UserAddress, int64_t& value, int64_t& interval);
lib::ErrorOr<void> write_itimerspec(UserAddress, int64_t value, int64_t interval);
Timespec to_timespec(int64_t ns);

// The CLOCK_MONOTONIC deadline for a `value` on `clock`, relative or (absolute) a time of
// that clock; at least now, so that a time in the past expires at once.
lib::ErrorOr<int64_t> monotonic_deadline(int clock, int64_t value, bool absolute);

// How many expirations happened by `now` for a timer due at `deadline` repeating every
// `interval` (0: once), and where it is due next (sched::NO_DEADLINE: never).
uint64_t expirations_until(int64_t now, int64_t& deadline, int64_t interval);

// What a timer due at `deadline` (CLOCK_MONOTONIC; NO_DEADLINE when disarmed) has left.
int64_t time_left(int64_t deadline);

} // namespace linux

namespace linux {

// A timer of the process that expires on CLOCK_MONOTONIC or on the process's CPU time (then
// a kernel timer wakes at the earliest moment the CPU time could get there, and looks). At
// each expiration `expire` runs in kernel context with how many periods have passed.
struct ProcessTimer {
    ProcessTimer();
    ~ProcessTimer();

    // Arms for `value` ns from now (or, `absolute`, when `clock` reads `value`), repeating
    // every `interval` ns (0: once); a value of 0 disarms.
    lib::ErrorOr<void> set(int clock, int64_t value, int64_t interval, bool absolute);
    void disarm();
    // What is left until the next expiration (0: disarmed), and the period.
    int64_t value_left() const;
    int64_t period() const { return deadline == sched::NO_DEADLINE ? 0 : interval; }

    sched::Timer timer;
    bool on_cpu_time { false };
    int64_t deadline { sched::NO_DEADLINE }; // CLOCK_MONOTONIC, or process CPU ns
    int64_t interval { 0 };
    void (*expire)(ProcessTimer&, uint64_t count) { nullptr };
    void* context { nullptr }; // for `expire`
    struct Process* owner { nullptr }; // whose CPU time it counts, set by set()
};

// The CPU time of a process so far: its threads', live and exited.
int64_t process_cpu_time(const struct Process&);
int64_t process_cpu_time();

} // namespace linux
