// Keeping the TSC conversion in TimeData close to the host's clocks. Pure functions of clock
// samples, so they are tested on the host (tests/unit/guest_vdso_calibration_test.cpp).
//
// The conversion rate comes from the longest baseline there is (the first sample to now), so
// its error shrinks as the program runs. Each re-anchor starts from the value the old
// conversion gives at that instant, so the clock never jumps (and never goes back); the
// remaining difference from the host clock is slewed away over the next interval.
#pragma once

#include <vdso/time_data.h>

namespace vdso {

// One reading of the host clocks with the TSC around it.
struct ClockSample {
    uint64_t tsc;
    int64_t monotonic;
    int64_t realtime_offset; // host CLOCK_REALTIME - CLOCK_MONOTONIC
};

inline constexpr uint32_t SHIFT = 32;
// The first anchor waits for this much baseline; re-anchoring happens at least this often
// and at most once a second.
inline constexpr int64_t MIN_BASELINE_NS = 1'000'000;
inline constexpr int64_t MAX_INTERVAL_NS = 1'000'000'000;
// A realtime offset that moves more than this was set on the host (a step); less is noise.
inline constexpr int64_t REALTIME_STEP_NS = 1'000'000;

// ns per tick times 2^SHIFT, measured between two samples.
uint64_t measure_multiplier(const ClockSample& first, const ClockSample& now);

// Makes `data` (sequence aside) convert from the TSC, anchored at `now`; `first` is the
// oldest sample (the rate's baseline). Keeps data.tsc_usable as it was: the caller decides.
void anchor(TimeData& data, const ClockSample& first, const ClockSample& now);

} // namespace vdso
