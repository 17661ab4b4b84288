// The clocks programs name by clockid_t, and reading struct timespec durations.
#pragma once

#include <lib/error_or.h>
#include <linux/user_memory.h>
#include <stdint.h>

namespace linux {

inline constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
inline constexpr int CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
inline constexpr int CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
inline constexpr int TIMER_ABSTIME = 1;
inline constexpr int64_t NANOSECONDS = 1'000'000'000;

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

// The clock's value in ns, or EINVAL for an unknown clock.
lib::ErrorOr<int64_t> clock_now(int clock);
// The CPU time of the current process, ns: its live threads and those that exited.
int64_t process_cpu_time_ns();
// A struct timespec duration from the program, in ns (EINVAL if malformed; saturates).
lib::ErrorOr<int64_t> read_duration(UserAddress);

} // namespace linux
