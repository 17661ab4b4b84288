// The vDSO: clock_gettime, gettimeofday, time, getcpu and clock_getres without a trap, as
// Linux's x86_64 vDSO exports them (version LINUX_2.6). Built as a tiny shared object with
// no relocations (vdso.lds) and embedded in the kernel (vdso_image.S); the kernel maps it
// into every program right after the read-only TimeData page (see vdso/time_data.h).
// Anything it cannot answer from the TSC falls back to the real syscall.
#include <vdso/time_data.h>

extern "C" const vdso::TimeData vvar_page __attribute__((visibility("hidden")));

namespace {

constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
              CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
constexpr long NR_GETTIMEOFDAY = 96, NR_TIME = 201, NR_CLOCK_GETTIME = 228, NR_CLOCK_GETRES = 229;
constexpr long NANOSECONDS = 1000000000;

struct Timespec {
    long seconds, nanoseconds;
};
struct Timeval {
    long seconds, microseconds;
};

long syscall2(long number, long a, long b)
{
    long result;
    asm volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return result;
}

const volatile vdso::TimeData& data() { return const_cast<const volatile vdso::TimeData&>(vvar_page); }

// CLOCK_MONOTONIC (or CLOCK_REALTIME) in ns, or false when the syscall must answer.
bool read_clock(bool realtime, long& nanoseconds)
{
    const volatile vdso::TimeData& shared = data();
    for (;;) {
        uint32_t sequence = shared.sequence;
        asm volatile("" ::: "memory");
        if (sequence & 1)
            continue;
        if (!shared.tsc_usable)
            return false;
        uint64_t tsc = vdso::read_tsc();
        uint64_t delta = tsc - shared.tsc_base;
        bool stale = delta >= shared.tsc_limit;
        long value = shared.monotonic_base + vdso::ticks_to_ns(delta, shared.multiplier, shared.shift);
        if (realtime)
            value += shared.realtime_offset;
        asm volatile("" ::: "memory");
        if (shared.sequence != sequence)
            continue;
        if (stale)
            return false;
        nanoseconds = value;
        return true;
    }
}

bool is_fast_clock(int clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW ||
        clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE || clock == CLOCK_BOOTTIME;
}

} // namespace

extern "C" {

int __vdso_clock_gettime(int clock, Timespec* time)
{
    long value;
    if (!is_fast_clock(clock) || !read_clock(clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE, value))
        return static_cast<int>(syscall2(NR_CLOCK_GETTIME, clock, reinterpret_cast<long>(time)));
    time->seconds = value / NANOSECONDS;
    time->nanoseconds = value % NANOSECONDS;
    return 0;
}

int __vdso_gettimeofday(Timeval* time, int* timezone)
{
    long value;
    if (time) {
        if (!read_clock(true, value))
            return static_cast<int>(syscall2(NR_GETTIMEOFDAY, reinterpret_cast<long>(time), reinterpret_cast<long>(timezone)));
        time->seconds = value / NANOSECONDS;
        time->microseconds = value % NANOSECONDS / 1000;
    }
    if (timezone) {
        timezone[0] = 0; // tz_minuteswest
        timezone[1] = 0; // tz_dsttime
    }
    return 0;
}

long __vdso_time(long* result)
{
    long value;
    if (!read_clock(true, value))
        return syscall2(NR_TIME, reinterpret_cast<long>(result), 0);
    value /= NANOSECONDS;
    if (result)
        *result = value;
    return value;
}

// One vCPU, one NUMA node.
int __vdso_getcpu(unsigned* cpu, unsigned* node, void*)
{
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

int __vdso_clock_getres(int clock, Timespec* resolution)
{
    if (!is_fast_clock(clock))
        return static_cast<int>(syscall2(NR_CLOCK_GETRES, clock, reinterpret_cast<long>(resolution)));
    if (resolution) {
        bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
        resolution->seconds = 0;
        resolution->nanoseconds = coarse ? data().coarse_resolution_ns : 1;
    }
    return 0;
}

// The names without the prefix, as Linux also exports them.
int clock_gettime(int, Timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(Timeval*, int*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, Timespec*) __attribute__((weak, alias("__vdso_clock_getres")));

} // extern "C"
