// Resource limits (getrlimit, setrlimit, prlimit64): a table per process, inherited at fork
// and kept across execve. RLIMIT_NOFILE is the descriptor table's (FdTable) instead.
#pragma once

#include <kernel/layout.h>
#include <stdint.h>

namespace linux {

enum : int {
    RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4, RLIMIT_RSS = 5,
    RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10,
    RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15,
    RLIMIT_COUNT = 16,
};
inline constexpr uint64_t RLIM_INFINITY = ~0ull;

// struct rlimit: the soft limit (rlim_cur) and the ceiling it may be raised to (rlim_max).
struct ResourceLimit {
    uint64_t current;
    uint64_t maximum;
};
static_assert(sizeof(ResourceLimit) == 16);

// Linux's limits for init (INIT_RLIMITS), which the program starts with as PID 1.
// FIXME: only RLIMIT_NOFILE is enforced; the others are remembered and reported.
struct ResourceLimits {
    ResourceLimit limits[RLIMIT_COUNT] {
        { RLIM_INFINITY, RLIM_INFINITY },                  // CPU
        { RLIM_INFINITY, RLIM_INFINITY },                  // FSIZE
        { RLIM_INFINITY, RLIM_INFINITY },                  // DATA
        { kernel::USER_STACK_SIZE, RLIM_INFINITY },        // STACK
        { 0, RLIM_INFINITY },                              // CORE
        { RLIM_INFINITY, RLIM_INFINITY },                  // RSS
        { RLIM_INFINITY, RLIM_INFINITY },                  // NPROC
        { RLIM_INFINITY, RLIM_INFINITY },                  // NOFILE: see FdTable
        { 8 * 1024 * 1024, 8 * 1024 * 1024 },              // MEMLOCK
        { RLIM_INFINITY, RLIM_INFINITY },                  // AS
        { RLIM_INFINITY, RLIM_INFINITY },                  // LOCKS
        { RLIM_INFINITY, RLIM_INFINITY },                  // SIGPENDING
        { 819200, 819200 },                                // MSGQUEUE
        { 0, 0 },                                          // NICE
        { 0, 0 },                                          // RTPRIO
        { RLIM_INFINITY, RLIM_INFINITY },                  // RTTIME
    };
    ResourceLimit& operator[](int resource) { return limits[resource]; }
    const ResourceLimit& operator[](int resource) const { return limits[resource]; }
};

} // namespace linux
