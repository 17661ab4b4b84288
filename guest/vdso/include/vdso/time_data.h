// The page the kernel shares read-only with the vDSO (Linux's vvar): how to turn a TSC
// reading into CLOCK_MONOTONIC and CLOCK_REALTIME nanoseconds. Plain integer math, so the
// kernel (no FPU), the vDSO and host unit tests all use the same code.
#pragma once

#include <stdint.h>

namespace vdso {

struct TimeData {
    // Odd while the kernel rewrites the fields below (a sequence lock; one CPU, so the
    // writer never runs beside a reader, but a preempted reader may see a change).
    uint32_t sequence;
    // 0: the vDSO must make the syscall (no invariant TSC, or not calibrated yet).
    uint32_t tsc_usable;
    uint64_t tsc_base;       // the TSC at the anchor
    int64_t monotonic_base;  // CLOCK_MONOTONIC at the anchor, ns
    int64_t realtime_offset; // CLOCK_REALTIME - CLOCK_MONOTONIC, ns
    uint64_t multiplier;     // ns per TSC tick, times 2^shift
    uint32_t shift;
    uint32_t pad;
    // TSC ticks past tsc_base after which the anchor is stale: the vDSO makes the syscall,
    // which re-anchors against the host clock.
    uint64_t tsc_limit;
    int64_t coarse_resolution_ns; // clock_getres of the _COARSE clocks
};

// Nanoseconds `delta` TSC ticks stand for.
constexpr int64_t ticks_to_ns(uint64_t delta, uint64_t multiplier, uint32_t shift)
{
    return static_cast<int64_t>((static_cast<unsigned __int128>(delta) * multiplier) >> shift);
}

// CLOCK_MONOTONIC at `tsc`, which must be less than tsc_limit ticks past the anchor.
constexpr int64_t monotonic_at(const TimeData& data, uint64_t tsc)
{
    return data.monotonic_base + ticks_to_ns(tsc - data.tsc_base, data.multiplier, data.shift);
}

inline uint64_t read_tsc()
{
    uint32_t low, high;
    // lfence keeps the read from running ahead of earlier loads (Linux's rdtsc_ordered).
    asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return (static_cast<uint64_t>(high) << 32) | low;
}

} // namespace vdso
